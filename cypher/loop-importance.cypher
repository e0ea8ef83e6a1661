// Which actors matter most to the focal firm's value loops?
//
// Stakeholder value network method: a value loop is a chain of value flows that
// leaves the focal firm and comes back to it without visiting an actor twice
// (firm -> patient -> family -> patient is not one; firm -> patient -> firm is).
// Each flow scores 0 to 1: its magnitude over the scale maximum, or, for a flow
// with only a money amount, its yearly amount over the largest such amount. A
// loop's value is the product of its flows' scores; parallel flows between the
// same two actors add up. An actor's importance is the value of the loops it lies
// on over the value of all loops (the firm's own is 1). The network is the
// average respondent's (of a segment, or everyone), as in `valuenet analyze`
// (section loops), which gives the same importances.
//
// Parameters:
//   model      the model id
//   goal       the goal id; null takes the model's first goal
//   scenario   the scenario id
//   segment    a respondent segment; null takes every respondent
//   maxLength  the longest loop, in flows
:param model => 'health';
:param goal => null;
:param scenario => 'current';
:param segment => null;
:param maxLength => 8;

MATCH (m:Model {id: $model})-[:HAS_GOAL]->(g:Goal)
WHERE $goal IS NULL OR g.id = $goal
WITH m, g ORDER BY g.ord LIMIT 1
MATCH (m)-[:HAS_ACTOR]->(firm:Actor {kind: 'focal_firm'})
CALL (m, g) {
  MATCH (r:Respondent)-[:REPORTED]->(f:Flow)-[:IN_GOAL]->(g)
  WHERE r.model = m.id AND f.scenario = $scenario AND ($segment IS NULL OR r.segment = $segment)
  WITH DISTINCT r
  RETURN collect(r.id) AS ids
}
WITH m, g, firm, ids, size(ids) AS n
// Score every flow of the average respondent's network.
MATCH (f:Flow)-[:IN_GOAL]->(g)
WHERE f.scenario = $scenario AND f.source <> f.target AND (f.respondent IS NULL OR f.respondent IN ids)
  AND (f.magnitude IS NOT NULL OR f.money IS NOT NULL)
WITH m, firm, f, CASE WHEN f.respondent IS NULL OR n <= 1 THEN 1.0 ELSE 1.0 / n END AS share
WITH m, firm, collect({source: f.source, target: f.target, magnitude: f.magnitude * share,
                        amount: CASE WHEN f.magnitude IS NULL THEN abs(f.money) * f.occurrences * share END}) AS flows
WITH m, firm, flows,
     reduce(top = 0.0, x IN flows | CASE WHEN x.amount > top THEN x.amount ELSE top END) AS moneyTop
UNWIND flows AS x
WITH m, firm, x, CASE WHEN x.magnitude IS NOT NULL THEN x.magnitude / m.scaleMax
                      WHEN moneyTop > 0 THEN x.amount / moneyTop END AS raw
WITH m, firm, x, CASE WHEN raw > 1.0 THEN 1.0 WHEN raw < 0.0 THEN 0.0 ELSE raw END AS score
WHERE score > 0
WITH m, firm, x.source AS source, x.target AS target, sum(score) AS score
WITH m, firm, collect({source: source, target: target, score: score}) AS hops
// Walk every simple cycle through the firm, one flow longer at each step.
WITH m, firm, reduce(state = {open: [{actors: [firm.id], value: 1.0}], loops: []}, step IN range(1, $maxLength) |
       {loops: state.loops + reduce(acc = [], p IN state.open |
                  acc + [h IN hops WHERE h.source = last(p.actors) AND h.target = firm.id |
                         {actors: p.actors, value: p.value * h.score}]),
        open: CASE WHEN step = $maxLength THEN [] ELSE reduce(acc = [], p IN state.open |
                  acc + [h IN hops WHERE h.source = last(p.actors) AND h.target <> firm.id AND NOT h.target IN p.actors |
                         {actors: p.actors + h.target, value: p.value * h.score}]) END}).loops AS loops
WITH m, firm, loops, reduce(total = 0.0, l IN loops | total + l.value) AS total
UNWIND loops AS loop
UNWIND loop.actors AS actor
WITH m, firm, total, actor, sum(loop.value) AS value, count(loop) AS loopCount
MATCH (a:Actor {model: m.id, id: actor})
RETURN actor, a.name AS name, a.kind AS kind, actor = firm.id AS focal, loopCount AS cycles,
       CASE WHEN total > 0 THEN value / total ELSE 0.0 END AS importance
ORDER BY importance DESC, actor;

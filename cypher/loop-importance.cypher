// Which actors matter most to the focal firm's value loops?
//
// Stakeholder value network method: a value loop is a chain of value flows that
// leaves the focal firm and comes back to it without visiting an actor twice
// (firm -> patient -> family -> patient is not one; firm -> patient -> firm is).
// Each flow scores 0 to 1 for the value it delivers to its receiver: a flow from
// the customer scores only by its money, its yearly amount (money times
// occurrences) over the largest amount that scores, and not at all without money
// (what the customer gives up is not value delivered); a flow from any other
// actor scores its magnitude over the scale maximum, or, with only a money amount,
// its yearly amount over that same largest amount. A loop's value is the product
// of its flows' scores; parallel flows between the same two actors add up. An
// actor's importance is the value of the loops it lies on over the value of all
// loops (the firm's own is 1). The network is the average respondent's (of a
// segment, or everyone), as in `valuenet analyze` (section loops), which gives
// the same importances.
//
// One pass over the scenario's flows (through the index flow_scope), summed per
// pair of actors before the loops are walked.
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
WITH m, g, firm,
     coalesce(g.customer, head(COLLECT { MATCH (m)-[:HAS_ACTOR]->(c:Actor {kind: 'customer'}) RETURN c.id })) AS customer
// The respondents with flows in this goal and scenario.
CALL (m, g) {
  MATCH (r:Respondent {model: m.id})
  WHERE ($segment IS NULL OR r.segment = $segment)
    AND EXISTS { MATCH (r)-[:REPORTED]->(f:Flow) WHERE f.goal = g.id AND f.scenario = $scenario }
  RETURN collect(r.id) AS ids
}
// Per pair of actors, the summed magnitude scores (clipped to 1 flow by flow) and the money amounts of the average
// respondent's network; the largest money amount that scores.
CALL (m, g, customer, ids) {
  WITH m, g, customer, ids, size(ids) AS n
  MATCH (f:Flow)
  WHERE f.model = m.id AND f.goal = g.id AND f.scenario = $scenario
    AND f.source IS NOT NULL AND f.target IS NOT NULL AND f.dimension IS NOT NULL AND f.source <> f.target
  WITH m, customer, n, ids, f, f.respondent AS respondent, f.money AS money,
       CASE WHEN f.source = customer THEN null ELSE f.magnitude END AS magnitude
  WHERE (magnitude IS NOT NULL OR money IS NOT NULL) AND (respondent IS NULL OR $segment IS NULL OR respondent IN ids)
  WITH m, n, f, respondent, CASE WHEN respondent IS NULL OR n <= 1 THEN 1.0 ELSE 1.0 / n END AS share,
       CASE WHEN magnitude IS NULL THEN abs(money) * f.occurrences END AS amount,
       magnitude / m.scaleMax AS scored
  WITH f.source AS source, f.target AS target,
       sum(CASE WHEN scored * share > 1.0 THEN 1.0 WHEN scored * share < 0.0 THEN 0.0 ELSE scored * share END) AS scores,
       sum(amount * share) AS amounts, max(amount * share) AS top
  RETURN collect({source: source, target: target, scores: scores, amounts: amounts}) AS pairs,
         coalesce(max(top), 0.0) AS moneyTop
}
WITH m, firm, [p IN pairs | {source: p.source, target: p.target,
                             score: p.scores + CASE WHEN moneyTop > 0 THEN p.amounts / moneyTop ELSE 0.0 END}] AS pairs
WITH m, firm, [p IN pairs WHERE p.score > 0] AS hops
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

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
// segment, or everyone, with a flow in the scenario or one it is based on), as in
// `valuenet analyze` (section loops), which gives the same importances. A
// scenario based_on another holds its base's flows less those its removal
// entries match or its own flows change, plus its own (see scenario-deltas).
//
// One pass over the flows of the scenario and its bases (reached from the
// model's actors), grouped by flow key to resolve inheritance and summed per pair of
// actors before the loops are walked.
//
// Parameters:
//   model      the model id
//   goal       the goal id; null takes the model's first goal
//   scenario   the scenario id
//   segment    a respondent segment; null takes every respondent
//   maxLength  the longest loop, in flows
// cypher-shell and Neo4j Browser need every parameter: pass the map that
// `valuenet cypher loop-importance --param NAME=VALUE --params-map` prints, as
// -P "$(...)" or :params (docs/neo4j.md, "Parameters and defaults").
// Defaults: {model: 'health', goal: null, scenario: 'current', segment: null, maxLength: 8}

MATCH (m:Model {id: $model})-[:HAS_GOAL]->(g:Goal)
WHERE $goal IS NULL OR g.id = $goal
WITH m, g ORDER BY g.ord LIMIT 1
MATCH (m)-[:HAS_ACTOR]->(firm:Actor {kind: 'focal_firm'})
WITH m, g, firm,
     coalesce(g.customer, head(COLLECT { MATCH (m)-[:HAS_ACTOR]->(c:Actor {kind: 'customer'}) RETURN c.id })) AS customer,
     COLLECT { MATCH (g)-[:HAS_SCENARIO]->(s:Scenario) RETURN [s.id, s.basedOn] } AS bases,
     COLLECT { MATCH (g)-[:HAS_SCENARIO]->(s:Scenario)-[:REMOVES]->(x:Removal)
               WHERE any(k IN keys(x) WHERE NOT k IN ['model', 'goal', 'scenario', 'index'])
               RETURN x {.scenario, .actor, .source, .target, .dimension, .touchpoint, .stage, .respondent,
                         .structural} } AS removals
// The scenario's chain, base first (follow based_on), and its removal entries with the level that states them.
WITH m, g, firm, customer, removals,
     reduce(chain = [$scenario], i IN range(1, size(bases)) |
       [b IN bases WHERE b[0] = head(chain) AND b[1] IS NOT NULL AND NOT b[1] IN chain | b[1]] + chain) AS chain
WITH m, g, firm, customer, chain,
     [x IN removals WHERE x.scenario IN chain
      | x {.*, level: head([i IN range(0, size(chain) - 1) WHERE chain[i] = x.scenario])}] AS rules
// The respondents with flows in this goal and a scenario of the chain.
CALL (m, g, chain) {
  MATCH (r:Respondent {model: m.id})
  WHERE ($segment IS NULL OR r.segment = $segment)
    AND (EXISTS { MATCH (r)<-[rx:EXCHANGE]-() WHERE rx.goal = g.id AND rx.scenario IN chain }
      OR EXISTS { MATCH (:Actor {model: m.id})-[rf:FLOW {respondent: r.id}]->()
                   WHERE rf.goal = g.id AND rf.scenario IN chain })
  RETURN collect(r.id) AS ids
}
// The one pass. A flow's key group holds it when it is in the group's highest scenario of the chain and no removal
// entry of a later scenario matches the key. Of those, per pair of actors, the summed magnitude scores (clipped to 1
// flow by flow) and the money amounts of the average respondent's network; the largest money amount that scores.
CALL (m, g, customer, chain, rules, ids) {
  CALL (m, g, chain) {
    // The goal's flows in the chain: each exchange's one or two sides, then the lone flows.
    MATCH (a:Actor {model: m.id})-[x:EXCHANGE]->(o)
    WHERE x.goal = g.id AND x.scenario IN chain
    WITH x, a.id AS actor, CASE WHEN o:Respondent THEN o.id END AS respondent,
         x.gets IS NOT NULL OR x.getsMoney IS NOT NULL AS hasGets
    UNWIND [s IN [{source: actor, target: x.customer, magnitude: x.gets, money: x.getsMoney, ord: x.ord, on: hasGets},
                  {source: x.customer, target: actor, magnitude: x.gives, money: x.givesMoney,
                   ord: coalesce(x.givesOrd, CASE WHEN hasGets THEN x.ord + 1 ELSE x.ord END),
                   on: x.gives IS NOT NULL OR x.givesMoney IS NOT NULL}] WHERE s.on] AS s
    RETURN {source: s.source, target: s.target, magnitude: s.magnitude, money: s.money, ord: s.ord,
            scenario: x.scenario, dimension: x.dimension, occurrences: coalesce(x.occurrences, 1.0),
            touchpoint: x.touchpoint, stage: x.stage, quote: x.quote, respondent: respondent,
            responsible: x.responsible} AS f
    UNION ALL
    MATCH (s:Actor {model: m.id})-[l:FLOW]->(t)
    WHERE l.goal = g.id AND l.scenario IN chain
    RETURN {source: s.id, target: t.id, magnitude: l.magnitude, money: l.money, ord: l.ord, scenario: l.scenario,
            dimension: l.dimension, occurrences: coalesce(l.occurrences, 1.0), touchpoint: l.touchpoint,
            stage: l.stage, quote: l.quote, respondent: l.respondent, responsible: l.responsible} AS f
  }
  WITH * WHERE f.source IS NOT NULL AND f.target IS NOT NULL AND f.dimension IS NOT NULL
  WITH f, CASE WHEN size(chain) > 1 THEN [f.respondent, f.source, f.target, f.dimension, f.touchpoint, f.stage]
            END AS key,
       head([i IN range(0, size(chain) - 1) WHERE chain[i] = f.scenario]) AS level
  WITH key, collect([f, level]) AS versions, max(level) AS top
  WHERE NOT any(x IN rules WHERE x.level > top
      AND (x.actor IS NULL OR x.actor IN [key[1], key[2]])
      AND (x.source IS NULL OR x.source = key[1]) AND (x.target IS NULL OR x.target = key[2])
      AND (x.dimension IS NULL OR x.dimension = key[3])
      AND (x.touchpoint IS NULL OR coalesce(x.touchpoint = key[4], false))
      AND (x.stage IS NULL OR coalesce(x.stage = key[5], false))
      AND (x.respondent IS NULL OR coalesce(x.respondent = key[0], false))
      AND (x.structural IS NULL OR x.structural = (key[0] IS NULL)))
  UNWIND versions AS v
  WITH v[0] AS f, v[1] = top AS held, m, customer, size(ids) AS n, ids
  WHERE held AND f.source <> f.target
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

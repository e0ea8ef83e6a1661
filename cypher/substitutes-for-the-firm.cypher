// Which actors could stand in for the focal firm, and for how much of what it gives?
//
// For each dimension in which the average respondent (of a segment, or everyone,
// with a flow in the scenario or one it is based on) gets value from the focal
// firm: the other actors from which they already get value in that dimension,
// what they get and the net, and the coverage, the share of the firm's value
// there that the actor could replace at today's level (capped at 1). Largest
// first. A scenario based_on another holds its base's flows less those its
// removal entries match or its own flows change, plus its own (see
// scenario-deltas). Same list as the substitutes of `valuenet analyze` (section
// dependency).
//
// One pass over the flows of the scenario and its bases to and from the customer
// (reached from the model's actors), grouped by flow key to resolve inheritance.
//
// Parameters:
//   model      the model id
//   goal       the goal id; null takes the model's first goal
//   scenario   the scenario id
//   segment    a respondent segment; null takes every respondent
// cypher-shell and Neo4j Browser need every parameter: pass the map that
// `valuenet cypher substitutes-for-the-firm --param NAME=VALUE --params-map` prints, as
// -P "$(...)" or :params (docs/neo4j.md, "Parameters and defaults").
// Defaults: {model: 'health', goal: null, scenario: 'current', segment: null}

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
WITH m, g, firm, customer, chain, rules, ids, size(ids) AS n
// The one pass: the flows to and from the customer. A flow's key group holds it when it is in the group's highest
// scenario of the chain and no removal entry of a later scenario matches the key. Of those, what the average
// respondent gets from and gives to each actor, per dimension.
CALL (m, g, customer, chain, rules, ids, n) {
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
    AND customer IN [f.source, f.target]
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
  WITH v[0] AS f, v[1] = top AS held
  WHERE held AND f.magnitude IS NOT NULL
  WITH f, f.respondent AS who
  WHERE who IS NULL OR $segment IS NULL OR who IN ids
  WITH f.source AS source, f.target AS target, f.dimension AS dimension, who IS NULL AS structural,
       sum(f.magnitude) AS amount
  WHERE source <> target
  WITH CASE WHEN source = customer THEN target ELSE source END AS actor, dimension,
       amount * CASE WHEN structural OR n <= 1 THEN 1.0 ELSE 1.0 / n END AS amount, target = customer AS toCustomer
  WITH actor, dimension, sum(CASE WHEN toCustomer THEN amount ELSE 0.0 END) AS gets,
       sum(CASE WHEN toCustomer THEN 0.0 ELSE amount END) AS gives
  RETURN dimension, collect({actor: actor, gets: gets, net: gets - gives}) AS values
}
WITH m, firm, dimension, values, head([x IN values WHERE x.actor = firm.id | x.gets]) AS firmGets
WHERE firmGets > 0
UNWIND values AS x
WITH m, firm, dimension, firmGets, x
WHERE x.actor <> firm.id AND x.gets > 0
MATCH (a:Actor {model: m.id, id: x.actor})
MATCH (d:Dimension {model: m.id, id: dimension})
RETURN dimension, firm.id AS firm, firmGets, x.actor AS actor, a.name AS name, a.kind AS kind,
       x.gets AS gets, x.net AS net,
       CASE WHEN x.gets >= firmGets THEN 1.0 ELSE x.gets / firmGets END AS coverage
ORDER BY d.ord, gets DESC, net DESC, actor;

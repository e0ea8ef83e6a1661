// What does the focal firm give and take, per dimension, for a segment's average customer?
//
// For one goal and scenario, over the respondents of a segment (or everyone)
// with a flow in it or in a scenario it is based on: per dimension, the mean of what each respondent gets from
// the focal firm, gives up to it and the net (someone without an exchange in a
// dimension counts 0); the mean of their weights (each respondent's weights
// normalised to sum 1: a negative weight counts 0, none stated means equal
// weights); and the mean of each respondent's own weighted gets, gives and net
// (their weight times their value). The weighted nets add up to the firm's
// weighted net value, and shareDestroys is the share of the respondents for
// whom that value, with their own weights, is below 0. A respondent's network is
// their own flows plus the structural flows (no respondent) between the firm and
// the actor that stands for them; flows with only a money amount are left out.
// A scenario based_on another holds its base's flows less those its removal
// entries match or its own flows change, plus its own (see scenario-deltas). A
// model without respondents is its structural network, one customer with equal
// weights (respondents 0). Same figures as the firm's row of
// `valuenet analyze --segment SEGMENT` (section net).
//
// One pass over the flows of the scenario and its bases between the firm and the
// actors that stand for respondents (reached from the model's actors), summed per
// respondent; the structural sums are added to each respondent's.
//
// Parameters:
//   model      the model id
//   goal       the goal id; null takes the model's first goal
//   scenario   the scenario id
//   segment    a respondent segment; null takes every respondent
// cypher-shell and Neo4j Browser need every parameter: pass the map that
// `valuenet cypher firm-net-value-by-dimension --param NAME=VALUE --params-map` prints, as
// -P "$(...)" or :params (docs/neo4j.md, "Parameters and defaults").
// Defaults: {model: 'health', goal: null, scenario: 'current', segment: null}

MATCH (m:Model {id: $model})-[:HAS_GOAL]->(g:Goal)
WHERE $goal IS NULL OR g.id = $goal
WITH m, g ORDER BY g.ord LIMIT 1
MATCH (m)-[:HAS_ACTOR]->(firm:Actor {kind: 'focal_firm'})
WITH m, g, firm,
     coalesce(g.customer, head(COLLECT { MATCH (m)-[:HAS_ACTOR]->(c:Actor {kind: 'customer'}) RETURN c.id })) AS customer,
     COLLECT { MATCH (m)-[:HAS_DIMENSION]->(d:Dimension) RETURN d.id ORDER BY d.ord } AS dimensions,
     COLLECT { MATCH (g)-[:HAS_SCENARIO]->(s:Scenario) RETURN [s.id, s.basedOn] } AS bases,
     COLLECT { MATCH (g)-[:HAS_SCENARIO]->(s:Scenario)-[:REMOVES]->(x:Removal)
               WHERE any(k IN keys(x) WHERE NOT k IN ['model', 'goal', 'scenario', 'index'])
               RETURN x {.scenario, .actor, .source, .target, .dimension, .touchpoint, .stage, .respondent,
                         .structural} } AS removals
// The scenario's chain, base first (follow based_on), and its removal entries with the level that states them.
WITH m, g, firm, customer, dimensions, removals,
     reduce(chain = [$scenario], i IN range(1, size(bases)) |
       [b IN bases WHERE b[0] = head(chain) AND b[1] IS NOT NULL AND NOT b[1] IN chain | b[1]] + chain) AS chain
WITH m, g, firm, customer, dimensions, chain,
     [x IN removals WHERE x.scenario IN chain
      | x {.*, level: head([i IN range(0, size(chain) - 1) WHERE chain[i] = x.scenario])}] AS rules,
     [customer] + COLLECT { MATCH (r:Respondent {model: m.id}) WHERE r.actor IS NOT NULL RETURN DISTINCT r.actor }
       AS selves
// The one pass: the flows between the firm and an actor that stands for respondents. A flow's key group holds it
// when it is in the group's highest scenario of the chain and no removal entry of a later scenario matches the key.
// Summed per respondent (null: structural), actor standing for them and dimension.
CALL (m, g, firm, chain, rules, selves) {
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
  WITH * WHERE f.source IN [firm.id] + selves AND f.target IN [firm.id] + selves AND f.dimension IS NOT NULL
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
  WHERE held AND f.magnitude IS NOT NULL AND f.source <> f.target AND firm.id IN [f.source, f.target]
  WITH f.respondent AS who, CASE WHEN f.source = firm.id THEN f.target ELSE f.source END AS self,
       f.dimension AS dimension, f.source = firm.id AS toSelf, f.magnitude AS magnitude
  WITH who, self, dimension, sum(CASE WHEN toSelf THEN magnitude ELSE 0.0 END) AS gets,
       sum(CASE WHEN toSelf THEN 0.0 ELSE magnitude END) AS gives
  WITH who, collect({self: self, dimension: dimension, gets: gets, gives: gives}) AS sums
  RETURN collect(CASE WHEN who IS NOT NULL THEN {who: who, sums: sums} END) AS own,
         coalesce(head(collect(CASE WHEN who IS NULL THEN sums END)), []) AS structural
}
// The respondents of the scope (a flow in a scenario of the chain), who stands for each, and their weights
// normalised to sum 1. Without any respondent, the structural network stands for one customer.
CALL (m, g, customer, dimensions, chain, own) {
  CALL (m, g, chain, own) {
    UNWIND own AS o
    MATCH (r:Respondent {model: m.id, id: o.who})
    WHERE $segment IS NULL OR r.segment = $segment
    RETURN r, o.sums AS sums
    UNION ALL
    WITH m, g, chain, [o IN own | o.who] AS ids
    MATCH (r:Respondent {model: m.id})
    WHERE ($segment IS NULL OR r.segment = $segment) AND NOT r.id IN ids
      AND (EXISTS { MATCH (r)<-[rx:EXCHANGE]-() WHERE rx.goal = g.id AND rx.scenario IN chain }
        OR EXISTS { MATCH (:Actor {model: m.id})-[rf:FLOW {respondent: r.id}]->()
                     WHERE rf.goal = g.id AND rf.scenario IN chain })
    RETURN r, [] AS sums
  }
  WITH r, sums, COLLECT { MATCH (r)-[c:CARES_ABOUT]->(d:Dimension) WHERE c.weight > 0 RETURN [d.id, c.weight] }
    AS stated
  WITH r, stated, sums, reduce(t = 0.0, x IN stated | t + x[1]) AS total
  WITH collect({me: coalesce(r.actor, customer), sums: sums,
                weights: [d IN dimensions | CASE WHEN total > 0
                  THEN coalesce(head([x IN stated WHERE x[0] = d | x[1]]), 0.0) / total
                  ELSE 1.0 / size(dimensions) END]}) AS people
  RETURN CASE WHEN size(people) = 0 AND $segment IS NULL
              THEN [{me: customer, sums: [], weights: [d IN dimensions | 1.0 / size(dimensions)]}]
              ELSE people END AS people, size(people) AS n
}
// Each respondent's gets and gives per dimension (their own sums plus the structural ones of the actor that stands
// for them), and their weighted net.
UNWIND people AS p
WITH firm, dimensions, n, size(people) AS k, p.weights AS weights,
     [s IN p.sums WHERE s.self = p.me] + [s IN structural WHERE s.self = p.me] AS sums
WITH firm, dimensions, n, k, weights,
     [d IN dimensions | reduce(t = 0.0, s IN sums | t + CASE WHEN s.dimension = d THEN s.gets ELSE 0.0 END)] AS gets,
     [d IN dimensions | reduce(t = 0.0, s IN sums | t + CASE WHEN s.dimension = d THEN s.gives ELSE 0.0 END)] AS gives
WITH firm, dimensions, n, k, weights, gets, gives,
     reduce(t = 0.0, j IN range(0, size(dimensions) - 1) | t + weights[j] * (gets[j] - gives[j])) AS weighted
UNWIND range(0, size(dimensions) - 1) AS j
WITH firm, dimensions[j] AS dimension, j, n, k, sum(gets[j]) AS gets, sum(gives[j]) AS gives,
     sum(weights[j]) AS weight, sum(weights[j] * gets[j]) AS weightedGets, sum(weights[j] * gives[j]) AS weightedGives,
     count(CASE WHEN weighted < -1e-9 THEN 1 END) AS destroyed
RETURN firm.id AS firm, dimension, n AS respondents, gets / k AS gets, gives / k AS gives, (gets - gives) / k AS net,
       weight / k AS weight, weightedGets / k AS weightedGets, weightedGives / k AS weightedGives,
       (weightedGets - weightedGives) / k AS weightedNet, toFloat(destroyed) / k AS shareDestroys
ORDER BY j;

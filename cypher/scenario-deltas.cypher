// What changes between two scenarios, for whom, in which dimension?
//
// Each scenario is read as the analysis reads it: a scenario based_on another
// holds its base's flows (down the whole based_on chain), less those one of its
// removal entries (:Removal nodes) matches and those its own flows change (a flow
// of its own with the same respondent, giver, receiver, dimension, touchpoint and
// stage; a missing value counts as a value), plus its own flows. The respondents
// compared are those of the segment (or everyone) with a flow in a scenario of
// each chain, so a respondent who was not re-interviewed keeps their inherited
// exchanges. A model without respondents compares its structural network.
//
// Per actor and dimension, and per actor weighted (dimension "weighted": each
// respondent's nets weighted by their own weights, normalised to sum 1, equal
// when none is stated): the mean net value before and after over those
// respondents (someone without an exchange counts 0), the mean change, and the
// shares of respondents better and worse off. Only what changes for someone is
// listed; weighted rows first, then the largest changes. A respondent's network
// is their own flows plus the structural flows (no respondent) of the actor that
// stands for them. Same figures as the "changes" of `valuenet analyze --compare
// AFTER` (section scenarios).
//
// One pass over the flows of both chains (reached from the model's actors), grouped
// by flow key to resolve inheritance and summed per respondent; the structural
// sums are added to each respondent's.
//
// Parameters:
//   model      the model id
//   goal       the goal id; null takes the model's first goal
//   before     the scenario to compare from
//   after      the scenario to compare to; null takes the goal's first other scenario
//   segment    a respondent segment; null takes every respondent
// cypher-shell and Neo4j Browser need every parameter: pass the map that
// `valuenet cypher scenario-deltas --param NAME=VALUE --params-map` prints, as
// -P "$(...)" or :params (docs/neo4j.md, "Parameters and defaults").
// Defaults: {model: 'health', goal: null, before: 'current', after: null, segment: null}

MATCH (m:Model {id: $model})-[:HAS_GOAL]->(g:Goal)
WHERE $goal IS NULL OR g.id = $goal
WITH m, g ORDER BY g.ord LIMIT 1
WITH m, g, coalesce($after, head([s IN g.scenarios WHERE s <> $before])) AS afterId,
     coalesce(g.customer, head(COLLECT { MATCH (m)-[:HAS_ACTOR]->(c:Actor {kind: 'customer'}) RETURN c.id })) AS customer,
     COLLECT { MATCH (m)-[:HAS_DIMENSION]->(d:Dimension) RETURN d.id ORDER BY d.ord } AS dimensions,
     COLLECT { MATCH (g)-[:HAS_SCENARIO]->(s:Scenario) RETURN [s.id, s.basedOn] } AS bases,
     COLLECT { MATCH (g)-[:HAS_SCENARIO]->(s:Scenario)-[:REMOVES]->(x:Removal)
               WHERE any(k IN keys(x) WHERE NOT k IN ['model', 'goal', 'scenario', 'index'])
               RETURN x {.scenario, .actor, .source, .target, .dimension, .touchpoint, .stage, .respondent,
                         .structural} } AS removals
// Each scenario's chain, base first: follow based_on while it names a scenario not yet in the chain.
WITH m, g, afterId, customer, dimensions, removals,
     [s IN [$before, afterId] | reduce(chain = [s], i IN range(1, size(bases)) |
       [b IN bases WHERE b[0] = head(chain) AND b[1] IS NOT NULL AND NOT b[1] IN chain | b[1]] + chain)] AS chains
// Each chain's removal entries, with the level (position in the chain) of the scenario that states them.
WITH m, g, afterId, customer, dimensions, chains,
     [c IN chains | [x IN removals WHERE x.scenario IN c
                     | x {.*, level: head([i IN range(0, size(c) - 1) WHERE c[i] = x.scenario])}]] AS rules,
     [customer] + COLLECT { MATCH (r:Respondent {model: m.id}) WHERE r.actor IS NOT NULL RETURN DISTINCT r.actor }
       AS selves
// The one pass. A flow's key group holds it in a chain when it is in the group's highest scenario of that chain
// (no later scenario changes it) and no removal entry of a later scenario matches the key.
CALL (m, g, chains, rules, selves) {
  CALL (m, g, chains) {
    // The goal's flows in the chain: each exchange's one or two sides, then the lone flows.
    MATCH (a:Actor {model: m.id})-[x:EXCHANGE]->(o)
    WHERE x.goal = g.id AND x.scenario IN chains[0] + chains[1]
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
    WHERE l.goal = g.id AND l.scenario IN chains[0] + chains[1]
    RETURN {source: s.id, target: t.id, magnitude: l.magnitude, money: l.money, ord: l.ord, scenario: l.scenario,
            dimension: l.dimension, occurrences: coalesce(l.occurrences, 1.0), touchpoint: l.touchpoint,
            stage: l.stage, quote: l.quote, respondent: l.respondent, responsible: l.responsible} AS f
  }
  WITH * WHERE f.source IS NOT NULL AND f.target IS NOT NULL AND f.dimension IS NOT NULL
  WITH f, CASE WHEN size(chains[0]) + size(chains[1]) > 2
            THEN [f.respondent, f.source, f.target, f.dimension, f.touchpoint, f.stage] END AS key,
       [c IN chains | head([i IN range(0, size(c) - 1) WHERE c[i] = f.scenario])] AS levels
  WITH key, collect([f, levels]) AS versions, max(levels[0]) AS top0, max(levels[1]) AS top1
  WITH key, versions, [j IN [0, 1] | CASE WHEN any(x IN rules[j] WHERE x.level > [top0, top1][j]
      AND (x.actor IS NULL OR x.actor IN [key[1], key[2]])
      AND (x.source IS NULL OR x.source = key[1]) AND (x.target IS NULL OR x.target = key[2])
      AND (x.dimension IS NULL OR x.dimension = key[3])
      AND (x.touchpoint IS NULL OR coalesce(x.touchpoint = key[4], false))
      AND (x.stage IS NULL OR coalesce(x.stage = key[5], false))
      AND (x.respondent IS NULL OR coalesce(x.respondent = key[0], false))
      AND (x.structural IS NULL OR x.structural = (key[0] IS NULL))) THEN null ELSE [top0, top1][j] END] AS tops
  UNWIND versions AS v
  WITH v[0] AS f, v[1] AS levels, tops
  // held: in the before and after scenario; seen: in a scenario of the before and after chain.
  WITH f.respondent AS who, f.source AS source, f.target AS target, f.dimension AS dimension,
       CASE WHEN f.source <> f.target THEN f.magnitude END AS magnitude,
       [j IN [0, 1] | coalesce(levels[j] = tops[j], false)] AS held, [j IN [0, 1] | levels[j] IS NOT NULL] AS seen
  WITH who, dimension, held, seen, source, target,
       CASE WHEN magnitude IS NULL OR NOT (held[0] OR held[1]) THEN [null]
            ELSE [s IN selves WHERE s IN [source, target]] + [null] END AS sides, magnitude
  UNWIND sides AS self
  WITH who, self, CASE WHEN self = source THEN target ELSE source END AS actor, dimension, seen,
       CASE WHEN self IS NULL THEN 0.0 WHEN self = target THEN magnitude ELSE -magnitude END AS net, held
  WITH who, self, actor, dimension,
       sum(CASE WHEN seen[0] THEN 1 ELSE 0 END) AS inBefore, sum(CASE WHEN seen[1] THEN 1 ELSE 0 END) AS inAfter,
       sum(CASE WHEN held[0] THEN net ELSE 0.0 END) AS before, sum(CASE WHEN held[1] THEN net ELSE 0.0 END) AS after
  WITH who, sum(inBefore) > 0 AND sum(inAfter) > 0 AS inBoth, sum(inBefore + inAfter) > 0 AS anywhere,
       collect(CASE WHEN self IS NOT NULL THEN {self: self, actor: actor, dimension: dimension, before: before,
                                                after: after} END) AS cells
  RETURN collect(CASE WHEN who IS NOT NULL AND inBoth THEN {who: who, cells: cells} END) AS both,
         coalesce(head(collect(CASE WHEN who IS NULL THEN cells END)), []) AS structural,
         count(CASE WHEN who IS NOT NULL AND anywhere THEN 1 END) AS interviewed
}
// The respondents of the scope: who stands for each, and their weights normalised to sum 1 (none stated: equal).
// Without any respondent, the structural network stands for one customer.
CALL (m, customer, dimensions, both, interviewed) {
  UNWIND both AS o
  MATCH (r:Respondent {model: m.id, id: o.who})
  WHERE $segment IS NULL OR r.segment = $segment
  WITH r, o, COLLECT { MATCH (r)-[c:CARES_ABOUT]->(d:Dimension) WHERE c.weight > 0 RETURN [d.id, c.weight] } AS stated
  WITH r, o, stated, reduce(t = 0.0, x IN stated | t + x[1]) AS total
  WITH collect({me: coalesce(r.actor, customer), cells: o.cells,
                weights: [d IN dimensions | CASE WHEN total > 0
                  THEN coalesce(head([x IN stated WHERE x[0] = d | x[1]]), 0.0) / total
                  ELSE 1.0 / size(dimensions) END]}) AS people
  RETURN CASE WHEN interviewed = 0 AND $segment IS NULL
              THEN [{me: customer, cells: [], weights: [d IN dimensions | 1.0 / size(dimensions)]}]
              ELSE people END AS people
}
// Each respondent's net with every actor, before and after: their own sums plus the structural ones of the actor
// that stands for them; then the weighted net per actor with their own weights.
UNWIND range(0, size(people) - 1) AS i
WITH afterId, dimensions, structural, size(people) AS n, i, people[i] AS p
UNWIND [c IN p.cells WHERE c.self = p.me] + [c IN structural WHERE c.self = p.me] AS c
WITH afterId, dimensions, n, i, p.weights AS weights, c.actor AS actor, c.dimension AS dimension,
     sum(c.before) AS before, sum(c.after) AS after
WITH afterId, n, i, actor,
     collect({dimension: dimension, before: before, after: after}) AS nets,
     sum(before * weights[head([j IN range(0, size(dimensions) - 1) WHERE dimensions[j] = dimension])]) AS wBefore,
     sum(after * weights[head([j IN range(0, size(dimensions) - 1) WHERE dimensions[j] = dimension])]) AS wAfter
UNWIND nets + [{dimension: 'weighted', before: wBefore, after: wAfter}] AS x
WITH afterId, n, actor, x.dimension AS dimension, sum(x.before) AS before, sum(x.after) AS after,
     count(CASE WHEN x.after - x.before > 1e-9 THEN 1 END) AS better,
     count(CASE WHEN x.after - x.before < -1e-9 THEN 1 END) AS worse
WHERE better + worse > 0
RETURN $before AS fromScenario, afterId AS toScenario, n AS respondents, actor, dimension,
       before / n AS before, after / n AS after, (after - before) / n AS change,
       toFloat(better) / n AS better, toFloat(worse) / n AS worse
ORDER BY dimension = 'weighted' DESC, abs(change) DESC, actor, dimension;

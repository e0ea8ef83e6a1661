// What changes between two scenarios, for whom, in which dimension?
//
// For the respondents who have flows in both scenarios (of a segment, or
// everyone): the mean net value they get from each actor in each dimension,
// before and after, and the change; rows with dimension "weighted" weigh each
// respondent's nets by what matters to them. Largest changes first. Same
// figures as the "(all)" (or segment) rows of `valuenet analyze --compare AFTER`
// (section scenarios).
//
// One pass over the flows of both scenarios (through the index flow_scope),
// summed per respondent; the structural flows (no respondent) are summed once and
// count once for every respondent, with that respondent's weights.
//
// Parameters:
//   model      the model id
//   goal       the goal id; null takes the model's first goal
//   before     the scenario to compare from
//   after      the scenario to compare to; null takes the goal's first other scenario
//   segment    a respondent segment; null takes every respondent
:param model => 'health';
:param goal => null;
:param before => 'current';
:param after => null;
:param segment => null;

MATCH (m:Model {id: $model})-[:HAS_GOAL]->(g:Goal)
WHERE $goal IS NULL OR g.id = $goal
WITH m, g ORDER BY g.ord LIMIT 1
WITH m, g, coalesce($after, head([s IN g.scenarios WHERE s <> $before])) AS afterId,
     coalesce(g.customer, head(COLLECT { MATCH (m)-[:HAS_ACTOR]->(c:Actor {kind: 'customer'}) RETURN c.id })) AS customer,
     COLLECT { MATCH (m)-[:HAS_DIMENSION]->(d:Dimension) RETURN d.id ORDER BY d.ord } AS dimensions
// The one pass: the flows of each respondent (null: structural), the scenarios they have flows in.
CALL (m, g, afterId) {
  MATCH (f:Flow)
  WHERE f.model = m.id AND f.goal = g.id AND f.scenario IN [$before, afterId]
    AND f.source IS NOT NULL AND f.target IS NOT NULL AND f.dimension IS NOT NULL
  WITH f.respondent AS who, f.scenario AS scenario, f.source AS source, f.target AS target, f.dimension AS dimension,
       f.magnitude AS magnitude
  WITH who, collect(DISTINCT scenario) AS scenarios,
       collect(CASE WHEN magnitude IS NOT NULL AND source <> target
                    THEN [scenario, source, target, dimension, magnitude] END) AS flows
  RETURN collect(CASE WHEN who IS NOT NULL AND $before IN scenarios AND afterId IN scenarios
                      THEN {who: who, flows: flows} END) AS both,
         coalesce(head(collect(CASE WHEN who IS NULL THEN flows END)), []) AS structural
}
// The respondents of the scope: who stands for each, and their weights normalised to sum 1 (none stated: equal).
CALL (m, customer, dimensions, both) {
  UNWIND both AS o
  MATCH (r:Respondent {model: m.id, id: o.who})
  WHERE $segment IS NULL OR r.segment = $segment
  WITH r, o, COLLECT { MATCH (r)-[c:CARES_ABOUT]->(d:Dimension) WHERE c.weight > 0 RETURN [d.id, c.weight] } AS stated
  WITH r, o, stated, reduce(t = 0.0, x IN stated | t + x[1]) AS total
  RETURN collect({me: coalesce(r.actor, customer), flows: o.flows,
                  weights: [d IN dimensions | CASE WHEN total > 0
                    THEN coalesce(head([x IN stated WHERE x[0] = d | x[1]]), 0.0) / total
                    ELSE 1.0 / size(dimensions) END]}) AS people
}
// The nets with every actor summed over the respondents: their own flows, then the structural ones, added once per
// actor that stands for respondents, times how many it stands for (weighted: times their summed weights).
CALL (dimensions, people, structural) {
  UNWIND people AS p
  UNWIND p.flows AS f
  WITH p, f WHERE p.me IN [f[1], f[2]]
  RETURN f[0] AS scenario, CASE WHEN f[1] = p.me THEN f[2] ELSE f[1] END AS actor, f[3] AS dimension,
         CASE WHEN f[2] = p.me THEN f[4] ELSE -f[4] END AS net,
         coalesce(p.weights[head([i IN range(0, size(dimensions) - 1) WHERE dimensions[i] = f[3]])], 0.0) AS w
  UNION ALL
  WITH dimensions, people, structural WHERE size(structural) > 0
  UNWIND people AS p
  UNWIND range(0, size(dimensions) - 1) AS i
  WITH structural, p.me AS me, dimensions[i] AS dimension, count(*) AS k, sum(p.weights[i]) AS w
  UNWIND structural AS f
  WITH me, dimension, k, w, f WHERE f[3] = dimension AND me IN [f[1], f[2]]
  RETURN f[0] AS scenario, CASE WHEN f[1] = me THEN f[2] ELSE f[1] END AS actor, dimension,
         k * CASE WHEN f[2] = me THEN f[4] ELSE -f[4] END AS net, w / k AS w
}
WITH afterId, size(people) AS n, actor, dimension,
     sum(CASE WHEN scenario = $before THEN net ELSE 0.0 END) AS beforeNet,
     sum(CASE WHEN scenario = afterId THEN net ELSE 0.0 END) AS afterNet,
     sum(CASE WHEN scenario = $before THEN w * net ELSE 0.0 END) AS beforeWeighted,
     sum(CASE WHEN scenario = afterId THEN w * net ELSE 0.0 END) AS afterWeighted
WITH afterId, n, actor,
     collect({dimension: dimension, before: beforeNet, after: afterNet}) +
       {dimension: 'weighted', before: sum(beforeWeighted), after: sum(afterWeighted)} AS rows
UNWIND rows AS x
WITH $before AS fromScenario, afterId AS toScenario, n AS respondents, actor, x.dimension AS dimension,
     x.before / n AS before, x.after / n AS after
RETURN fromScenario, toScenario, respondents, actor, dimension, before, after, after - before AS change
ORDER BY abs(after - before) DESC, dimension = 'weighted' DESC, actor, dimension;

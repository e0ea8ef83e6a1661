// What changes between two scenarios, for whom, in which dimension?
//
// For the respondents who have flows in both scenarios (of a segment, or
// everyone): the mean net value they get from each actor in each dimension,
// before and after, and the change; rows with dimension "weighted" weigh each
// respondent's nets by what matters to them. Largest changes first. Same
// figures as the "(all)" (or segment) rows of `valuenet analyze --compare AFTER`
// (section scenarios).
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
     COUNT { (m)-[:HAS_DIMENSION]->(:Dimension) } AS dims
MATCH (r:Respondent)-[:REPORTED]->(:Flow {scenario: $before})-[:IN_GOAL]->(g)
WHERE r.model = m.id AND ($segment IS NULL OR r.segment = $segment)
  AND EXISTS { (r)-[:REPORTED]->(:Flow {scenario: afterId})-[:IN_GOAL]->(g) }
WITH DISTINCT m, g, afterId, dims, r, coalesce(r.actor, customer) AS me
WITH m, g, afterId, dims, collect({r: r, me: me}) AS people
WITH m, g, afterId, dims, people, size(people) AS n
UNWIND people AS p
WITH m, g, afterId, dims, n, p.r AS r, p.me AS me
CALL (m, r) {
  OPTIONAL MATCH (r)-[c:CARES_ABOUT]->(:Dimension)<-[:HAS_DIMENSION]-(m)
  RETURN sum(CASE WHEN c.weight > 0 THEN c.weight ELSE 0.0 END) AS total
}
MATCH (f:Flow)-[:IN_GOAL]->(g)
WHERE f.scenario IN [$before, afterId] AND f.magnitude IS NOT NULL AND (f.respondent = r.id OR f.respondent IS NULL)
  AND f.source <> f.target AND me IN [f.source, f.target]
OPTIONAL MATCH (r)-[c:CARES_ABOUT]->(:Dimension {model: m.id, id: f.dimension})
WITH afterId, n, f, CASE WHEN f.source = me THEN f.target ELSE f.source END AS actor,
     CASE WHEN f.target = me THEN f.magnitude ELSE -f.magnitude END AS net,
     CASE WHEN total > 0 THEN (CASE WHEN c.weight > 0 THEN c.weight ELSE 0.0 END) / total ELSE 1.0 / dims END AS w
UNWIND [[f.dimension, net], ['weighted', w * net]] AS part
WITH afterId, n, actor, part[0] AS dimension,
     sum(CASE WHEN f.scenario = $before THEN part[1] ELSE 0.0 END) AS beforeSum,
     sum(CASE WHEN f.scenario = afterId THEN part[1] ELSE 0.0 END) AS afterSum
WITH $before AS fromScenario, afterId AS toScenario, n AS respondents, actor, dimension,
     beforeSum / n AS before, afterSum / n AS after
RETURN fromScenario, toScenario, respondents, actor, dimension, before, after, after - before AS change
ORDER BY abs(after - before) DESC, dimension = 'weighted' DESC, actor, dimension;

// How do the segments compare: loyalty, the firm's net value, and deal-breakers?
//
// One row per segment (and "(all)" for everyone): how many respondents, their
// mean NPS and churn rate, the mean and spread (sample standard deviation) of the
// net value each of them gets from the focal firm, weighted by what matters to
// them, and the share of respondents with at least one deal-breaker laid at the
// firm's door. Respondents without a segment form "(no segment)". Same figures as
// the segment table of `valuenet analyze` (measures net.FIRM.weighted and
// firm.breach).
//
// Parameters:
//   model      the model id
//   goal       the goal id; null takes the model's first goal
//   scenario   the scenario id
:param model => 'health';
:param goal => null;
:param scenario => 'current';

MATCH (m:Model {id: $model})-[:HAS_GOAL]->(g:Goal)
WHERE $goal IS NULL OR g.id = $goal
WITH m, g ORDER BY g.ord LIMIT 1
MATCH (m)-[:HAS_ACTOR]->(firm:Actor {kind: 'focal_firm'})
WITH m, g, firm,
     coalesce(g.customer, head(COLLECT { MATCH (m)-[:HAS_ACTOR]->(c:Actor {kind: 'customer'}) RETURN c.id })) AS customer,
     COUNT { (m)-[:HAS_DIMENSION]->(:Dimension) } AS dims
MATCH (r:Respondent)-[:REPORTED]->(:Flow {scenario: $scenario})-[:IN_GOAL]->(g)
WHERE r.model = m.id
WITH DISTINCT m, g, firm, dims, r, coalesce(r.actor, customer) AS me
CALL (m, r) {
  OPTIONAL MATCH (r)-[c:CARES_ABOUT]->(:Dimension)<-[:HAS_DIMENSION]-(m)
  RETURN sum(CASE WHEN c.weight > 0 THEN c.weight ELSE 0.0 END) AS total
}
// The net value this respondent gets from the firm, weighted by their own weights.
CALL (m, g, firm, dims, r, me, total) {
  MATCH (f:Flow)-[:IN_GOAL]->(g)
  WHERE f.scenario = $scenario AND f.magnitude IS NOT NULL AND (f.respondent = r.id OR f.respondent IS NULL)
    AND ((f.source = firm.id AND f.target = me) OR (f.source = me AND f.target = firm.id))
  OPTIONAL MATCH (r)-[c:CARES_ABOUT]->(:Dimension {model: m.id, id: f.dimension})
  WITH f, CASE WHEN total > 0 THEN (CASE WHEN c.weight > 0 THEN c.weight ELSE 0.0 END) / total
               ELSE 1.0 / dims END AS w
  RETURN sum(CASE WHEN f.target = me THEN w * f.magnitude ELSE -w * f.magnitude END) AS firmNet
}
// Whether anything they give up, laid at the firm's door, passes their threshold.
CALL (m, g, firm, r, me) {
  MATCH (f:Flow)-[:IN_GOAL]->(g)
  WHERE f.scenario = $scenario AND f.source = me AND f.target <> me AND f.magnitude IS NOT NULL
    AND (f.respondent = r.id OR f.respondent IS NULL) AND coalesce(f.responsible, f.target) = firm.id
  WITH f.dimension AS dimension, sum(f.magnitude) AS givenUp
  OPTIONAL MATCH (r)-[c:CARES_ABOUT]->(:Dimension {model: m.id, id: dimension})
  RETURN sum(CASE WHEN givenUp > c.threshold THEN 1 ELSE 0 END) > 0 AS breach
}
UNWIND [coalesce(r.segment, '(no segment)'), '(all)'] AS segment
WITH firm, segment, r, firmNet, breach
RETURN segment, count(r) AS respondents, avg(r.nps) AS meanNps,
       avg(CASE r.churned WHEN true THEN 1.0 WHEN false THEN 0.0 END) AS churnRate,
       firm.id AS firm, avg(firmNet) AS firmNetWeighted,
       CASE WHEN count(r) > 1 THEN stDev(firmNet) END AS firmNetSd,
       avg(CASE WHEN breach THEN 1.0 ELSE 0.0 END) AS shareBreach
ORDER BY segment = '(all)', segment;

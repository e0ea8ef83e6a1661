// What does the focal firm give and take, per dimension, for a segment's average customer?
//
// For one goal and scenario: what the average respondent of a segment (or of
// everyone) gets from the focal firm, what they give up to it, and the net, in
// each dimension on the model's scale; then each dimension's weight (what matters
// to them: every respondent's weights normalised to sum 1, averaged) and the
// weighted net. The weighted nets add up to the firm's weighted net value. A flow
// that no respondent reported (a structural flow) counts in full; flows with only
// a money amount are left out. Same figures as the firm's row of
// `valuenet analyze --segment SEGMENT`.
//
// Parameters:
//   model      the model id
//   goal       the goal id; null takes the model's first goal
//   scenario   the scenario id
//   segment    a respondent segment; null takes every respondent
:param model => 'health';
:param goal => null;
:param scenario => 'current';
:param segment => null;

MATCH (m:Model {id: $model})-[:HAS_GOAL]->(g:Goal)
WHERE $goal IS NULL OR g.id = $goal
WITH m, g ORDER BY g.ord LIMIT 1
MATCH (m)-[:HAS_ACTOR]->(firm:Actor {kind: 'focal_firm'})
WITH m, g, firm,
     coalesce(g.customer, head(COLLECT { MATCH (m)-[:HAS_ACTOR]->(c:Actor {kind: 'customer'}) RETURN c.id })) AS customer
// Respondents with at least one flow in this goal and scenario.
CALL (m, g) {
  MATCH (r:Respondent)-[:REPORTED]->(f:Flow)-[:IN_GOAL]->(g)
  WHERE r.model = m.id AND f.scenario = $scenario AND ($segment IS NULL OR r.segment = $segment)
  WITH DISTINCT r
  RETURN collect(r) AS people
}
WITH m, g, firm, customer, people, size(people) AS n, [p IN people | p.id] AS ids,
     COUNT { (m)-[:HAS_DIMENSION]->(:Dimension) } AS dims
MATCH (m)-[:HAS_DIMENSION]->(d:Dimension)
// The average respondent's weight for this dimension (equal weights for a respondent who states none).
CALL (m, d, people, dims) {
  UNWIND people AS r
  CALL (m, r) {
    OPTIONAL MATCH (r)-[c:CARES_ABOUT]->(:Dimension)<-[:HAS_DIMENSION]-(m)
    RETURN sum(CASE WHEN c.weight > 0 THEN c.weight ELSE 0.0 END) AS total
  }
  OPTIONAL MATCH (r)-[c:CARES_ABOUT]->(d)
  RETURN sum(CASE WHEN total > 0 THEN (CASE WHEN c.weight > 0 THEN c.weight ELSE 0.0 END) / total
                  ELSE 1.0 / dims END) AS weightSum
}
// What the average respondent gets from the firm and gives up to it in this dimension.
CALL (g, d, firm, customer, ids, n) {
  MATCH (f:Flow)-[:IN_GOAL]->(g)
  WHERE f.scenario = $scenario AND f.dimension = d.id AND f.magnitude IS NOT NULL
    AND (f.respondent IS NULL OR f.respondent IN ids)
    AND ((f.source = firm.id AND f.target = customer) OR (f.source = customer AND f.target = firm.id))
  WITH f, CASE WHEN f.respondent IS NULL OR n <= 1 THEN 1.0 ELSE 1.0 / n END AS share
  RETURN sum(CASE WHEN f.target = customer THEN f.magnitude * share ELSE 0.0 END) AS gets,
         sum(CASE WHEN f.source = customer THEN f.magnitude * share ELSE 0.0 END) AS gives
}
WITH d, firm, n, gets, gives, CASE WHEN n = 0 THEN 1.0 / dims ELSE weightSum / n END AS weight
RETURN firm.id AS firm, d.id AS dimension, n AS respondents, gets, gives, gets - gives AS net,
       weight, weight * (gets - gives) AS weightedNet
ORDER BY d.ord;

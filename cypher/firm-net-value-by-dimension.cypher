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
// One pass over the scenario's flows between the firm and the customer (through
// the index flow_scope).
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
     coalesce(g.customer, head(COLLECT { MATCH (m)-[:HAS_ACTOR]->(c:Actor {kind: 'customer'}) RETURN c.id })) AS customer,
     COUNT { (m)-[:HAS_DIMENSION]->(:Dimension) } AS dims
// The respondents with flows in this goal and scenario, and each one's weights normalised to sum 1
// (no weights stated: equal weights).
CALL (m, g, dims) {
  MATCH (r:Respondent {model: m.id})
  WHERE ($segment IS NULL OR r.segment = $segment)
    AND EXISTS { MATCH (r)-[:REPORTED]->(f:Flow) WHERE f.goal = g.id AND f.scenario = $scenario }
  WITH r, COLLECT { MATCH (r)-[c:CARES_ABOUT]->(d:Dimension) WHERE c.weight > 0 RETURN [d.id, c.weight] } AS stated
  WITH r, stated, reduce(t = 0.0, x IN stated | t + x[1]) AS total
  RETURN collect(r.id) AS ids, collect([x IN stated | [x[0], x[1] / total]]) AS weights,
         count(CASE WHEN total = 0 THEN 1 END) AS unweighted
}
WITH m, g, firm, customer, dims, ids, size(ids) AS n, weights, unweighted
// What the average respondent gets from the firm and gives up to it, per dimension.
CALL (m, g, firm, customer, ids, n) {
  MATCH (f:Flow)
  WHERE f.model = m.id AND f.goal = g.id AND f.scenario = $scenario
    AND f.source IN [firm.id, customer] AND f.target IN [firm.id, customer] AND f.dimension IS NOT NULL
    AND f.source <> f.target AND f.magnitude IS NOT NULL
  WITH f, f.respondent AS who
  WHERE who IS NULL OR $segment IS NULL OR who IN ids
  WITH f.dimension AS dimension, f.target = customer AS toCustomer,
       sum(CASE WHEN who IS NULL THEN f.magnitude ELSE 0.0 END) AS structural,
       sum(CASE WHEN who IS NULL THEN 0.0 ELSE f.magnitude END) AS reported
  RETURN collect({dimension: dimension, toCustomer: toCustomer,
                  amount: structural + CASE WHEN n > 1 THEN reported / n ELSE reported END}) AS amounts
}
MATCH (m)-[:HAS_DIMENSION]->(d:Dimension)
WITH firm, d.id AS dimension, d.ord AS ord, n, dims, amounts, weights, unweighted
WITH firm, dimension, ord, n,
     reduce(s = 0.0, x IN amounts | s + CASE WHEN x.dimension = dimension AND x.toCustomer THEN x.amount ELSE 0.0 END)
       AS gets,
     reduce(s = 0.0, x IN amounts | s + CASE WHEN x.dimension = dimension AND NOT x.toCustomer THEN x.amount ELSE 0.0 END)
       AS gives,
     CASE WHEN n = 0 THEN 1.0 / dims
          ELSE (reduce(s = 0.0, w IN weights | s + coalesce(head([x IN w WHERE x[0] = dimension | x[1]]), 0.0))
                + toFloat(unweighted) / dims) / n END AS weight
RETURN firm.id AS firm, dimension, n AS respondents, gets, gives, gets - gives AS net,
       weight, weight * (gets - gives) AS weightedNet
ORDER BY ord;

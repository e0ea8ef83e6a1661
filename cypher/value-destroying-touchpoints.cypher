// Where does the focal firm destroy value? Touchpoints ranked by weighted net loss.
//
// Every exchange between the customer and an actor, grouped by touchpoint, where
// the average respondent (of a segment, or everyone) gives up more than they get,
// weighting each dimension by what matters to them. "direct" rows are the firm's
// own touchpoints; "indirect" rows are touchpoints of other actors (the insurer's
// claim desk) where the firm is named as responsible for the flow, so the damage is
// laid at its door. Most destructive first, with the dimensions that lose and the
// customers' own words (the first three quotes, in the order the flows were
// written). Same figures as the touchpoint table of `valuenet analyze` (section
// destruction).
//
// One pass over the scenario's flows between the customer and the actor (through
// the index flow_scope), and the flows that name the actor responsible.
//
// Parameters:
//   model      the model id
//   goal       the goal id; null takes the model's first goal
//   scenario   the scenario id
//   segment    a respondent segment; null takes every respondent
//   actor      whose touchpoints to rank; null takes the focal firm
:param model => 'health';
:param goal => null;
:param scenario => 'current';
:param segment => null;
:param actor => null;

MATCH (m:Model {id: $model})-[:HAS_GOAL]->(g:Goal)
WHERE $goal IS NULL OR g.id = $goal
WITH m, g ORDER BY g.ord LIMIT 1
MATCH (m)-[:HAS_ACTOR]->(firm:Actor {kind: 'focal_firm'})
WITH m, g, coalesce($actor, firm.id) AS who,
     coalesce(g.customer, head(COLLECT { MATCH (m)-[:HAS_ACTOR]->(c:Actor {kind: 'customer'}) RETURN c.id })) AS customer,
     COUNT { (m)-[:HAS_DIMENSION]->(:Dimension) } AS dims
// The respondents with flows in this goal and scenario, and each one's weights normalised to sum 1
// (no weights stated: equal weights).
CALL (m, g) {
  MATCH (r:Respondent {model: m.id})
  WHERE ($segment IS NULL OR r.segment = $segment)
    AND EXISTS { MATCH (r)-[:REPORTED]->(f:Flow) WHERE f.goal = g.id AND f.scenario = $scenario }
  WITH r, COLLECT { MATCH (r)-[c:CARES_ABOUT]->(d:Dimension) WHERE c.weight > 0 RETURN [d.id, c.weight] } AS stated
  WITH r, stated, reduce(t = 0.0, x IN stated | t + x[1]) AS total
  RETURN collect(r.id) AS ids, collect([x IN stated | [x[0], x[1] / total]]) AS weights,
         count(CASE WHEN total = 0 THEN 1 END) AS unweighted
}
WITH m, g, who, customer, dims, ids, size(ids) AS n, weights, unweighted
// The average respondent's weight per dimension.
CALL (m, dims, n, weights, unweighted) {
  MATCH (m)-[:HAS_DIMENSION]->(d:Dimension)
  WITH d.id AS dimension, dims, n, weights, unweighted ORDER BY d.ord
  RETURN collect([dimension, CASE WHEN n = 0 THEN 1.0 / dims
    ELSE (reduce(s = 0.0, w IN weights | s + coalesce(head([x IN w WHERE x[0] = dimension | x[1]]), 0.0))
          + toFloat(unweighted) / dims) / n END]) AS weight
}
// The flows laid at the actor's door: its own exchanges with the customer (unless another actor is named
// responsible), and exchanges of the customer with other actors that name it responsible. Summed per
// counterpart, touchpoint, dimension and direction, respondents' flows apart from structural ones.
CALL (m, g, who, customer, ids) {
  MATCH (f:Flow)
  WHERE f.model = m.id AND f.goal = g.id AND f.scenario = $scenario
    AND f.source IN [customer, who] AND f.target IN [customer, who] AND f.dimension IS NOT NULL
    AND f.source <> f.target AND f.magnitude IS NOT NULL AND coalesce(f.responsible, who) = who
  WITH f, f.respondent AS respondent
  WHERE respondent IS NULL OR $segment IS NULL OR respondent IN ids
  RETURN who AS actor, f.touchpoint AS touchpoint, f.dimension AS dimension, f.target = customer AS toCustomer,
         respondent IS NULL AS structural, sum(f.magnitude) AS amount, collect(f) AS flows
  UNION ALL
  MATCH (:Actor {model: m.id, id: who})<-[:RESPONSIBLE]-(f:Flow)
  WHERE f.goal = g.id AND f.scenario = $scenario AND f.magnitude IS NOT NULL AND f.source <> f.target
    AND customer IN [f.source, f.target] AND NOT who IN [f.source, f.target]
  WITH f, f.respondent AS respondent
  WHERE respondent IS NULL OR $segment IS NULL OR respondent IN ids
  RETURN CASE WHEN f.source = customer THEN f.target ELSE f.source END AS actor, f.touchpoint AS touchpoint,
         f.dimension AS dimension, f.target = customer AS toCustomer, respondent IS NULL AS structural,
         sum(f.magnitude) AS amount, collect(f) AS flows
}
WITH who, n, weight, actor, coalesce(touchpoint, '(unspecified)') AS touchpoint, dimension, flows,
     CASE WHEN toCustomer THEN amount ELSE 0.0 END * CASE WHEN structural OR n <= 1 THEN 1.0 ELSE 1.0 / n END AS gets,
     CASE WHEN toCustomer THEN 0.0 ELSE amount END * CASE WHEN structural OR n <= 1 THEN 1.0 ELSE 1.0 / n END AS gives
WITH who, weight, actor, touchpoint, dimension, sum(gets) AS gets, sum(gives) AS gives, collect(flows) AS flows
WITH who, weight, actor, touchpoint, dimension, gets, gives, flows,
     coalesce(head([x IN weight WHERE x[0] = dimension | x[1]]), 0.0) AS w
WITH weight, CASE WHEN actor = who THEN 'direct' ELSE 'indirect' END AS kind, actor, touchpoint,
     sum(w * gets) AS weightedGets, sum(w * gives) AS weightedGives,
     [x IN collect({dimension: dimension, loses: gives > gets}) WHERE x.loses | x.dimension] AS losing,
     collect(flows) AS flows
WHERE weightedGets < weightedGives
// The customers' words there, in the order the flows were written.
CALL (flows) {
  UNWIND flows AS perDimension
  UNWIND perDimension AS perGroup
  UNWIND perGroup AS f
  WITH f WHERE f.quote IS NOT NULL
  WITH f ORDER BY f.ord
  RETURN reduce(acc = [], q IN collect(f.quote) | CASE WHEN q IN acc OR size(acc) = 3 THEN acc ELSE acc + q END)
         AS quotes
}
RETURN kind, actor, touchpoint, weightedGets, weightedGives, weightedGets - weightedGives AS weightedNet,
       [x IN weight WHERE x[0] IN losing | x[0]] AS dimensions, quotes
ORDER BY weightedNet, kind, actor, touchpoint;

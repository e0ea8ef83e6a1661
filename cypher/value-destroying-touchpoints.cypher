// Where does the focal firm destroy value? Touchpoints ranked by weighted net loss.
//
// Every exchange between the customer and an actor, grouped by touchpoint, where
// the average respondent (of a segment, or everyone) gives up more than they get,
// weighting each dimension by what matters to them. "direct" rows are the firm's
// own touchpoints; "indirect" rows are touchpoints of other actors (the insurer's
// claim desk) where the firm is named as responsible for the flow, so the damage is
// laid at its door. Most destructive first, with the dimensions that lose and the
// customers' own words. Same figures as the touchpoint table of
// `valuenet analyze` (section destruction).
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
     coalesce(g.customer, head(COLLECT { MATCH (m)-[:HAS_ACTOR]->(c:Actor {kind: 'customer'}) RETURN c.id })) AS customer
CALL (m, g) {
  MATCH (r:Respondent)-[:REPORTED]->(f:Flow)-[:IN_GOAL]->(g)
  WHERE r.model = m.id AND f.scenario = $scenario AND ($segment IS NULL OR r.segment = $segment)
  WITH DISTINCT r
  RETURN collect(r) AS people
}
WITH m, g, who, customer, people, size(people) AS n, [p IN people | p.id] AS ids,
     COUNT { (m)-[:HAS_DIMENSION]->(:Dimension) } AS dims
// The average respondent's weight per dimension.
CALL (m, people, dims) {
  MATCH (m)-[:HAS_DIMENSION]->(d:Dimension)
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
  RETURN collect({dimension: d.id,
                  weight: CASE WHEN size(people) = 0 THEN 1.0 / dims ELSE weightSum / size(people) END}) AS weights
}
MATCH (f:Flow)-[:IN_GOAL]->(g)
WHERE f.scenario = $scenario AND f.magnitude IS NOT NULL AND (f.respondent IS NULL OR f.respondent IN ids)
  AND f.source <> f.target AND customer IN [f.source, f.target]
WITH who, customer, n, weights, f, CASE WHEN f.source = customer THEN f.target ELSE f.source END AS counterpart
WHERE coalesce(f.responsible, counterpart) = who
WITH who, counterpart, f, coalesce(head([x IN weights WHERE x.dimension = f.dimension | x.weight]), 0.0) AS w,
     f.magnitude * (CASE WHEN f.respondent IS NULL OR n <= 1 THEN 1.0 ELSE 1.0 / n END) AS amount,
     f.target = customer AS toCustomer
ORDER BY f.ord
WITH CASE WHEN counterpart = who THEN 'direct' ELSE 'indirect' END AS kind, counterpart AS actor,
     coalesce(f.touchpoint, '(unspecified)') AS touchpoint, f.dimension AS dimension, w,
     sum(CASE WHEN toCustomer THEN amount ELSE 0.0 END) AS gets,
     sum(CASE WHEN toCustomer THEN 0.0 ELSE amount END) AS gives,
     collect(f.quote) AS quotes
WITH kind, actor, touchpoint,
     sum(w * gets) AS weightedGets, sum(w * gives) AS weightedGives,
     [x IN collect({dimension: dimension, loses: gives > gets}) WHERE x.loses | x.dimension] AS losing,
     reduce(acc = [], q IN reduce(flat = [], qs IN collect(quotes) | flat + qs) |
            CASE WHEN q IN acc THEN acc ELSE acc + q END) AS quotes
WHERE weightedGets < weightedGives
RETURN kind, actor, touchpoint, weightedGets, weightedGives, weightedGets - weightedGives AS weightedNet,
       losing AS dimensions, quotes[..3] AS quotes
ORDER BY weightedNet, kind, actor, touchpoint;

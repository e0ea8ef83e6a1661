// Which actors could stand in for the focal firm, and for how much of what it gives?
//
// For each dimension in which the average respondent (of a segment, or everyone)
// gets value from the focal firm: the other actors from which they already get
// value in that dimension, what they get and the net, and the coverage, the share
// of the firm's value there that the actor could replace at today's level (capped
// at 1). Largest first. Same list as the substitutes of `valuenet analyze`
// (section dependency).
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
CALL (m, g) {
  MATCH (r:Respondent)-[:REPORTED]->(f:Flow)-[:IN_GOAL]->(g)
  WHERE r.model = m.id AND f.scenario = $scenario AND ($segment IS NULL OR r.segment = $segment)
  WITH DISTINCT r
  RETURN collect(r.id) AS ids
}
WITH m, g, firm, customer, ids, size(ids) AS n
MATCH (f:Flow)-[:IN_GOAL]->(g)
WHERE f.scenario = $scenario AND f.magnitude IS NOT NULL AND (f.respondent IS NULL OR f.respondent IN ids)
  AND f.source <> f.target AND customer IN [f.source, f.target]
WITH m, firm, customer, f, CASE WHEN f.source = customer THEN f.target ELSE f.source END AS actor,
     f.magnitude * (CASE WHEN f.respondent IS NULL OR n <= 1 THEN 1.0 ELSE 1.0 / n END) AS amount
WITH m, firm, actor, f.dimension AS dimension,
     sum(CASE WHEN f.target = customer THEN amount ELSE 0.0 END) AS gets,
     sum(CASE WHEN f.target = customer THEN 0.0 ELSE amount END) AS gives
WITH m, firm, dimension, collect({actor: actor, gets: gets, net: gets - gives}) AS values
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

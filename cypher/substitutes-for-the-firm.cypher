// Which actors could stand in for the focal firm, and for how much of what it gives?
//
// For each dimension in which the average respondent (of a segment, or everyone)
// gets value from the focal firm: the other actors from which they already get
// value in that dimension, what they get and the net, and the coverage, the share
// of the firm's value there that the actor could replace at today's level (capped
// at 1). Largest first. Same list as the substitutes of `valuenet analyze`
// (section dependency).
//
// One pass over the scenario's flows to and from the customer (through the index
// flow_scope).
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
// The respondents with flows in this goal and scenario.
CALL (m, g) {
  MATCH (r:Respondent {model: m.id})
  WHERE ($segment IS NULL OR r.segment = $segment)
    AND EXISTS { MATCH (r)-[:REPORTED]->(f:Flow) WHERE f.goal = g.id AND f.scenario = $scenario }
  RETURN collect(r.id) AS ids
}
WITH m, g, firm, customer, ids, size(ids) AS n
// What the average respondent gets from and gives to each actor, per dimension.
CALL (m, g, customer, ids, n) {
  MATCH (f:Flow)
  WHERE f.model = m.id AND f.goal = g.id AND f.scenario = $scenario
    AND f.source IS NOT NULL AND f.target IS NOT NULL AND f.dimension IS NOT NULL
    AND f.magnitude IS NOT NULL
  WITH f, f.respondent AS who
  WHERE who IS NULL OR $segment IS NULL OR who IN ids
  WITH f.source AS source, f.target AS target, f.dimension AS dimension, who IS NULL AS structural,
       sum(f.magnitude) AS amount
  WHERE source <> target AND customer IN [source, target]
  WITH CASE WHEN source = customer THEN target ELSE source END AS actor, dimension,
       amount * CASE WHEN structural OR n <= 1 THEN 1.0 ELSE 1.0 / n END AS amount, target = customer AS toCustomer
  WITH actor, dimension, sum(CASE WHEN toCustomer THEN amount ELSE 0.0 END) AS gets,
       sum(CASE WHEN toCustomer THEN 0.0 ELSE amount END) AS gives
  RETURN dimension, collect({actor: actor, gets: gets, net: gets - gives}) AS values
}
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

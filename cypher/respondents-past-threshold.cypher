// Which respondents give up more than they will accept, to whom, and in their own words?
//
// A deal-breaker: in one dimension, everything a respondent gives up that is laid
// at one actor's door adds up to more than their threshold for that dimension.
// A give-up is laid at the door of the actor named responsible for it, else of
// the actor it goes to (so the clinic answers for the claim trouble at the
// insurer). Past the threshold the relationship breaks, however good the rest is,
// so every breach is listed, largest excess first, with the touchpoints and quotes
// behind it: first the totals (level "total"), then single touchpoints whose own
// give-up passes the threshold (level "touchpoint"). Same list as
// `valuenet analyze` (section dealbreakers).
//
// Parameters:
//   model      the model id
//   goal       the goal id; null takes the model's first goal
//   scenario   the scenario id
//   segment    a respondent segment; null takes every respondent
//   actor      only breaches laid at this actor's door; null lists every actor
:param model => 'health';
:param goal => null;
:param scenario => 'current';
:param segment => null;
:param actor => null;

MATCH (m:Model {id: $model})-[:HAS_GOAL]->(g:Goal)
WHERE $goal IS NULL OR g.id = $goal
WITH m, g ORDER BY g.ord LIMIT 1
MATCH (m)-[:HAS_ACTOR]->(firm:Actor {kind: 'focal_firm'})
WITH m, g, firm,
     coalesce(g.customer, head(COLLECT { MATCH (m)-[:HAS_ACTOR]->(c:Actor {kind: 'customer'}) RETURN c.id })) AS customer
MATCH (r:Respondent)-[:REPORTED]->(:Flow {scenario: $scenario})-[:IN_GOAL]->(g)
WHERE r.model = m.id AND ($segment IS NULL OR r.segment = $segment)
WITH DISTINCT m, g, firm, r, coalesce(r.actor, customer) AS me
// What the respondent gives up (their own flows and the structural ones), per actor blamed and dimension.
MATCH (f:Flow)-[:IN_GOAL]->(g)
WHERE f.scenario = $scenario AND f.source = me AND f.target <> me AND f.magnitude IS NOT NULL
  AND (f.respondent = r.id OR f.respondent IS NULL)
WITH m, firm, r, f, coalesce(f.responsible, f.target) AS blamed
WHERE $actor IS NULL OR blamed = $actor
WITH m, firm, r, blamed, f, coalesce(f.touchpoint, '(unspecified)') AS touchpoint ORDER BY f.ord
// Each give-up counts towards the total and towards its own touchpoint.
UNWIND [{level: 'total', touchpoint: null}, {level: 'touchpoint', touchpoint: touchpoint}] AS at
WITH m, firm, r, blamed, at.level AS level, at.touchpoint AS atTouchpoint, f.dimension AS dimension,
     sum(f.magnitude) AS givenUp, collect(touchpoint) AS touchpoints, collect(f.quote) AS quotes
MATCH (r)-[c:CARES_ABOUT]->(:Dimension {model: m.id, id: dimension})
WHERE c.threshold IS NOT NULL AND givenUp > c.threshold
MATCH (a:Actor {model: m.id, id: blamed})
RETURN level, r.id AS respondent, r.name AS name, r.segment AS segment, blamed AS actor, a.name AS actorName,
       blamed = firm.id AS focal, dimension, atTouchpoint AS touchpoint, givenUp, c.threshold AS threshold,
       givenUp - c.threshold AS excess,
       reduce(acc = [], t IN touchpoints | CASE WHEN t IN acc THEN acc ELSE acc + t END) AS touchpoints,
       reduce(acc = [], q IN quotes | CASE WHEN q IN acc THEN acc ELSE acc + q END) AS quotes
ORDER BY level = 'touchpoint', excess DESC, respondent, actor, dimension, touchpoint;

// Which respondents give up more than they will accept, to whom, and in their own words?
//
// A deal-breaker: at one touchpoint, what a respondent gives up in one dimension
// that is laid at one actor's door adds up to more than their threshold for that
// dimension (level "touchpoint"). Give-ups stated with no touchpoint are added up
// on their own and compared with the threshold as level "overall"; they never
// make a touchpoint breach. A give-up is laid at the door of the actor named
// responsible for it, else of the actor it goes to (so the clinic answers for the
// claim trouble at the insurer). A respondent's give-ups are their own flows plus
// the structural ones (no respondent) given by the actor that stands for them.
// Past the threshold the relationship breaks, however good the rest is, so every
// breach is listed, largest excess first, with the quotes behind it. A scenario
// based_on another holds its base's flows less those its removal entries match or
// its own flows change, plus its own (see scenario-deltas); a respondent with a
// flow in any scenario of the chain counts. Same list as `valuenet analyze`
// (section dealbreakers), per respondent.
//
// One pass over the give-ups of the scenario and its bases (reached from the
// model's actors), grouped by flow key to resolve inheritance and summed per
// respondent; the structural sums are added to each respondent's.
//
// Parameters:
//   model      the model id
//   goal       the goal id; null takes the model's first goal
//   scenario   the scenario id
//   segment    a respondent segment; null takes every respondent
//   actor      only breaches laid at this actor's door; null lists every actor
// cypher-shell and Neo4j Browser need every parameter: pass the map that
// `valuenet cypher respondents-past-threshold --param NAME=VALUE --params-map` prints, as
// -P "$(...)" or :params (docs/neo4j.md, "Parameters and defaults").
// Defaults: {model: 'health', goal: null, scenario: 'current', segment: null, actor: null}

MATCH (m:Model {id: $model})-[:HAS_GOAL]->(g:Goal)
WHERE $goal IS NULL OR g.id = $goal
WITH m, g ORDER BY g.ord LIMIT 1
MATCH (m)-[:HAS_ACTOR]->(firm:Actor {kind: 'focal_firm'})
WITH m, g, firm,
     coalesce(g.customer, head(COLLECT { MATCH (m)-[:HAS_ACTOR]->(c:Actor {kind: 'customer'}) RETURN c.id })) AS customer
// Who gives up on a respondent's behalf: the goal's customer, or the actor the respondent names as theirs.
WITH m, g, firm, customer,
     [customer] + COLLECT { MATCH (r:Respondent {model: m.id}) WHERE r.actor IS NOT NULL RETURN DISTINCT r.actor } AS givers,
     COLLECT { MATCH (m)-[:HAS_ACTOR]->(a:Actor) RETURN [a.id, a.name] } AS actors,
     COLLECT { MATCH (g)-[:HAS_SCENARIO]->(s:Scenario) RETURN [s.id, s.basedOn] } AS bases,
     COLLECT { MATCH (g)-[:HAS_SCENARIO]->(s:Scenario)-[:REMOVES]->(x:Removal)
               WHERE any(k IN keys(x) WHERE NOT k IN ['model', 'goal', 'scenario', 'index'])
               RETURN x {.scenario, .actor, .source, .target, .dimension, .touchpoint, .stage, .respondent,
                         .structural} } AS removals
// The scenario's chain, base first (follow based_on), and its removal entries with the level that states them.
WITH m, g, firm, customer, givers, actors, removals,
     reduce(chain = [$scenario], i IN range(1, size(bases)) |
       [b IN bases WHERE b[0] = head(chain) AND b[1] IS NOT NULL AND NOT b[1] IN chain | b[1]] + chain) AS chain
WITH m, g, firm, customer, givers, actors, chain,
     [x IN removals WHERE x.scenario IN chain
      | x {.*, level: head([i IN range(0, size(chain) - 1) WHERE chain[i] = x.scenario])}] AS rules
// The one pass: the flows given by an actor that stands for respondents. A flow's key group holds it when it is in
// the group's highest scenario of the chain and no removal entry of a later scenario matches the key. Of those, the
// give-ups summed per respondent (null: structural), giver, actor blamed, dimension and touchpoint.
CALL (m, g, chain, rules, givers) {
  CALL (m, g, chain) {
    // The goal's flows in the chain: each exchange's one or two sides, then the lone flows.
    MATCH (a:Actor {model: m.id})-[x:EXCHANGE]->(o)
    WHERE x.goal = g.id AND x.scenario IN chain
    WITH x, a.id AS actor, CASE WHEN o:Respondent THEN o.id END AS respondent,
         x.gets IS NOT NULL OR x.getsMoney IS NOT NULL AS hasGets
    UNWIND [s IN [{source: actor, target: x.customer, magnitude: x.gets, money: x.getsMoney, ord: x.ord, on: hasGets},
                  {source: x.customer, target: actor, magnitude: x.gives, money: x.givesMoney,
                   ord: coalesce(x.givesOrd, CASE WHEN hasGets THEN x.ord + 1 ELSE x.ord END),
                   on: x.gives IS NOT NULL OR x.givesMoney IS NOT NULL}] WHERE s.on] AS s
    RETURN {source: s.source, target: s.target, magnitude: s.magnitude, money: s.money, ord: s.ord,
            scenario: x.scenario, dimension: x.dimension, occurrences: coalesce(x.occurrences, 1.0),
            touchpoint: x.touchpoint, stage: x.stage, quote: x.quote, respondent: respondent,
            responsible: x.responsible} AS f
    UNION ALL
    MATCH (s:Actor {model: m.id})-[l:FLOW]->(t)
    WHERE l.goal = g.id AND l.scenario IN chain
    RETURN {source: s.id, target: t.id, magnitude: l.magnitude, money: l.money, ord: l.ord, scenario: l.scenario,
            dimension: l.dimension, occurrences: coalesce(l.occurrences, 1.0), touchpoint: l.touchpoint,
            stage: l.stage, quote: l.quote, respondent: l.respondent, responsible: l.responsible} AS f
  }
  WITH * WHERE f.source IN givers AND f.target IS NOT NULL AND f.dimension IS NOT NULL
  WITH f, CASE WHEN size(chain) > 1 THEN [f.respondent, f.source, f.target, f.dimension, f.touchpoint, f.stage]
            END AS key,
       head([i IN range(0, size(chain) - 1) WHERE chain[i] = f.scenario]) AS level
  WITH key, collect([f, level]) AS versions, max(level) AS top
  WHERE NOT any(x IN rules WHERE x.level > top
      AND (x.actor IS NULL OR x.actor IN [key[1], key[2]])
      AND (x.source IS NULL OR x.source = key[1]) AND (x.target IS NULL OR x.target = key[2])
      AND (x.dimension IS NULL OR x.dimension = key[3])
      AND (x.touchpoint IS NULL OR coalesce(x.touchpoint = key[4], false))
      AND (x.stage IS NULL OR coalesce(x.stage = key[5], false))
      AND (x.respondent IS NULL OR coalesce(x.respondent = key[0], false))
      AND (x.structural IS NULL OR x.structural = (key[0] IS NULL)))
  UNWIND versions AS v
  WITH v[0] AS f, v[1] = top AS held
  WHERE held AND f.source <> f.target AND f.magnitude IS NOT NULL
  WITH f, coalesce(f.responsible, f.target) AS blamed
  WHERE $actor IS NULL OR blamed = $actor
  WITH f.respondent AS who, f.source AS giver, blamed, f.dimension AS dimension, f.touchpoint AS touchpoint,
       sum(f.magnitude) AS givenUp, collect(f) AS flows
  // place: where a sum is compared with the threshold (the touchpoint, or none), as a list without nulls.
  WITH who, collect({giver: giver, blamed: blamed, dimension: dimension, touchpoint: touchpoint, givenUp: givenUp,
                     flows: flows, place: [blamed, dimension, touchpoint IS NULL, coalesce(touchpoint, '')]}) AS sums
  RETURN collect(CASE WHEN who IS NOT NULL THEN {who: who, sums: sums} END) AS own,
         coalesce(head(collect(CASE WHEN who IS NULL THEN sums END)), []) AS structural
}
// With structural give-ups, the respondents who have none of their own count too.
CALL (m, g, chain, own, structural) {
  WITH m, g, chain, structural, [o IN own | o.who] AS gave
  WHERE size(structural) > 0
  MATCH (r:Respondent {model: m.id})
  WHERE NOT r.id IN gave AND (EXISTS { MATCH (r)<-[rx:EXCHANGE]-() WHERE rx.goal = g.id AND rx.scenario IN chain }
    OR EXISTS { MATCH (:Actor {model: m.id})-[rf:FLOW {respondent: r.id}]->()
                 WHERE rf.goal = g.id AND rf.scenario IN chain })
  RETURN collect({who: r.id, sums: []}) AS others
}
UNWIND own + others AS o
MATCH (r:Respondent {model: m.id, id: o.who})
WHERE $segment IS NULL OR r.segment = $segment
WITH firm, actors, r, coalesce(r.actor, customer) AS me, o.sums AS mine, structural,
     COLLECT { MATCH (r)-[c:CARES_ABOUT]->(d:Dimension) WHERE c.threshold IS NOT NULL
               RETURN {dimension: d.id, threshold: c.threshold} } AS thresholds
WHERE size(thresholds) > 0
// The respondent's own sums, plus the structural ones from the actor that stands for them, added up by place.
WITH firm, actors, r, [t IN thresholds | [t.dimension, t.threshold]] AS thresholds,
     [s IN mine WHERE s.giver = me] AS mine, [s IN structural WHERE s.giver = me] AS common
WITH firm, actors, r, thresholds, CASE WHEN size(common) = 0 THEN mine ELSE
       [s IN mine | s {.*, givenUp: s.givenUp + reduce(x = 0.0, c IN [c IN common WHERE c.place = s.place] | x + c.givenUp),
                           flows: s.flows + reduce(x = [], c IN [c IN common WHERE c.place = s.place] | x + c.flows)}]
       + [c IN common WHERE none(s IN mine WHERE s.place = c.place)] END AS sums
// The sums past the respondent's threshold for their dimension.
UNWIND [s IN sums WHERE s.givenUp > head([t IN thresholds WHERE t[0] = s.dimension | t[1]])] AS s
WITH firm, actors, r, s, head([t IN thresholds WHERE t[0] = s.dimension | t[1]]) AS threshold
// The respondent's words behind each breach, in the order the flows were written.
CALL (s) {
  UNWIND s.flows AS f
  WITH f ORDER BY f.ord
  RETURN collect(f.quote) AS quotes
}
RETURN CASE WHEN s.touchpoint IS NULL THEN 'overall' ELSE 'touchpoint' END AS level,
       r.id AS respondent, r.name AS name, r.segment AS segment, s.blamed AS actor,
       head([a IN actors WHERE a[0] = s.blamed | a[1]]) AS actorName,
       s.blamed = firm.id AS focal, s.dimension AS dimension, s.touchpoint AS touchpoint, s.givenUp AS givenUp,
       threshold, s.givenUp - threshold AS excess,
       reduce(acc = [], q IN quotes | CASE WHEN q IN acc THEN acc ELSE acc + q END) AS quotes
ORDER BY excess DESC, respondent, actor, dimension, touchpoint;

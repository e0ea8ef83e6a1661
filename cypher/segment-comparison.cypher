// How do the segments compare: loyalty, the firm's net value, and deal-breakers?
//
// One row per segment (and "(all)" for everyone): how many respondents, their
// mean NPS and churn rate, the mean and spread (sample standard deviation) of the
// net value each of them gets from the focal firm, weighted by what matters to
// them, and the share of respondents with at least one deal-breaker laid at the
// firm's door (at one touchpoint, or over the give-ups stated with no touchpoint;
// see respondents-past-threshold). Respondents without a segment form
// "(no segment)". The respondents are those with a flow in the scenario or in one
// it is based on. A scenario based_on another holds its base's flows less those
// its removal entries match or its own flows change, plus its own (see
// scenario-deltas). Same figures as the segment table of `valuenet analyze`
// (measures net.FIRM.weighted and firm.breach).
//
// One pass over the flows of the scenario and its bases given by the firm or by
// an actor that stands for respondents (reached from the model's actors), grouped
// by flow key to resolve inheritance and summed per respondent; the structural flows (no respondent)
// are summed once and added to every respondent's sums.
//
// Parameters:
//   model      the model id
//   goal       the goal id; null takes the model's first goal
//   scenario   the scenario id
// cypher-shell and Neo4j Browser need every parameter: pass the map that
// `valuenet cypher segment-comparison --param NAME=VALUE --params-map` prints, as
// -P "$(...)" or :params (docs/neo4j.md, "Parameters and defaults").
// Defaults: {model: 'health', goal: null, scenario: 'current'}

MATCH (m:Model {id: $model})-[:HAS_GOAL]->(g:Goal)
WHERE $goal IS NULL OR g.id = $goal
WITH m, g ORDER BY g.ord LIMIT 1
MATCH (m)-[:HAS_ACTOR]->(firm:Actor {kind: 'focal_firm'})
WITH m, g, firm,
     coalesce(g.customer, head(COLLECT { MATCH (m)-[:HAS_ACTOR]->(c:Actor {kind: 'customer'}) RETURN c.id })) AS customer,
     COUNT { (m)-[:HAS_DIMENSION]->(:Dimension) } AS dims,
     COLLECT { MATCH (g)-[:HAS_SCENARIO]->(s:Scenario) RETURN [s.id, s.basedOn] } AS bases,
     COLLECT { MATCH (g)-[:HAS_SCENARIO]->(s:Scenario)-[:REMOVES]->(x:Removal)
               WHERE any(k IN keys(x) WHERE NOT k IN ['model', 'goal', 'scenario', 'index'])
               RETURN x {.scenario, .actor, .source, .target, .dimension, .touchpoint, .stage, .respondent,
                         .structural} } AS removals
// The scenario's chain, base first (follow based_on), and its removal entries with the level that states them.
WITH m, g, firm, customer, dims, removals,
     reduce(chain = [$scenario], i IN range(1, size(bases)) |
       [b IN bases WHERE b[0] = head(chain) AND b[1] IS NOT NULL AND NOT b[1] IN chain | b[1]] + chain) AS chain
WITH m, g, firm, customer, dims, chain,
     [x IN removals WHERE x.scenario IN chain
      | x {.*, level: head([i IN range(0, size(chain) - 1) WHERE chain[i] = x.scenario])}] AS rules,
     // Who stands for a respondent: the goal's customer, or the actor the respondent names as theirs.
     [customer] + COLLECT { MATCH (r:Respondent {model: m.id}) WHERE r.actor IS NOT NULL RETURN DISTINCT r.actor } AS selves
// The one pass: the flows given by the firm or an actor that stands for respondents. A flow's key group holds it
// when it is in the group's highest scenario of the chain and no removal entry of a later scenario matches the key.
// Of those, per respondent (null: structural), actor standing for them, dimension and touchpoint: the net value
// exchanged with the firm (gets minus gives), and what is given up and laid at the firm's door.
CALL (m, g, firm, chain, rules, selves) {
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
  WITH * WHERE f.source IN [firm.id] + selves AND f.target IS NOT NULL AND f.dimension IS NOT NULL
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
  WITH v[0] AS f, v[1] = top AS held, firm.id AS focal, selves
  WHERE held AND f.source <> f.target AND f.magnitude IS NOT NULL
  WITH f, focal, selves, f.source AS source, f.target AS target, f.responsible AS responsible
  WITH f, source, target, source = focal AS gets, target = focal AS gives, coalesce(responsible, target) = focal AS blamed,
       selves
  WHERE CASE WHEN gets THEN target IN selves ELSE gives OR blamed END
  WITH f.respondent AS who, CASE WHEN gets THEN target ELSE source END AS self, f.dimension AS dimension,
       f.touchpoint AS touchpoint, f.magnitude AS magnitude, gets, gives, blamed
  WITH who, self, dimension, touchpoint,
       sum(CASE WHEN gets THEN magnitude WHEN gives THEN -magnitude ELSE 0.0 END) AS net,
       sum(CASE WHEN blamed THEN magnitude ELSE 0.0 END) AS gave
  // place: where give-ups are compared with the threshold (dimension and touchpoint, or none), without nulls.
  WITH who, collect({self: self, dimension: dimension, net: net, gave: gave,
                     place: [dimension, touchpoint IS NULL, coalesce(touchpoint, '')]}) AS sums
  RETURN collect(CASE WHEN who IS NOT NULL THEN {who: who, sums: sums} END) AS own,
         coalesce(head(collect(CASE WHEN who IS NULL THEN sums END)), []) AS structural
}
// Every respondent with flows in the goal and a scenario of the chain, with their sums (none when they have no flow
// with the firm).
CALL (m, g, chain, own) {
  WITH m, g, chain, [o IN own | o.who] AS ids
  MATCH (r:Respondent {model: m.id})
  WHERE NOT r.id IN ids AND (EXISTS { MATCH (r)<-[rx:EXCHANGE]-() WHERE rx.goal = g.id AND rx.scenario IN chain }
    OR EXISTS { MATCH (:Actor {model: m.id})-[rf:FLOW {respondent: r.id}]->()
                 WHERE rf.goal = g.id AND rf.scenario IN chain })
  RETURN collect({who: r.id, sums: []}) AS others
}
UNWIND own + others AS o
MATCH (r:Respondent {model: m.id, id: o.who})
WITH firm, dims, structural, r, coalesce(r.actor, customer) AS self, o.sums AS mine,
     COLLECT { MATCH (r)-[c:CARES_ABOUT]->(d:Dimension) RETURN [d.id, c.weight, c.threshold] } AS cares
WITH firm, dims, r, [c IN cares | [c[0], CASE WHEN c[1] > 0 THEN c[1] ELSE 0.0 END, c[2]]] AS cares,
     [s IN mine WHERE s.self = self] AS mine, [s IN structural WHERE s.self = self] AS common
WITH firm, dims, r, cares, mine, common, reduce(t = 0.0, c IN cares | t + c[1]) AS total
// The respondent's weighted net value from the firm, their own flows and the structural ones.
WITH firm, r, cares, mine, common,
     reduce(v = 0.0, s IN mine + common | v + s.net * CASE WHEN total > 0
       THEN coalesce(head([c IN cares WHERE c[0] = s.dimension | c[1]]), 0.0) / total ELSE 1.0 / dims END) AS firmNet
// A deal-breaker at the firm's door: what is given up at one place passes the threshold for its dimension. The
// structural give-ups at a place are added to the respondent's own there.
WITH firm, r, firmNet, cares, CASE WHEN size(common) = 0 THEN mine ELSE
       [s IN mine | s {.*, gave: s.gave + reduce(x = 0.0, c IN [c IN common WHERE c.place = s.place] | x + c.gave)}]
       + [c IN common WHERE none(s IN mine WHERE s.place = c.place)] END AS sums
WITH firm, r, firmNet, any(s IN sums WHERE s.gave > head([c IN cares WHERE c[0] = s.dimension | c[2]])) AS breach
UNWIND [coalesce(r.segment, '(no segment)'), '(all)'] AS segment
RETURN segment, count(r) AS respondents, avg(r.nps) AS meanNps,
       avg(CASE r.churned WHEN true THEN 1.0 WHEN false THEN 0.0 END) AS churnRate,
       firm.id AS firm, avg(firmNet) AS firmNetWeighted,
       CASE WHEN count(r) > 1 THEN stDev(firmNet) END AS firmNetSd,
       avg(CASE WHEN breach THEN 1.0 ELSE 0.0 END) AS shareBreach
ORDER BY segment = '(all)', segment;

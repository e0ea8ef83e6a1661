// Where does the focal firm destroy value? Touchpoints ranked by weighted net loss.
//
// The customer's exchanges laid at the firm's door: "direct" rows are its own
// touchpoints (unless another actor is named responsible for the flow);
// "indirect" rows are touchpoints of other actors (the insurer's claim desk) where
// the firm is named responsible, so the damage is laid at its door. Each
// respondent of a segment (or everyone) is measured in their own network (their
// own flows plus the structural flows, no respondent, of the actor that stands
// for them), with their own weights normalised to sum 1 (a negative weight counts
// 0, none stated means equal weights). Per touchpoint: the mean over the scope's
// respondents of their weighted gets, gives and net there (someone who did not use
// it counts 0); a touchpoint is listed when that mean net is below 0, most
// destructive first. respondents is how many used it, shareDestroys the share of
// them whose own weighted net there is below 0. items are the dimensions in which
// it loses value for at least one respondent (they give up more than they get and
// the dimension weighs for them): the scope's mean gets, gives and net over those
// it hurts, the mean weighted loss (0 for the others), how many it hurts and their
// share of the scope; dimensions names them. quotes are the first three
// different quotes of the flows there, in the order the flows were written. A
// scenario based_on another holds its base's flows less those its removal entries
// match or its own flows change, plus its own (see scenario-deltas). Same figures
// as the touchpoint table and items of `valuenet analyze` (section destruction).
//
// One pass over the flows of the scenario and its bases (reached from the
// model's actors) that the actor or an exchange it is named responsible for can be
// in, after a look-up of the flows that name it responsible; summed per
// respondent, the structural sums added to each respondent's.
//
// Parameters:
//   model      the model id
//   goal       the goal id; null takes the model's first goal
//   scenario   the scenario id
//   segment    a respondent segment; null takes every respondent
//   actor      whose touchpoints to rank; null takes the focal firm
// cypher-shell and Neo4j Browser need every parameter: pass the map that
// `valuenet cypher value-destroying-touchpoints --param NAME=VALUE --params-map` prints, as
// -P "$(...)" or :params (docs/neo4j.md, "Parameters and defaults").
// Defaults: {model: 'health', goal: null, scenario: 'current', segment: null, actor: null}

MATCH (m:Model {id: $model})-[:HAS_GOAL]->(g:Goal)
WHERE $goal IS NULL OR g.id = $goal
WITH m, g ORDER BY g.ord LIMIT 1
MATCH (m)-[:HAS_ACTOR]->(firm:Actor {kind: 'focal_firm'})
WITH m, g, coalesce($actor, firm.id) AS who,
     coalesce(g.customer, head(COLLECT { MATCH (m)-[:HAS_ACTOR]->(c:Actor {kind: 'customer'}) RETURN c.id })) AS customer,
     COLLECT { MATCH (m)-[:HAS_DIMENSION]->(d:Dimension) RETURN d.id ORDER BY d.ord } AS dimensions,
     COLLECT { MATCH (g)-[:HAS_SCENARIO]->(s:Scenario) RETURN [s.id, s.basedOn] } AS bases,
     COLLECT { MATCH (g)-[:HAS_SCENARIO]->(s:Scenario)-[:REMOVES]->(x:Removal)
               WHERE any(k IN keys(x) WHERE NOT k IN ['model', 'goal', 'scenario', 'index'])
               RETURN x {.scenario, .actor, .source, .target, .dimension, .touchpoint, .stage, .respondent,
                         .structural} } AS removals
// The scenario's chain, base first (follow based_on), and its removal entries with the level that states them.
WITH m, g, who, customer, dimensions, removals,
     reduce(chain = [$scenario], i IN range(1, size(bases)) |
       [b IN bases WHERE b[0] = head(chain) AND b[1] IS NOT NULL AND NOT b[1] IN chain | b[1]] + chain) AS chain
WITH m, g, who, customer, dimensions, chain,
     [x IN removals WHERE x.scenario IN chain
      | x {.*, level: head([i IN range(0, size(chain) - 1) WHERE chain[i] = x.scenario])}] AS rules,
     [customer] + COLLECT { MATCH (r:Respondent {model: m.id}) WHERE r.actor IS NOT NULL RETURN DISTINCT r.actor }
       AS selves,
     COLLECT { MATCH (a:Actor {model: m.id})-[x:EXCHANGE {responsible: who}]->()
               WHERE x.goal = g.id AND x.scenario IN chain
               UNWIND [p IN [CASE WHEN x.gets IS NOT NULL OR x.getsMoney IS NOT NULL THEN [a.id, x.customer] END,
                             CASE WHEN x.gives IS NOT NULL OR x.givesMoney IS NOT NULL THEN [x.customer, a.id] END]
                       WHERE p IS NOT NULL] AS pair
               RETURN pair
               UNION
               MATCH (s:Actor {model: m.id})-[l:FLOW {responsible: who}]->(t)
               WHERE l.goal = g.id AND l.scenario IN chain
               RETURN [s.id, t.id] AS pair } AS blamed
// The one pass: the flows between the actor and an actor that stands for respondents, and those of such an actor
// with a giver and receiver between whom some flow names the actor responsible (a flow that changes such a flow
// has the same giver and receiver). A flow's key group holds it when it is in the group's highest scenario of the
// chain and no removal entry of a later scenario matches the key. Of those, the exchanges laid at the actor's
// door, summed per respondent (null: structural), actor standing for them, counterpart, touchpoint and dimension,
// with their quotes.
CALL (m, g, who, chain, rules, selves, blamed) {
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
  WITH * WHERE f.source IS NOT NULL AND f.target IS NOT NULL AND f.dimension IS NOT NULL
    AND (f.source IN selves OR f.target IN selves)
    AND (f.source IN [who] + selves AND f.target IN [who] + selves OR [f.source, f.target] IN blamed)
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
  WITH v[0] AS f, v[1] = top AS held, who, selves
  WHERE held AND f.magnitude IS NOT NULL AND f.source <> f.target
  UNWIND [s IN selves WHERE s IN [f.source, f.target]] AS self
  WITH f, who, self, CASE WHEN f.source = self THEN f.target ELSE f.source END AS counterpart
  WITH f, self, counterpart,
       CASE WHEN counterpart = who AND coalesce(f.responsible, who) = who THEN 'direct'
            WHEN counterpart <> who AND f.responsible = who THEN 'indirect' END AS kind
  WHERE kind IS NOT NULL
  WITH f.respondent AS respondent, self, kind, counterpart, f.touchpoint AS touchpoint, f.dimension AS dimension,
       sum(CASE WHEN f.target = self THEN f.magnitude ELSE 0.0 END) AS gets,
       sum(CASE WHEN f.source = self THEN f.magnitude ELSE 0.0 END) AS gives,
       collect(CASE WHEN f.quote IS NOT NULL THEN [f.ord, f.quote] END) AS quoted
  WITH respondent, collect({self: self, kind: kind, actor: counterpart, touchpoint: touchpoint, dimension: dimension,
                            gets: gets, gives: gives, quoted: quoted}) AS sums
  RETURN collect(CASE WHEN respondent IS NOT NULL THEN {who: respondent, sums: sums} END) AS own,
         coalesce(head(collect(CASE WHEN respondent IS NULL THEN sums END)), []) AS structural
}
// The respondents of the scope (a flow in a scenario of the chain), who stands for each, and their weights
// normalised to sum 1. Without any respondent, the structural network stands for one customer.
CALL (m, g, customer, dimensions, chain, own) {
  CALL (m, g, chain, own) {
    UNWIND own AS o
    MATCH (r:Respondent {model: m.id, id: o.who})
    WHERE $segment IS NULL OR r.segment = $segment
    RETURN r, o.sums AS sums
    UNION ALL
    WITH m, g, chain, [o IN own | o.who] AS ids
    MATCH (r:Respondent {model: m.id})
    WHERE ($segment IS NULL OR r.segment = $segment) AND NOT r.id IN ids
      AND (EXISTS { MATCH (r)<-[rx:EXCHANGE]-() WHERE rx.goal = g.id AND rx.scenario IN chain }
        OR EXISTS { MATCH (:Actor {model: m.id})-[rf:FLOW {respondent: r.id}]->()
                     WHERE rf.goal = g.id AND rf.scenario IN chain })
    RETURN r, [] AS sums
  }
  WITH r, sums, COLLECT { MATCH (r)-[c:CARES_ABOUT]->(d:Dimension) WHERE c.weight > 0 RETURN [d.id, c.weight] }
    AS stated
  WITH r, stated, sums, reduce(t = 0.0, x IN stated | t + x[1]) AS total
  WITH collect({me: coalesce(r.actor, customer), sums: sums,
                weights: [d IN dimensions | CASE WHEN total > 0
                  THEN coalesce(head([x IN stated WHERE x[0] = d | x[1]]), 0.0) / total
                  ELSE 1.0 / size(dimensions) END]}) AS people
  RETURN CASE WHEN size(people) = 0 AND $segment IS NULL
              THEN [{me: customer, sums: [], weights: [d IN dimensions | 1.0 / size(dimensions)]}]
              ELSE people END AS people
}
// Per respondent, counterpart, touchpoint and dimension: their own sums plus the structural ones of the actor that
// stands for them, weighted with their own weight; a loss where they give up more than they get.
WITH dimensions, structural, people, size(people) AS n,
     reduce(acc = [], p IN people | CASE WHEN p.me IN acc THEN acc ELSE acc + p.me END) AS mes
UNWIND range(0, n - 1) AS i
WITH dimensions, structural, mes, n, i, people[i] AS p
UNWIND [s IN p.sums WHERE s.self = p.me] + [s IN structural WHERE s.self = p.me | s {.*, quoted: []}] AS s
WITH dimensions, structural, mes, n, i, p.weights AS weights, s.kind AS kind, s.actor AS actor,
     coalesce(s.touchpoint, '(unspecified)') AS touchpoint, s.dimension AS dimension,
     sum(s.gets) AS gets, sum(s.gives) AS gives, collect(s.quoted) AS quoted
WITH dimensions, structural, mes, n, i, kind, actor, touchpoint, dimension, gets, gives, quoted,
     weights[head([j IN range(0, size(dimensions) - 1) WHERE dimensions[j] = dimension])] AS w
// Per respondent and touchpoint: their weighted net there, and the dimensions in which it loses them value.
WITH dimensions, structural, mes, n, i, kind, actor, touchpoint, sum(w * gets) AS wGets, sum(w * gives) AS wGives,
     collect(CASE WHEN w * (gives - gets) > 0
                  THEN {dimension: dimension, gets: gets, gives: gives, loss: w * (gives - gets)} END) AS losing,
     collect(quoted) AS quoted
// Per touchpoint, over the scope.
WITH dimensions, structural, mes, n, kind, actor, touchpoint, sum(wGets) / n AS weightedGets,
     sum(wGives) / n AS weightedGives, count(*) AS used, count(CASE WHEN wGets - wGives < -1e-9 THEN 1 END) AS hurt,
     collect(losing) AS losing, collect(quoted) AS quoted
WHERE weightedGets - weightedGives < -1e-9
// The dimensions it loses value in, over those it hurts.
CALL (n, losing) {
  UNWIND losing AS perRespondent
  UNWIND perRespondent AS x
  WITH n, x.dimension AS dimension, count(*) AS k, sum(x.gets) AS gets, sum(x.gives) AS gives, sum(x.loss) AS loss
  WITH n, dimension, k, gets / n AS gets, gives / n AS gives, loss / n AS weighted
  ORDER BY weighted DESC, gets - gives, dimension
  RETURN collect({dimension: dimension, gets: gets, gives: gives, net: gets - gives, weighted: weighted,
                  respondents: k, share: toFloat(k) / n}) AS items
}
// The words there, in the order the flows were written: the scope's respondents' and the structural ones.
CALL (structural, mes, quoted, kind, actor, touchpoint) {
  UNWIND quoted + [[[s IN structural WHERE s.self IN mes AND s.kind = kind AND s.actor = actor
                     AND coalesce(s.touchpoint, '(unspecified)') = touchpoint | s.quoted]]] AS perRespondent
  UNWIND perRespondent AS perDimension
  UNWIND perDimension AS perGroup
  UNWIND perGroup AS quote
  WITH quote ORDER BY quote[0]
  RETURN reduce(acc = [], v IN collect(quote[1]) | CASE WHEN v IN acc OR size(acc) = 3 THEN acc ELSE acc + v END)
         AS quotes
}
RETURN kind, actor, touchpoint, weightedGets, weightedGives, weightedGets - weightedGives AS weightedNet,
       used AS respondents, toFloat(hurt) / used AS shareDestroys,
       [d IN dimensions WHERE any(x IN items WHERE x.dimension = d)] AS dimensions, items, quotes
ORDER BY weightedNet, kind, actor, touchpoint;

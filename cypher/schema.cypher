// The valuenet graph schema: uniqueness constraints and indexes.
//
// valuenet runs this file before its first write to a database; running it again
// changes nothing (every statement is IF NOT EXISTS). Every node carries the id of
// its model in `model`, so several models share one database; the pair (model, id)
// is unique per label.

CREATE CONSTRAINT model_id IF NOT EXISTS
FOR (m:Model) REQUIRE m.id IS UNIQUE;

CREATE CONSTRAINT actor_key IF NOT EXISTS
FOR (n:Actor) REQUIRE (n.model, n.id) IS UNIQUE;

CREATE CONSTRAINT goal_key IF NOT EXISTS
FOR (n:Goal) REQUIRE (n.model, n.id) IS UNIQUE;

CREATE CONSTRAINT scenario_key IF NOT EXISTS
FOR (n:Scenario) REQUIRE (n.model, n.goal, n.id) IS UNIQUE;

CREATE CONSTRAINT respondent_key IF NOT EXISTS
FOR (n:Respondent) REQUIRE (n.model, n.id) IS UNIQUE;

CREATE CONSTRAINT flow_key IF NOT EXISTS
FOR (n:Flow) REQUIRE (n.model, n.id) IS UNIQUE;

CREATE CONSTRAINT dimension_key IF NOT EXISTS
FOR (n:Dimension) REQUIRE (n.model, n.id) IS UNIQUE;

// Reading, counting and deleting one model's items among many models' goes through these.
CREATE INDEX flow_model IF NOT EXISTS
FOR (n:Flow) ON (n.model);

CREATE INDEX respondent_model IF NOT EXISTS
FOR (n:Respondent) ON (n.model);

CREATE INDEX actor_model IF NOT EXISTS
FOR (n:Actor) ON (n.model);

CREATE INDEX goal_model IF NOT EXISTS
FOR (n:Goal) ON (n.model);

CREATE INDEX respondent_segment IF NOT EXISTS
FOR (n:Respondent) ON (n.model, n.segment);

// The library's questions (cypher/*.cypher) read one goal and scenario's flows through this index. It also
// holds each flow's giver, receiver and dimension, so a query that names all six properties (the last three
// with IS NOT NULL) gets those three from the index without reading the flow itself.
CREATE INDEX flow_scope IF NOT EXISTS
FOR (n:Flow) ON (n.model, n.goal, n.scenario, n.source, n.target, n.dimension);

CALL db.awaitIndexes(300);

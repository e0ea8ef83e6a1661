// The valuenet graph schema (graph version 2): uniqueness constraints and indexes.
//
// valuenet runs this file before its first write to a database; running it again
// changes nothing (every statement is IF NOT EXISTS). Every node carries the id of
// its model in `model`, so several models share one database; the pair (model, id)
// is unique per label, and per relationship type for the relationships that stand
// for flows: EXCHANGE (one interview exchange, both its sides) and FLOW (a flow that
// is no exchange's side).

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

CREATE CONSTRAINT dimension_key IF NOT EXISTS
FOR (n:Dimension) REQUIRE (n.model, n.id) IS UNIQUE;

CREATE CONSTRAINT exchange_key IF NOT EXISTS
FOR ()-[x:EXCHANGE]-() REQUIRE (x.model, x.id) IS UNIQUE;

CREATE CONSTRAINT lone_flow_key IF NOT EXISTS
FOR ()-[f:FLOW]-() REQUIRE (f.model, f.id) IS UNIQUE;

// Reading, counting and deleting one model's items among many models' goes through these. A model's
// exchanges, lone flows and VALUE aggregates are reached from its actors.
CREATE INDEX respondent_model IF NOT EXISTS
FOR (n:Respondent) ON (n.model);

CREATE INDEX actor_model IF NOT EXISTS
FOR (n:Actor) ON (n.model);

CREATE INDEX goal_model IF NOT EXISTS
FOR (n:Goal) ON (n.model);

CREATE INDEX respondent_segment IF NOT EXISTS
FOR (n:Respondent) ON (n.model, n.segment);

CALL db.awaitIndexes(300);

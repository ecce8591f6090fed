// Schema for the drug-repurposing graph. Every statement is idempotent (IF NOT EXISTS).
// Run by `platform db start` and by every loader; also fine to paste into Neo4j Browser.
// One uniqueness constraint on Entity.id serves every lookup by id, whatever the kind.
CREATE CONSTRAINT entity_id IF NOT EXISTS FOR (n:Entity) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT dataset_name IF NOT EXISTS FOR (d:Dataset) REQUIRE d.name IS UNIQUE;
CREATE CONSTRAINT model_run_id IF NOT EXISTS FOR (m:ModelRun) REQUIRE m.runId IS UNIQUE;
CREATE INDEX entity_name IF NOT EXISTS FOR (n:Entity) ON (n.name);

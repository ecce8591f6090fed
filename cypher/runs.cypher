// Reads of one written run (repurpose.report, repurpose.demo). Only the run's current write is read
// (p.writeId = m.currentWriteId), so a write-back under way is never mixed in.

// name: current_write    params: $run_id
MATCH (m:ModelRun {runId: $run_id}) RETURN m.currentWriteId AS w

// name: run_diseases    params: $run_id, $limit
// Diseases of a run with the most predictions first (ties: by name).
MATCH (m:ModelRun {runId: $run_id})
MATCH (:Compound)-[p:PREDICTED_TREATS {runId: $run_id}]->(d:Disease)
WHERE p.writeId = m.currentWriteId
RETURN d.id AS id, d.name AS name, count(p) AS n ORDER BY n DESC, name LIMIT $limit

// name: run_scores    params: $run_id
MATCH (m:ModelRun {runId: $run_id})
MATCH ()-[p:PREDICTED_TREATS {runId: $run_id}]->()
WHERE p.writeId = m.currentWriteId
RETURN collect(p.score) AS scores, collect(p.probability) AS probabilities

// name: run_top_compounds    params: $run_id, $k
// Each disease of a run (most predictions first) with its k best-scored compounds, best first (names
// fall back to ids so the two lists stay aligned).
MATCH (m:ModelRun {runId: $run_id})
MATCH (c:Compound)-[p:PREDICTED_TREATS {runId: $run_id}]->(d:Disease)
WHERE p.writeId = m.currentWriteId
WITH d, c, p ORDER BY p.score DESC, c.id
WITH d, collect(c.id) AS ids, collect(coalesce(c.name, c.id)) AS names
RETURN d.id AS id, d.name AS name, ids[0..$k] AS ids, names[0..$k] AS names, size(ids) AS n
ORDER BY n DESC, name

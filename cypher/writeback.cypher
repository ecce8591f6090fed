// Write-back of predicted treatments (repurpose.writeback). A write creates its edges under a fresh
// writeId, then switches the ModelRun to it, then deletes the older edges: readers filter on
// m.currentWriteId, so they never see a half-written set (docs/writeback.md).

// name: kinds_of_ids    params: $ids
UNWIND $ids AS id MATCH (n:Entity {id: id})
RETURN collect([id, CASE WHEN n:Compound THEN 'Compound' WHEN n:Disease THEN 'Disease' ELSE null END]) AS pairs

// name: ids_of_label    params: none (`{label}` filled in)
MATCH (n:{label}) RETURN collect(n.id) AS ids

// name: known_treatment_pairs    params: $types
MATCH (c:Compound)-[r]->(d:Disease) WHERE type(r) IN $types
RETURN collect([c.id, d.id]) AS pairs

// name: write_state    params: $runId
MATCH (m:ModelRun {runId: $runId})
RETURN m.currentWriteId AS current, m.pendingWriteId AS pending

// name: upsert_run
MERGE (m:ModelRun {runId: $runId})
SET m.model = $model, m.text = $text, m.encoder = $encoder, m.params = $params, m.metrics = $metrics,
    m.calibration = $calibration, m.targetRelation = $target, m.knownRelations = $known,
    m.fingerprint = $fingerprint,
    m.createdAt = coalesce(m.createdAt, $now), m.pendingWriteId = $writeId

// name: create_edges    params: $rows = [{c, d, score, probability, rank, compoundRank, diseaseRank}]
UNWIND $rows AS row
MATCH (c:Entity {id: row.c})
MATCH (d:Entity {id: row.d})
CREATE (c)-[:PREDICTED_TREATS {score: row.score, probability: row.probability, rank: row.rank,
    compoundRank: row.compoundRank, diseaseRank: row.diseaseRank, runId: $runId, model: $model,
    createdAt: $createdAt, writeId: $writeId}]->(d)

// name: create_links    params: $runId, $writeId, $rows = [{d, n}]
MATCH (m:ModelRun {runId: $runId})
UNWIND $rows AS row
MATCH (d:Entity {id: row.d})
CREATE (m)-[:PREDICTED {writeId: $writeId, edges: row.n}]->(d)

// name: switch_current
MATCH (m:ModelRun {runId: $runId})
SET m.currentWriteId = $writeId, m.edgeCount = $edgeCount, m.writtenAt = $now, m.topK = $topK, m.per = $per,
    m.minScore = $minScore, m.includeKnown = $includeKnown
REMOVE m.pendingWriteId

// name: delete_stale_edges    params: $runId, $keep (null: all), $batch
MATCH ()-[p:PREDICTED_TREATS]->()
WHERE p.runId = $runId AND ($keep IS NULL OR p.writeId <> $keep)
WITH p LIMIT $batch
DELETE p

// name: delete_stale_links    params: $runId, $keep (null: all)
MATCH (m:ModelRun {runId: $runId})-[l:PREDICTED]->()
WHERE $keep IS NULL OR l.writeId <> $keep
DELETE l

// name: run_properties
MATCH (m:ModelRun) RETURN properties(m) AS m ORDER BY m.runId

// name: run_exists    params: $runId
MATCH (m:ModelRun {runId: $runId}) RETURN count(m) AS n

// name: delete_run    params: $runId
MATCH (m:ModelRun {runId: $runId}) DETACH DELETE m

// name: model_runs
// description: Every run that wrote predictions: model, text mode, encoder, edge count, when, and its metrics (JSON).
// Answers: "which models have predictions in the graph, and how good are they?" No parameters.
// Neo4j Browser: run as is.
MATCH (m:ModelRun)
RETURN m.runId AS runId, m.model AS model, m.text AS text, m.encoder AS encoder, m.edgeCount AS edges,
       m.topK AS topK, m.per AS per, m.writtenAt AS writtenAt, m.metrics AS metrics
ORDER BY m.writtenAt DESC, runId

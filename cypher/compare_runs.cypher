// name: compare_runs
// description: Side by side, the pairs two runs predict (optionally for one disease): each run's rank and calibrated probability, and which run has the pair.
// param: run_a (ModelRun): the first run's runId
// param: run_b (ModelRun): the second run's runId
// param: disease (Disease, default none): only this disease (by id or name); all diseases when left out
// param: limit (int, default 50): at most this many rows
// Answers: "do two models agree?" Calibrated probabilities are comparable across runs; raw scores are not.
// Neo4j Browser: :param run_a => '<runId>'  :param run_b => '<runId>'  :param disease => null  :param limit => 50
// Starts from the diseases the runs' current writes link to (ModelRun -[:PREDICTED]-> Disease), then walks
// to their predicted edges: one disease reads only its own edges.
MATCH (m:ModelRun)-[l:PREDICTED]->(d:Disease)
WHERE m.runId IN [$run_a, $run_b] AND l.writeId = m.currentWriteId AND ($disease IS NULL OR d.id = $disease)
WITH DISTINCT d
MATCH (a:ModelRun {runId: $run_a})
MATCH (b:ModelRun {runId: $run_b})
MATCH (d)<-[p:PREDICTED_TREATS]-(c:Compound)
WHERE (p.runId = a.runId AND p.writeId = a.currentWriteId) OR (p.runId = b.runId AND p.writeId = b.currentWriteId)
WITH a, b, c, d, collect(p) AS ps
WITH c, d, [x IN ps WHERE x.runId = a.runId][0] AS pa, [x IN ps WHERE x.runId = b.runId][0] AS pb
RETURN c.name AS compound, d.name AS disease,
       pa.rank AS rankA, pb.rank AS rankB, pa.probability AS probabilityA, pb.probability AS probabilityB,
       CASE WHEN pa IS NULL THEN 'only B' WHEN pb IS NULL THEN 'only A' ELSE 'both' END AS predictedBy
ORDER BY coalesce(pa.probability, 0.0) + coalesce(pb.probability, 0.0) DESC, compound, disease
LIMIT $limit

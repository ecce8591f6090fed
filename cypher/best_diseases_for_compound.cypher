// name: best_diseases_for_compound
// description: Diseases a drug is predicted to treat by one run, best first, each marked known (an edge of the run's known-treatment types, m.knownRelations) or novel.
// param: compound (Compound): the drug, by id or name, e.g. "Metformin"
// param: run (ModelRun, default latest): the run whose predictions to show (its runId)
// param: limit (int, default 25): at most this many rows
// Answers: "what else could this drug be used for?"
// Neo4j Browser: :param compound => 'Compound::DB00331'  :param run => '<runId>'  :param limit => 25
MATCH (m:ModelRun {runId: $run})
MATCH (c:Compound {id: $compound})-[p:PREDICTED_TREATS]->(d:Disease)
WHERE p.runId = m.runId AND p.writeId = m.currentWriteId
RETURN d.id AS diseaseId, d.name AS disease, p.score AS score, p.probability AS probability,
       p.compoundRank AS compoundRank, p.diseaseRank AS diseaseRank,
       CASE WHEN EXISTS { MATCH (c)-[t]->(d) WHERE type(t) IN coalesce(m.knownRelations, [m.targetRelation]) } THEN 'known' ELSE 'novel' END AS status
ORDER BY p.score DESC, d.id
LIMIT $limit

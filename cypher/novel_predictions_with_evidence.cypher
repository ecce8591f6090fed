// name: novel_predictions_with_evidence
// description: Novel predictions (no edge of the run's known-treatment types, m.knownRelations) that an external indication source confirms, best first.
// param: run (ModelRun, default latest): the run whose predictions to check (its runId)
// param: source (string, default none): only this source of INDICATED_IN edges (e.g. DrugCentral); any when left out
// param: limit (int, default 50): at most this many rows
// Answers: "which new suggestions are already used in the clinic elsewhere?" External indications are
// (:Compound)-[:INDICATED_IN {source}]->(:Disease) edges; load DrugCentral's with `platform indications`.
// Neo4j Browser: :param run => '<runId>'  :param source => 'DrugCentral'  :param limit => 50
MATCH (m:ModelRun {runId: $run})
MATCH (c:Compound)-[p:PREDICTED_TREATS]->(d:Disease)
WHERE p.runId = m.runId AND p.writeId = m.currentWriteId
  AND NOT EXISTS { MATCH (c)-[t]->(d) WHERE type(t) IN coalesce(m.knownRelations, [m.targetRelation]) }
MATCH (c)-[i:INDICATED_IN]->(d)
WHERE $source IS NULL OR i.source = $source
RETURN c.name AS compound, d.name AS disease, p.score AS score, p.probability AS probability, p.rank AS rank,
       collect(DISTINCT i.source) AS sources
ORDER BY probability DESC, compound, disease
LIMIT $limit

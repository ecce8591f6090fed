// Reads of the explorer (repurpose.explorer.reads), the pages of `platform serve`. All read-only;
// values are $parameters, `{label}` a node label filled in by repurpose.cypher.get after its
// identifier check. The predictions themselves come from the library queries (cypher/*.cypher).

// name: runs    params: none
// Runs with predictions in the graph, the newest write first (the order of resolve.cypher's written_runs).
MATCH (m:ModelRun) WHERE m.currentWriteId IS NOT NULL
RETURN m.runId AS id, m.model AS model, m.text AS text, m.edgeCount AS edges, m.writtenAt AS writtenAt
ORDER BY m.writtenAt DESC, m.runId DESC

// name: busiest_diseases    params: $run_id, $limit
// Diseases with the most predictions of a run, from the run's PREDICTED links (one per disease, with
// its edge count): no pass over the predicted edges themselves.
MATCH (m:ModelRun {runId: $run_id})-[l:PREDICTED]->(d:Disease)
WHERE l.writeId = m.currentWriteId
RETURN d.id AS id, d.name AS name, l.edges AS n
ORDER BY n DESC, name
LIMIT $limit

// name: node    params: $id
MATCH (n:{label} {id: $id}) RETURN n.id AS id, n.name AS name

// name: search    params: $q, $k
// Names containing $q (case-insensitive), names that start with it first, then the shortest.
MATCH (n:{label}) WHERE toLower(n.name) CONTAINS toLower($q)
RETURN n.id AS id, n.name AS name
ORDER BY CASE WHEN toLower(n.name) STARTS WITH toLower($q) THEN 0 ELSE 1 END, size(n.name), n.name
LIMIT $k

// name: names    params: none
// Every id and name of one label: what a "not found" page picks close matches from.
MATCH (n:{label}) RETURN n.id AS id, n.name AS name

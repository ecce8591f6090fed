// How `platform query` turns a user's value into an id (repurpose.querylib). `{label}` is a node
// label filled in by repurpose.cypher.get after its identifier check; values are $parameters.

// name: entity_by_id_or_name    params: $v
MATCH (n:{label}) WHERE n.id = $v OR toLower(n.name) = toLower($v)
RETURN n.id AS id, n.name AS name ORDER BY n.id

// name: entity_names_containing    params: $v, $k
MATCH (n:{label}) WHERE toLower(n.name) CONTAINS toLower($v)
RETURN n.id AS id, n.name AS name ORDER BY size(n.name) LIMIT $k

// name: written_runs    params: none
MATCH (m:ModelRun) WHERE m.currentWriteId IS NOT NULL
RETURN m.runId AS id ORDER BY m.writtenAt DESC, m.runId DESC

// What `platform demo` (repurpose.demo) checks before and after its stages.

// name: dataset_sha256    params: $dataset
MATCH (d:Dataset {name: $dataset}) RETURN d.sha256 AS sha

// name: diseases_present    params: $ids
MATCH (d:Disease) WHERE d.id IN $ids RETURN d.id AS id

// name: disease_name    params: $id
MATCH (d:Disease {id: $id}) RETURN d.name AS n

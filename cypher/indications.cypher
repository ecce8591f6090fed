// External indications as evidence (repurpose.indications): `(:Compound)-[:INDICATED_IN {source}]->(:Disease)`.
// MERGE makes a re-run a no-op.

// name: ids_present    params: $ids
UNWIND $ids AS id MATCH (n:Entity {id: id}) RETURN collect(n.id) AS ids

// name: merge_indications    params: $source, $rows = [{c, d, category}]
UNWIND $rows AS row
MATCH (c:Entity {id: row.c})
MATCH (d:Entity {id: row.d})
MERGE (c)-[i:INDICATED_IN {source: $source}]->(d)
SET i.category = row.category

// name: count_indications    params: $source
MATCH (:Compound)-[i:INDICATED_IN {source: $source}]->(:Disease) RETURN count(i) AS n

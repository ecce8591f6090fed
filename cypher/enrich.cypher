// Queries of `platform enrich` and `platform embed` (repurpose.enrich). `{label}` is a node label,
// checked by repurpose.cypher_safety.identifier() before it is formatted in; values are $parameters.

// name: entities_to_enrich    params: none (label formatted in)
MATCH (n:Entity:{label}) WHERE n.name IS NOT NULL
RETURN collect([n.id, n.name, n.description IS NOT NULL, n.descriptionModel, n.descriptionPrompt]) AS rows

// name: neighbor_facts    params: $ids = [id], $per_type = int
UNWIND $ids AS id
MATCH (n:Entity {id: id})-[r]-(m:Entity)
WITH id, type(r) AS rel, startNode(r) = n AS outgoing,
     [l IN labels(m) WHERE l <> 'Entity'][0] AS kind, m.name AS name
ORDER BY id, rel, name
WITH id, rel, outgoing, kind, collect(name)[0..$per_type] AS names
RETURN id, collect([rel, outgoing, kind, names]) AS facts

// name: known_ids    params: $ids = [id]
UNWIND $ids AS id
MATCH (n:Entity {id: id})
RETURN collect([n.id, n.description IS NOT NULL, n.curatedDescription IS NOT NULL]) AS rows

// name: set_description    params: $rows = [{id, description, model, prompt, at}]
UNWIND $rows AS row
MATCH (n:Entity {id: row.id})
SET n.description = row.description, n.descriptionModel = row.model,
    n.descriptionPrompt = row.prompt, n.descriptionAt = row.at

// name: set_curated_description    params: $rows = [{id, description}]
UNWIND $rows AS row
MATCH (n:Entity {id: row.id})
SET n.curatedDescription = row.description

// name: texts_to_embed    params: none (label formatted in)
MATCH (n:Entity:{label}) WHERE n.name IS NOT NULL
RETURN collect([n.id, n.name, n.description, n.curatedDescription, n.embeddingHash]) AS rows

// name: set_embeddings    params: $rows = [{id, props: {nameEmbedding, ..., embeddingModel, embeddingHash}}]
UNWIND $rows AS row
MATCH (n:Entity {id: row.id})
SET n += row.props

// name: target_sides    params: none (relationship type formatted in as {type})
MATCH (a:Entity)-[:{type}]->(b:Entity)
WITH [l IN labels(a) WHERE l <> 'Entity'][0] AS head, [l IN labels(b) WHERE l <> 'Entity'][0] AS tail
RETURN collect(DISTINCT head) AS heads, collect(DISTINCT tail) AS tails

// name: names_of_kind    params: none (label formatted in)
MATCH (n:Entity:{label}) WHERE n.name IS NOT NULL
RETURN collect([n.id, n.name, coalesce(n.synonyms, [])]) AS rows

// name: graph_encoder    params: none
MATCH (n:Entity) WHERE n.embeddingModel IS NOT NULL
RETURN n.embeddingModel AS model LIMIT 1

// name: create_vector_index    params: none (`{index}`, `{label}`, `{property}` filled in; `{dimension}` an int)
// Neo4j 5 only. Unquantised: 5.26 quantises by default, which moves scores by about 0.01 from exact cosine.
CREATE VECTOR INDEX {index} IF NOT EXISTS
FOR (n:{label}) ON (n.{property})
OPTIONS {indexConfig: {`vector.dimensions`: {dimension}, `vector.similarity_function`: 'cosine',
                       `vector.quantization.enabled`: false}}

// name: await_indexes    params: $seconds
CALL db.awaitIndexes($seconds)

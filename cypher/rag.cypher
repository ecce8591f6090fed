// Graph-RAG queries used by `platform ask` (repurpose.rag). Every value is a $parameter.
// Each block also runs as-is in Neo4j Browser once its parameters are set.
// No UNION over nodes or edges: it compares whole entities (with their text and vectors), which
// on ArcadeDB made a disease with 1,000 predictions take 300 ms instead of 30. Branches are made
// disjoint (`WHERE NOT d.id IN $ids`: the first branch has those rows) and joined by UNION ALL,
// or they return plain values, which UNION compares cheaply.

// name: name_index    params: (none)
// Every named concept node in one record (one collect() is ~4x faster than row by row over Bolt).
MATCH (n:Entity)
WHERE n.name IS NOT NULL
RETURN collect([n.id, n.name, labels(n), n.synonyms]) AS rows;

// name: name_index_stamp    params: (none)
// What the on-disk name index cache is checked against: node count and loaded datasets.
// The count in its own CALL: ArcadeDB answers it from the type's size (1 ms on Hetionet), where
// `MATCH ... WITH count(n)` followed by more clauses scanned every node (60 ms, growing with the graph).
CALL { MATCH (n:Entity) RETURN count(n) AS nodes }
OPTIONAL MATCH (d:Dataset)
RETURN nodes, collect(d.name + '@' + toString(d.loadedAt)) AS datasets;

// name: name_embeddings    params: (none)
// Nodes that carry a name vector, for exact cosine linking when the server has no vector index.
MATCH (n:Entity)
WHERE n.nameEmbedding IS NOT NULL
RETURN collect([n.id, n.nameEmbedding]) AS rows;

// name: name_vector_indexes
// Neo4j 5 only: the vector indexes on nameEmbedding (one per label) and the width of their vectors.
SHOW VECTOR INDEXES YIELD name, properties, options, state
WHERE 'nameEmbedding' IN properties AND state = 'ONLINE'
RETURN name, options.indexConfig['vector.dimensions'] AS dimension;

// name: vector_link    params: $index, $k, $vector
// Neo4j 5 only (needs a vector index on nameEmbedding): nearest names to the mention's vector.
CALL db.index.vector.queryNodes($index, $k, $vector) YIELD node, score
RETURN node.id AS id, score;

// name: descriptions    params: $ids, $k
MATCH (n:Entity)
WHERE n.id IN $ids
RETURN n.id AS id, n.name AS name, [l IN labels(n) WHERE l <> 'Entity'][0] AS kind,
       n.description AS description, n.curatedDescription AS curatedDescription
ORDER BY id
LIMIT $k;

// name: curated_treatments    params: $ids, $k
// Known treatments (TREATS_CtD: disease-modifying; PALLIATES_CpD: symptomatic) of or by the linked nodes.
CALL {
  MATCH (d:Disease) WHERE d.id IN $ids
  MATCH (c:Compound)-[r:TREATS_CtD|PALLIATES_CpD]->(d)
  RETURN c, r, d
  UNION ALL
  MATCH (c:Compound) WHERE c.id IN $ids
  MATCH (c)-[r:TREATS_CtD|PALLIATES_CpD]->(d:Disease)
  WHERE NOT d.id IN $ids
  RETURN c, r, d
}
RETURN c.id AS compoundId, c.name AS compound, type(r) AS relation, d.id AS diseaseId, d.name AS disease
ORDER BY relation DESC, compound, disease
LIMIT $k;

// name: predicted_treatments    params: $ids, $k
// Model predictions (PREDICTED_TREATS), never mixed with curated edges; best score first. Only a
// run's current write-back is read (p.writeId among the runs' currentWriteId, read once at the start:
// per-row lookups saw a write-back's switch half-way and mixed sets), so a write in progress is never
// mixed in. Edges with no writeId (written by hand, not by platform writeback) are read too, but
// only with a runId: on Neo4j (read committed) an edge deleted while this query runs reads as
// having no properties at all, so "no writeId" alone let a replaced set's ghosts through.
// The known flag is looked up for the k rows kept only.
MATCH (m:ModelRun)
WITH collect(m.currentWriteId) AS current
CALL {
  MATCH (d:Disease) WHERE d.id IN $ids
  MATCH (c:Compound)-[p:PREDICTED_TREATS]->(d)
  RETURN c, p, d
  UNION ALL
  MATCH (c:Compound) WHERE c.id IN $ids
  MATCH (c)-[p:PREDICTED_TREATS]->(d:Disease)
  WHERE NOT d.id IN $ids
  RETURN c, p, d
}
WITH c, p, d, current
WHERE p.writeId IN current OR (p.writeId IS NULL AND p.runId IS NOT NULL)
WITH c, p, d
ORDER BY p.score DESC, c.id, d.id
LIMIT $k
RETURN c.id AS compoundId, c.name AS compound, d.id AS diseaseId, d.name AS disease,
       p.score AS score, p.probability AS probability, p.rank AS rank, p.diseaseRank AS diseaseRank,
       p.compoundRank AS compoundRank, p.runId AS runId, p.model AS model,
       EXISTS { MATCH (c)-[:TREATS_CtD|PALLIATES_CpD]->(d) } AS known
ORDER BY score DESC, compoundId, diseaseId;

// name: mechanism_paths    params: $ids, $k
// Compound -BINDS_CbG-> Gene <-ASSOCIATES_DaG- Disease, per compound-disease pair, most shared genes first.
// No labels on g and c in the expansion: the relationship types fix them, and label checks cost time.
CALL {
  MATCH (d:Disease) WHERE d.id IN $ids
  MATCH (d)-[:ASSOCIATES_DaG]->(g)<-[:BINDS_CbG]-(c)
  RETURN c, g, d
  UNION ALL
  MATCH (c:Compound) WHERE c.id IN $ids
  MATCH (c)-[:BINDS_CbG]->(g)<-[:ASSOCIATES_DaG]-(d)
  WHERE NOT d.id IN $ids
  RETURN c, g, d
}
WITH c, d, collect(DISTINCT g) AS gs
ORDER BY size(gs) DESC, c.name, d.name
LIMIT $k
RETURN c.id AS compoundId, c.name AS compound, d.id AS diseaseId, d.name AS disease,
       [g IN gs | g.id] AS geneIds, [g IN gs | g.name] AS genes;

// name: pharmacologic_classes    params: $ids, $k
// Classes of the linked compounds, members of linked classes, and classes of the compounds that
// treat, palliate or are predicted for a linked disease.
CALL {
  MATCH (pc:PharmacologicClass) WHERE pc.id IN $ids
  MATCH (pc)-[:INCLUDES_PCiC]->(c:Compound)
  RETURN pc.id AS classId, pc.name AS class, c.id AS compoundId, c.name AS compound
  UNION
  MATCH (c:Compound) WHERE c.id IN $ids
  MATCH (pc:PharmacologicClass)-[:INCLUDES_PCiC]->(c)
  RETURN pc.id AS classId, pc.name AS class, c.id AS compoundId, c.name AS compound
  UNION
  MATCH (d:Disease) WHERE d.id IN $ids
  MATCH (pc:PharmacologicClass)-[:INCLUDES_PCiC]->(c:Compound)-[:TREATS_CtD|PALLIATES_CpD|PREDICTED_TREATS]->(d)
  RETURN pc.id AS classId, pc.name AS class, c.id AS compoundId, c.name AS compound
}
RETURN classId, class, compoundId, compound
ORDER BY class, compound
LIMIT $k;

// name: label_keys    params: $n (`{label}` filled in)
// Property keys seen on a sample of one label's nodes, for the text-to-Cypher schema (works without APOC).
MATCH (n:{label}) WITH n LIMIT $n UNWIND keys(n) AS k
RETURN collect(DISTINCT k) AS keys

// name: type_patterns    params: $n (`{type}` filled in)
// (start kind, end kind, property keys) of a sample of one relationship type's edges.
MATCH (a)-[r:{type}]->(b) WITH a, r, b LIMIT $n
RETURN [l IN labels(a) WHERE l <> 'Entity'][0] AS a, [l IN labels(b) WHERE l <> 'Entity'][0] AS b, keys(r) AS keys

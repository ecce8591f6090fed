// What repurpose.store asks every server: is it there, which database, which features, what is in it.
// `{label}` / `{type}` are filled by repurpose.cypher.get after their identifier check.

// name: ping
RETURN 1 AS ok

// name: home_database
CALL db.info() YIELD name RETURN name

// name: apoc_procedures
SHOW PROCEDURES YIELD name WHERE name STARTS WITH 'apoc.'
RETURN count(*) AS n

// name: edition
CALL dbms.components() YIELD edition RETURN edition

// name: labels
CALL db.labels() YIELD label RETURN label

// name: relationship_types
CALL db.relationshipTypes() YIELD relationshipType RETURN relationshipType

// name: count_label
MATCH (n:{label}) RETURN count(n) AS n

// name: count_type
MATCH ()-[r:{type}]->() RETURN count(r) AS n

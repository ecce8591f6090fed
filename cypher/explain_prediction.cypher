// name: explain_prediction
// description: Graph evidence for a compound-disease pair: shared genes, pharmacologic classes shared with a treatment, similar treating compounds, external indications; a count and examples each.
// param: compound (Compound): the drug, by id or name
// param: disease (Disease): the disease, by id or name
// param: examples (int, default 10): at most this many examples per kind of evidence
// Answers: "why might this drug treat this disease?" One row per kind of evidence (count 0 when none):
//   shared gene:        (c)-[:BINDS_CbG]->(g:Gene)<-[:ASSOCIATES_DaG]-(d)
//   shared class:       (c)<-[:INCLUDES_PCiC]-(pc)-[:INCLUDES_PCiC]->(other)-[:TREATS_*]->(d)
//   similar compound:   (c)-[:RESEMBLES_CrC]-(other)-[:TREATS_*]->(d)
//   external indication: (c)-[:INDICATED_IN]->(d) (e.g. DrugCentral, see `platform indications`)
// Neo4j Browser: :param compound => 'Compound::DB00843'  :param disease => 'Disease::DOID:10652'  :param examples => 10
MATCH (c:Compound {id: $compound})
MATCH (d:Disease {id: $disease})
OPTIONAL MATCH (c)-[:BINDS_CbG]->(g:Gene)<-[:ASSOCIATES_DaG]-(d)
RETURN 'shared gene' AS evidence, count(DISTINCT g) AS count, collect(DISTINCT g.name)[0..$examples] AS examples
UNION ALL
MATCH (c:Compound {id: $compound})
MATCH (d:Disease {id: $disease})
OPTIONAL MATCH (c)<-[:INCLUDES_PCiC]-(pc)-[:INCLUDES_PCiC]->(other:Compound)-[t]->(d)
WHERE other <> c AND type(t) STARTS WITH 'TREATS'
RETURN 'pharmacologic class shared with a treatment' AS evidence, count(DISTINCT other) AS count,
       collect(DISTINCT pc.name + ': ' + other.name)[0..$examples] AS examples
UNION ALL
MATCH (c:Compound {id: $compound})
MATCH (d:Disease {id: $disease})
OPTIONAL MATCH (c)-[:RESEMBLES_CrC]-(other:Compound)-[t]->(d)
WHERE other <> c AND type(t) STARTS WITH 'TREATS'
RETURN 'similar compound that treats it' AS evidence, count(DISTINCT other) AS count,
       collect(DISTINCT other.name)[0..$examples] AS examples
UNION ALL
MATCH (c:Compound {id: $compound})
MATCH (d:Disease {id: $disease})
OPTIONAL MATCH (c)-[i:INDICATED_IN]->(d)
RETURN 'external indication' AS evidence, count(i) AS count, collect(DISTINCT i.source)[0..$examples] AS examples

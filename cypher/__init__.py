"""Cypher files shipped with the platform: the schema and the query library (package data)."""

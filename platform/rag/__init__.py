"""Graph-RAG question answering: entity linking, retrievers, answer assembly."""

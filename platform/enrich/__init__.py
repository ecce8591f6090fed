"""LLM enrichment and text embeddings of concept nodes (the text half of LLaDR).

``runner`` asks an OpenAI-compatible LLM (through LangChain) for descriptions, with a cache,
retries and answer checks; ``importer`` takes ready descriptions from JSON lines; ``embed``
turns names and descriptions into sentence-transformer vectors on the nodes.
"""

"""Loaders: Hetionet, DRKG, PrimeKG and generic triples into the graph (``platform load``).

Each module reads one format into ``Node``/``Edge`` batches; ``load_dataset`` validates all of
it, then writes it with shared, idempotent Cypher. ``registry()`` maps format names to loaders.
"""

from repurpose.loaders.api import LoadOptions, LoadSummary, load_dataset
from repurpose.loaders.base import Edge, Loader, Node, kind_label, registry, relation_type, treatment_types
from repurpose.loaders.drkg import DrkgLoader
from repurpose.loaders.hetionet import HetionetLoader
from repurpose.loaders.primekg import PrimekgLoader
from repurpose.loaders.triples import TriplesLoader

__all__ = ["DrkgLoader", "Edge", "HetionetLoader", "LoadOptions", "LoadSummary", "Loader", "Node",
           "PrimekgLoader", "TriplesLoader", "kind_label", "load_dataset", "registry", "relation_type",
           "treatment_types"]

"""Knowledge-graph embedding trainers: export, score functions, LLaDR text guidance, GNN encoder,
honest evaluation and saved runs.

Modules, one job each: ``data`` (TripleData), ``export`` (graph -> TripleData), ``split``,
``scores``, ``representations``, ``gnn``, ``model``, ``sampling``, ``metrics``, ``evaluate``,
``train`` (the one ``train()`` entry) and ``runs`` (load a run back).
"""

from repurpose.openmp import prefer_passive_waits

prefer_passive_waits()  # before any trainer module loads torch

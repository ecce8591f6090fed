"""Knowledge-graph embedding trainers: export, score functions, LLaDR text guidance, GNN encoder,
honest evaluation and saved runs.

Modules, one job each: ``data`` (TripleData), ``export`` (graph -> TripleData), ``split``,
``scores``, ``representations``, ``gnn``, ``model``, ``sampling``, ``metrics``, ``evaluate``,
``train`` (the one ``train()`` entry) and ``runs`` (load a run back).
"""

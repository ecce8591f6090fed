"""repurpose: a graph-database-backed knowledge platform for drug repurposing.

The import package is ``repurpose`` (mapped from the ``platform/`` folder); the console command
is ``platform``. Nothing here is importable as ``platform``, which would shadow the stdlib.
"""

__version__ = "0.1.0"

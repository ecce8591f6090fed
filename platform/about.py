"""repurpose: a graph-database-backed knowledge platform for drug repurposing.

The import package is ``repurpose`` (mapped from the ``platform/`` folder); the console command
is ``platform``. Nothing here is importable as ``platform``, which would shadow the stdlib: the ``platform/``
folder deliberately has no ``__init__.py``, so ``repurpose`` is a namespace package and, in the
repository root, ``import platform`` still finds the standard library module.
"""

__version__ = "0.1.0"

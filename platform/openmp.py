"""OpenMP threads that sleep while they wait, unless the user chose otherwise.

Torch's OpenMP runtime spin-waits by default; with more runnable threads than cores (a laptop
running a database beside training, a shared CI box) that collapsed our training loop from
45,000 to 2,200 triples/s on 2 busy cores. ``OMP_WAIT_POLICY=PASSIVE`` kept 46,700/s there.
On idle cores it costs 13% on an AVX2 machine (TransE 72,391 vs 82,946 triples/s with ``ACTIVE``)
and 2.4x on an AVX-512 one (79,341 vs 186,725); set ``OMP_WAIT_POLICY=ACTIVE`` (or a bounded
``GOMP_SPINCOUNT=200000``, which survives light contention) to get that back on a machine you own.
"""

from __future__ import annotations

import os


def prefer_passive_waits() -> None:
    """Set ``OMP_WAIT_POLICY=PASSIVE`` if unset; it only counts before torch loads OpenMP."""
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

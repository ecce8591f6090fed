"""OpenMP threads that sleep while they wait, unless the user chose otherwise.

Torch's OpenMP runtime spin-waits by default; with more runnable threads than cores (a laptop
running a database beside training, a shared CI box) that collapsed our training loop from
45,000 to 2,200 triples/s on 2 busy cores. ``OMP_WAIT_POLICY=PASSIVE`` kept 46,700/s there.
On idle cores it costs about 13% (TransE 72,391 vs 82,946 triples/s with ``ACTIVE``); set
``OMP_WAIT_POLICY=ACTIVE`` to get that back on a machine you own.
"""

from __future__ import annotations

import os


def prefer_passive_waits() -> None:
    """Set ``OMP_WAIT_POLICY=PASSIVE`` if unset; it only counts before torch loads OpenMP."""
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

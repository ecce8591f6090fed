"""Progress bars on standard error, so standard output stays clean for ``--json``."""

from __future__ import annotations

import os
import sys

from tqdm import tqdm


def progress(total: int | None = None, desc: str = "", unit: str = "it", **kwargs: object) -> tqdm:
    """A tqdm bar on stderr with rates; hidden when stderr is not a terminal unless PLATFORM_PROGRESS=1."""
    forced = os.environ.get("PLATFORM_PROGRESS", "").lower() in {"1", "true", "yes"}
    disable = False if forced else None  # None: tqdm hides itself on a non-terminal
    return tqdm(total=total, desc=desc, unit=unit, unit_scale=True, file=sys.stderr, disable=disable,
                dynamic_ncols=True, leave=False, **kwargs)


def note(message: str) -> None:
    """One line on stderr saying what long work starts now (beside the bars, never on stdout)."""
    tqdm.write(message, file=sys.stderr)

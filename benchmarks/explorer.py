"""Page times of ``platform serve`` (the explorer) on a graph with written predictions.

Starts the explorer in-process on a free port against a data directory whose embedded server
holds a graph and at least one written run (e.g. after `platform demo` and
`platform writeback --run RUN --top-k 50 --per both`, 78k edges on full Hetionet), then times
each page over HTTP: the busiest diseases' pages, Alzheimer's disease with 50 and 500 rows, a
compound, one prediction's evidence, the type-ahead, a library query, and the run comparison
of one disease. Medians of ``--repeat`` requests after one untimed request.

Usage: .venv/bin/python benchmarks/explorer.py --data-dir platform-data [--repeat 7] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import threading
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote, urlencode

from repurpose.cli_support import format_table
from repurpose.config import load_settings
from repurpose.explorer import reads
from repurpose.explorer.app import create_server

AD = "Disease::DOID:10652"


def page_seconds(url: str, repeat: int) -> tuple[float, float, int]:
    """(median, max) seconds of ``repeat`` GETs of ``url`` after an untimed one, and the page's bytes."""
    urllib.request.urlopen(url, timeout=120).read()
    times, size = [], 0
    for _ in range(repeat):
        t0 = time.perf_counter()
        with urllib.request.urlopen(url, timeout=120) as response:
            size = len(response.read())
        times.append(time.perf_counter() - t0)
    return statistics.median(times), max(times), size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=Path("platform-data"))
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--json", action="store_true", help="Print one JSON object last.")
    args = parser.parse_args()
    server = create_server(load_settings({"data_dir": str(args.data_dir)}), port=0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        store = server.explorer.store
        run = reads.runs(store)[0]
        pages = [(f"disease {d['name']} ({d['n']} predictions), 50 rows", f"disease/{quote(d['id'], safe='')}")
                 for d in reads.busiest_diseases(store, run["id"], 2)]
        pages += [("disease Alzheimer's disease, 50 rows", f"disease/{quote(AD, safe='')}"),
                  ("disease Alzheimer's disease, 500 rows", f"disease/{quote(AD, safe='')}?limit=500"),
                  ("compound Metformin", "compound/" + quote("Compound::DB00331", safe="")),
                  ("evidence Donepezil x Alzheimer's disease",
                   "api/evidence?" + urlencode({"compound": "Compound::DB00843", "disease": AD})),
                  ("type-ahead 'par'", "api/search?q=par"),
                  ("query page: top_predictions_for_disease",
                   "query?" + urlencode({"query": "top_predictions_for_disease", "p.disease": AD, "exec": "1"})),
                  ("compare runs, one disease", "compare?disease=" + quote(AD))]
        rows = []
        for label, path in pages:
            median, worst, size = page_seconds(server.url + path, args.repeat)
            rows.append({"page": label, "median_ms": round(median * 1000), "max_ms": round(worst * 1000),
                         "kib": size // 1024})
    finally:
        server.shutdown()
        server.server_close()
    report = {"run": run["id"], "run_edges": run.get("edges"), "repeat": args.repeat, "pages": rows,
              "load_average_1min": os.getloadavg()[0], "cores": os.cpu_count()}
    print(format_table(rows, ["page", "median_ms", "max_ms", "kib"]), file=sys.stderr if args.json else sys.stdout)
    print(f"run {run['id']} ({run.get('edges')} edges); 1-minute load average {report['load_average_1min']:.1f} "
          f"on {report['cores']} cores", file=sys.stderr)
    if args.json:
        print(json.dumps(report))


if __name__ == "__main__":
    main()

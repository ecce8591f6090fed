#!/usr/bin/env bash
# Every test, in two passes that run at once, each with a server of its own: all the tests on the
# embedded ArcadeDB, and the graph tests again on Neo4j 5.26 Community (`-m 'graph and not one_server'`).
# Extra arguments go to both pytest runs (e.g. -x). Exits 0 only when both passes pass; pytest's
# exit code 5 ("no tests ran") counts as a failure.
set -uo pipefail
cd "$(dirname "$0")/.."
neo4j_log=$(mktemp)
PLATFORM_TEST_ENGINE=neo4j .venv/bin/pytest -m 'graph and not one_server' "$@" >"$neo4j_log" 2>&1 &
neo4j_pid=$!
# Ctrl-C or a kill stops the Neo4j pass the way pytest stops on Ctrl-C (its server is stopped too).
trap 'kill -INT "$neo4j_pid" 2>/dev/null; wait "$neo4j_pid"; rm -f "$neo4j_log"; exit 130' INT TERM
echo "== ArcadeDB pass (the Neo4j pass runs alongside; its output follows) =="
.venv/bin/pytest "$@"
arcadedb=$?
wait "$neo4j_pid"
neo4j=$?
echo "== Neo4j pass =="
cat "$neo4j_log"
rm -f "$neo4j_log"
echo "ArcadeDB pass: exit $arcadedb; Neo4j pass: exit $neo4j"
[ "$arcadedb" -eq 0 ] && [ "$neo4j" -eq 0 ]

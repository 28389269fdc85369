#!/usr/bin/env bash
# The main job end to end: start the loopback lab of real servers, scan it,
# write the report, stop the lab (whatever happened).
set -euo pipefail
cd "$(dirname "$0")/.."
exposure() { node bin/exposure.js "$@"; }
mkdir -p out
rm -f out/demo.db out/demo.db-wal out/demo.db-shm
trap 'exposure lab stop --dir .lab' EXIT
exposure lab start --dir .lab
exposure scan 127.0.0.2-127.0.0.10 --ports 21,104,445,4242,11112 --db out/demo.db --contact security@example.org
exposure report --db out/demo.db --format md --out out/report.md
exposure report --db out/demo.db --format json --out out/report.json
exposure report --db out/demo.db --format csv --out out/services.csv
echo
echo "report written: out/report.md (also out/report.json, out/services.csv; store: out/demo.db)"

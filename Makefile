# Two commands set up a fresh machine: `make demo` and `make test`.
# Both install what they need first (Debian packages for the lab, npm packages).
SHELL := /bin/bash
NODE_HEADERS := $(wildcard /usr/include/node/node.h)
# better-sqlite3 builds from source here: point node-gyp at the local Node headers
# instead of letting it try to download them.
export npm_config_nodedir := $(if $(NODE_HEADERS),/usr,$(npm_config_nodedir))

.PHONY: deps lab-deps node-deps build demo test typecheck bench clean

deps: lab-deps node-deps

lab-deps:
	@bash scripts/install-lab-deps.sh

node-deps: node_modules/.exposure-installed

node_modules/.exposure-installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

# What users run: compiled JavaScript in dist/ (bin/exposure.js runs it; tsx is for development and tests).
build: dist/cli/main.js

dist/cli/main.js: node_modules/.exposure-installed tsconfig.json tsconfig.build.json $(shell find src -type f)
	npm run build --silent

demo: deps build
	@bash scripts/demo.sh

typecheck: node-deps
	npx tsc -p tsconfig.json

test: deps typecheck
	npm test

bench: deps build
	node --import tsx bench/run.ts

clean:
	rm -rf out .lab dist

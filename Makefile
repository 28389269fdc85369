# Two commands set up a fresh machine: `make demo` and `make test`.
# Both install what they need first (Debian packages for the lab, npm packages).
SHELL := /bin/bash
# A maintained Node line: the machine's when it is 22 or 24, else the one scripts/install-node.sh
# puts in .runtime/node (from the npm registry), first on PATH for every recipe.
export PATH := $(CURDIR)/.runtime/node/bin:$(PATH)

.PHONY: deps lab-deps runtime node-deps build demo test typecheck bench soak fuzz clean

deps: lab-deps node-deps

lab-deps:
	@bash scripts/install-lab-deps.sh

runtime:
	@bash scripts/install-node.sh

# Reinstalls when the lock file or the Node ABI changed (better-sqlite3 is native).
node-deps: runtime
	@bash scripts/install-node-deps.sh

# What users run: compiled JavaScript in dist/ (bin/exposure.js runs it; tsx is for development and tests).
build: node-deps dist/cli/main.js

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

# One scanner process for SOAK_MINUTES over a mixed fleet and the hostile peers: are its RSS and open files flat?
SOAK_MINUTES ?= 10
soak: deps build
	node --import tsx bench/soak.ts --minutes $(SOAK_MINUTES)

# Every decoder fuzzed for a fixed time (about 13 minutes in all); findings go to fuzz/crashes/.
fuzz: deps build
	node --import tsx test/fuzz/run.ts

clean:
	rm -rf out .lab dist

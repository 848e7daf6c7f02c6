# One entry point for people and CI. `make test` is what CI runs (.ci/run); `make run` starts the gateway.
SHELL := /bin/bash
NPM ?= npm

.PHONY: all install build test test-gc bench clean
all: build

# Installs the pinned toolchain once (postinstall applies patches/ with patch-package).
node_modules/.installed: package.json package-lock.json patches/*.patch
	$(NPM) ci --no-audit --no-fund
	touch $@
install: node_modules/.installed

build: install
	node scripts/build.mjs

test: build
	npx vitest run

# The plugins' tests against modules that garbage-collect on every return to the host (README.md, "How
# it is built"): a reference the collector cannot see fails a test here instead of corrupting memory in
# production. Rebuilds the normal modules afterwards.
test-gc: install
	node scripts/build.mjs --gc-every-call
	npx vitest run plugins/ test/; status=$$?; node scripts/build.mjs; exit $$status

# Per-request cost against the measured floors (bench/README.md), then gateway throughput and p99 with
# the full chain against no filters (gateway/README.md; needs wrk).
bench: build
	npx tsx bench/run.ts
	node --import tsx gateway/bench/run.ts --concurrency $(WORKERS)

clean:
	rm -rf build bench/results

# The local gateway: make run | bench-gateway (see gateway/README.md).
include gateway/gateway.mk

# Packaging and deployment: make image | push | manifests (see tools/oci/README.md).
include tools/oci/oci.mk

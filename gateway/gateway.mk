# Local gateway targets; the top-level Makefile includes this file.
#   make run                          gateway on envoy/envoy.yaml + mock OpenAI provider + walkthrough
#   make run CONFIG=my.yaml WORKERS=4 any bootstrap in the supported subset, 4 workers (VMs per plugin)
#   OPENAI_API_KEY=sk-... make run    the openai cluster goes to api.openai.com instead of the mock
#   make bench-gateway                throughput and p99: full chain vs. no filters (wrk on 127.0.0.1)
CONFIG ?= envoy/envoy.yaml
WORKERS ?= 2

.PHONY: run bench-gateway
run: build
	node --import tsx gateway/cli.ts run -c $(CONFIG) --concurrency $(WORKERS)

bench-gateway: build
	node --import tsx gateway/bench/run.ts --concurrency $(WORKERS)

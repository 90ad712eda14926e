# zhengce: full-text search over 《高等职业教育动态》.
GO      ?= go
BIN     := bin/zhengce
INDEX   ?= data/index
CORPUS  ?= corpus
QUERY   ?= 技能人才评价
ADDR    ?= 127.0.0.1:8080

.PHONY: build run index search test race fuzz vet fmt bench clean

build:
	$(GO) build -o $(BIN) ./cmd/zhengce

# Build, index the corpus if the index is missing or older than any issue or
# data file, and serve it on http://$(ADDR)/.
run: build $(INDEX)/index_meta.json
	$(BIN) serve -addr $(ADDR) -index $(INDEX) -corpus $(CORPUS)

# bleve writes index_meta.json when it creates an index; through the symlink
# it dates the live generation.
$(INDEX)/index_meta.json: $(wildcard $(CORPUS)/*.txt $(CORPUS)/*.docx $(CORPUS)/data/*)
	$(MAKE) index

index: build
	$(BIN) index -corpus $(CORPUS) -index $(INDEX)

search: build
	$(BIN) search -index $(INDEX) $(QUERY)

test:
	$(GO) vet ./...
	@unformatted=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	  if [ -n "$$unformatted" ]; then echo "gofmt needed: $$unformatted"; exit 1; fi
	$(GO) test -count=1 ./...

# The server and command tests under the race detector: many searches while
# add, remove and bulk re-index swap the index under a running server.
race:
	$(GO) test -race -count=1 ./web/ ./cmd/...

# Every fuzz target in turn for FUZZTIME each: a duration (10m for a real
# session) or a count of executions (3000x). CI uses a count: Go 1.26's fuzz
# coordinator can fail a duration run with "context deadline exceeded" at the
# deadline on a loaded machine (golang/go#75804), a count has no deadline.
# Inputs that fail are saved under the package's testdata/fuzz and replayed
# by `make test` from then on.
FUZZTIME ?= 15s
FUZZ_TARGETS := ./indexer/parser:FuzzParse ./indexer/docx:FuzzParagraphs \
	./indexer/docx:FuzzDocumentXML ./indexer/analysis/tokenizer/gse:FuzzTokenize \
	./indexer/analysis/cjkfilter:FuzzAsBleveChain ./search:FuzzParseQuery
fuzz:
	@set -e; for t in $(FUZZ_TARGETS); do \
	  pkg=$${t%%:*}; name=$${t##*:}; echo "fuzz $$name ($$pkg) for $(FUZZTIME)"; \
	  $(GO) test -run '^$$' -fuzz "^$$name\$$" -fuzztime $(FUZZTIME) -fuzzminimizetime 3s $$pkg; \
	done

# Benchmarks, then one table of all their figures (cmd/benchtable): ours
# beside the baseline measured in the same run, and the targets.
#   - analysis: the tokenizer (ours vs gse's own Segment) and the fused CJK
#     filters (vs bleve's chain), at the default benchtime;
#   - indexing: bulk indexing of ~20,000 passages, ours vs bleve's cjk analyzer
#     in the same run (BenchmarkIndex), a whole build of 876 issues (parse,
#     link, analyse, write: BenchmarkBuildFiles) and adding one issue to an
#     index of 100 against re-indexing all 101 (AddOneIssue), each op a few
#     seconds, so a fixed number of ops;
#   - search: p50/p99 latency by class of query, and the index's size on disk,
#     on generated corpora of each size in BENCH_PASSAGES (BenchmarkSearch);
#   - the server: the most requests/s it answers and their latency, alone and
#     during a re-index, at BENCH_LOAD_PASSAGES (BenchmarkLoad); its memory at
#     BENCH_MEMORY_PASSAGES (BenchmarkServeMemory); /api/search latency over
#     HTTP on the test corpus and on 100 copies of it (BenchmarkAPISearch);
#   - the binary: one `zhengce search` end to end (CLISearch), and add against
#     re-index (IndexAndAdd).
# The output goes to the terminal and to BENCH_OUT (emptied first); any
# failing benchmark fails make. `go run ./cmd/benchtable $(BENCH_OUT)` prints
# the table again. The first run builds the generated indexes, the
# 1M-passage one in about 20 minutes (hence -timeout 0); they are cached in
# $TMPDIR for the next runs. A quick run, on small corpora only:
#   make bench BENCH_PASSAGES=10000 BENCH_MEMORY_PASSAGES=10000 BENCH_LOAD_PASSAGES=10000
BENCH_PASSAGES        ?= 10000,100000,1000000
BENCH_LOAD_PASSAGES   ?= 100000
BENCH_MEMORY_PASSAGES ?= 1000000
BENCH_OUT             ?= bench.txt
# bash for pipefail: a benchmark's failure is not hidden by the tee after it.
bench: SHELL := /bin/bash
bench: .SHELLFLAGS := -o pipefail -ec
bench:
	: > $(BENCH_OUT)
	$(GO) test -run '^$$' -bench . -benchmem $$($(GO) list ./indexer/... | grep -vx zhengce/indexer) 2>&1 | tee -a $(BENCH_OUT)
	$(GO) test -run '^$$' -bench 'Index$$|BuildFiles' -benchtime 3x ./indexer/ 2>&1 | tee -a $(BENCH_OUT)
	$(GO) test -run '^$$' -bench AddOneIssue -benchtime 3x ./indexer/ 2>&1 | tee -a $(BENCH_OUT)
	$(GO) test ./search/ -run '^$$' -bench 'Search$$' -benchtime 100x -timeout 0 -passages $(BENCH_PASSAGES) 2>&1 | tee -a $(BENCH_OUT)
	$(GO) test ./web/e2e/ -run '^$$' -bench 'Load|ServeMemory' -benchtime 1x -timeout 0 \
	  -load-passages $(BENCH_LOAD_PASSAGES) -memory-passages $(BENCH_MEMORY_PASSAGES) 2>&1 | tee -a $(BENCH_OUT)
	$(GO) test ./web/e2e/ -run '^$$' -bench APISearch -benchtime 2000x 2>&1 | tee -a $(BENCH_OUT)
	$(GO) test ./cmd/zhengce/ -run '^$$' -bench CLISearch -benchtime 5x 2>&1 | tee -a $(BENCH_OUT)
	$(GO) test ./cmd/zhengce/ -run '^$$' -bench IndexAndAdd -benchtime 3x 2>&1 | tee -a $(BENCH_OUT)
	@echo
	$(GO) run ./cmd/benchtable $(BENCH_OUT)

fmt:
	gofmt -w $$(git ls-files '*.go')

clean:
	rm -rf bin data

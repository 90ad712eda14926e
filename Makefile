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
	./search:FuzzParseQuery
fuzz:
	@set -e; for t in $(FUZZ_TARGETS); do \
	  pkg=$${t%%:*}; name=$${t##*:}; echo "fuzz $$name ($$pkg) for $(FUZZTIME)"; \
	  $(GO) test -run '^$$' -fuzz "^$$name\$$" -fuzztime $(FUZZTIME) -fuzzminimizetime 3s $$pkg; \
	done

# Benchmarks: the tokenizer (ours vs gse's own Segment) and the fused CJK
# filters (vs bleve's chain); bulk indexing of ~20,000 passages, ours vs
# bleve's cjk analyzer in the same run (BenchmarkIndex: passages/s of each and
# x-cjk-time, ours' time over the baseline's) and a whole build of 876 issues
# (BenchmarkBuildFiles: parse, link, analyse, write; passages/s), each op a
# few seconds, so they run a fixed number of ops; /api/search latency p50/p99
# on the test corpus and on 100 copies of it (BenchmarkAPISearch); adding one
# issue to an index of 100 against re-indexing all 101, in one process
# (AddOneIssue) and through the built binary (IndexAndAdd).
bench:
	$(GO) test -run '^$$' -bench . -benchmem $$($(GO) list ./indexer/... | grep -vx zhengce/indexer)
	$(GO) test -run '^$$' -bench 'Index$$|BuildFiles' -benchtime 3x ./indexer/
	$(GO) test -run '^$$' -bench AddOneIssue -benchtime 3x ./indexer/
	$(GO) test -run '^$$' -bench IndexAndAdd -benchtime 3x ./cmd/zhengce/
	$(GO) test -run '^$$' -bench APISearch -benchtime 2000x ./web/e2e/

fmt:
	gofmt -w $$(git ls-files '*.go')

clean:
	rm -rf bin data

# zhengce: full-text search over 《高等职业教育动态》.
GO      ?= go
BIN     := bin/zhengce
INDEX   ?= data/index
CORPUS  ?= corpus
QUERY   ?= 技能人才评价
ADDR    ?= 127.0.0.1:8080

.PHONY: build run index search test fuzz vet fmt bench clean

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

# Every fuzz target in turn for FUZZTIME each (CI runs them briefly; run
# `make fuzz FUZZTIME=10m` for a real session). Inputs that fail are saved
# under the package's testdata/fuzz and replayed by `make test` from then on.
FUZZTIME ?= 15s
FUZZ_TARGETS := ./indexer/parser:FuzzParse ./indexer/docx:FuzzParagraphs \
	./indexer/docx:FuzzDocumentXML ./indexer/analysis/tokenizer/gse:FuzzTokenize \
	./search:FuzzParseQuery
fuzz:
	@set -e; for t in $(FUZZ_TARGETS); do \
	  pkg=$${t%%:*}; name=$${t##*:}; echo "fuzz $$name ($$pkg) for $(FUZZTIME)"; \
	  $(GO) test -run '^$$' -fuzz "^$$name\$$" -fuzztime $(FUZZTIME) -fuzzminimizetime 3s $$pkg; \
	done

# Benchmarks: the tokenizer (ours vs gse's own Segment), bulk indexing (ours
# vs bleve's cjk analyzer, BenchmarkIndex; one op is ~2,000 passages, about a
# second, so it runs a fixed number of ops) and /api/search latency p50/p99 on
# the test corpus and on 100 copies of it (BenchmarkAPISearch); adding one
# issue to an index of 100 against re-indexing all 101, in one process
# (AddOneIssue) and through the built binary (IndexAndAdd).
bench:
	$(GO) test -run '^$$' -bench . -benchmem $$($(GO) list ./indexer/... | grep -vx zhengce/indexer)
	$(GO) test -run '^$$' -bench . -benchmem -benchtime 5x ./indexer/
	$(GO) test -run '^$$' -bench AddOneIssue -benchtime 3x ./indexer/
	$(GO) test -run '^$$' -bench IndexAndAdd -benchtime 3x ./cmd/zhengce/
	$(GO) test -run '^$$' -bench APISearch -benchtime 2000x ./web/e2e/

fmt:
	gofmt -w $$(git ls-files '*.go')

clean:
	rm -rf bin data

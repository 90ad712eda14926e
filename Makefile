# zhengce: full-text search over 《高等职业教育动态》.
GO      ?= go
BIN     := bin/zhengce
INDEX   ?= data/index
CORPUS  ?= corpus
QUERY   ?= 技能人才评价

.PHONY: build run index search test vet fmt bench clean

build:
	$(GO) build -o $(BIN) ./cmd/zhengce

# Index the shipped corpus and run a sample search. (The web server will take
# this target's place.)
run: build
	$(BIN) index -corpus $(CORPUS) -index $(INDEX)
	$(BIN) search -index $(INDEX) $(QUERY)

index: build
	$(BIN) index -corpus $(CORPUS) -index $(INDEX)

test:
	$(GO) vet ./...
	@unformatted=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	  if [ -n "$$unformatted" ]; then echo "gofmt needed: $$unformatted"; exit 1; fi
	$(GO) test -count=1 ./...

# Benchmarks: the tokenizer (ours vs gse's own Segment) and bulk indexing
# (ours vs bleve's cjk analyzer, BenchmarkIndex). One indexing op is ~2,000
# passages (about a second), so it runs a fixed number of ops.
bench:
	$(GO) test -run '^$$' -bench . -benchmem $$($(GO) list ./indexer/... | grep -vx zhengce/indexer)
	$(GO) test -run '^$$' -bench . -benchmem -benchtime 5x ./indexer/

fmt:
	gofmt -w $$(git ls-files '*.go')

clean:
	rm -rf bin data

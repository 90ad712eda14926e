package search

import (
	"context"
	"flag"
	"fmt"
	"io/fs"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"zhengce/indexer"
	"zhengce/search/benchindex"
)

var (
	benchSizes = flag.String("passages", "10000,100000",
		"BenchmarkSearch's corpus sizes in passages, comma-separated (each built once and cached under $TMPDIR)")
	benchCorpus = flag.String("corpus", "gen",
		"BenchmarkSearch's corpus: gen (synthetic issues recombined from the six test issues by package gen, about 100 passages each) or copies (of the six issues)")
)

var benchCache = flag.Bool("cache", false,
	"BenchmarkSearch keeps the matches of its queries (the hit cache a Searcher has) instead of matching every request afresh")

var benchQuery = flag.String("query", "", "BenchmarkSearch runs this query alone (class adhoc) instead of the mix")

// benchClasses is the query mix of BenchmarkSearch, by kind of request.
// Every value exists in the six issues, so each request has hits at every
// size.
type benchClass struct {
	name string
	reqs []Request
}

var benchClasses = []benchClass{
	{"single", []Request{{Query: "托育"}, {Query: "助学金"}, {Query: "审计"}, {Query: "技能"}}},
	{"multi", []Request{{Query: "婴幼儿照护 个人所得税"}, {Query: "人社部 助学金"}, {Query: "产教融合 职普融通"}}},
	{"phrase", []Request{{Query: `"普惠托育"`}}},
	{"facets", []Request{
		{Query: "技能人才评价", Bodies: []string{"中共中央"}, Areas: []string{"科技、教育"}},
		{Query: "助学金", Bodies: []string{"教育部"}, Kinds: []string{"正文"}},
		{Query: "托育", Areas: []string{"人口与计划生育、妇女儿童工作"}, DocTypes: []string{"若干措施"}},
	}},
	{"browse", []Request{{Bodies: []string{"国务院办公厅"}, Areas: []string{"人口与计划生育、妇女儿童工作"}}}},
	// A topic page: the topic (its issues and passage count), then its
	// passages.
	{"topic", []Request{{Topic: "技能人才评价体系研究"}}},
}

// benchSearcher is an index opened once per test binary for a corpus.
type benchSearcher struct {
	once  sync.Once
	s     *Searcher
	built *benchindex.Built
	warm  time.Duration // Searcher.Warm
	// warmBytes is the memory the columns take.
	warmBytes int64
	err       error
}

var (
	benchMu        sync.Mutex
	benchSearchers = map[string]*benchSearcher{} // by corpus
	benchOpen      []*indexer.Index              // closed by TestMain
)

// benchSeed is the seed of the generated corpora.
const benchSeed = 1

// openBench opens the corpus of about n passages, building it first when
// no earlier run left it in the cache.
func openBench(b *testing.B, n int) *benchSearcher {
	key := fmt.Sprintf("%s %d", *benchCorpus, n)
	benchMu.Lock()
	bs, ok := benchSearchers[key]
	if !ok {
		bs = &benchSearcher{}
		benchSearchers[key] = bs
	}
	benchMu.Unlock()
	bs.once.Do(func() {
		progress := func(s string) { b.Logf("building the index of %s: %s", key, s) }
		switch *benchCorpus {
		case "gen":
			bs.built, bs.err = benchindex.Generated("..", max(1, n/benchindex.PassagesPerIssue), benchSeed, progress)
		case "copies":
			bs.built, bs.err = benchindex.Copies("..", max(1, (n+benchindex.PassagesPerCopy/2)/benchindex.PassagesPerCopy), progress)
		default:
			bs.err = fmt.Errorf("-corpus %q: want gen or copies", *benchCorpus)
		}
		if bs.err != nil {
			return
		}
		idx, err := indexer.Open(bs.built.Index)
		if err != nil {
			bs.err = err
			return
		}
		benchMu.Lock()
		benchOpen = append(benchOpen, idx)
		benchMu.Unlock()
		aliases, err := idx.Aliases()
		if err != nil {
			bs.err = err
			return
		}
		bs.s = New(idx, aliases)
		if !*benchCache {
			disableHitCache(bs.s)
		}
		start := time.Now()
		if bs.err = bs.s.Warm(context.Background()); bs.err == nil {
			bs.warm = time.Since(start)
			if c := bs.s.columns(); c != nil {
				bs.warmBytes = c.size()
			}
		}
	})
	if bs.err != nil {
		b.Fatal(bs.err)
	}
	return bs
}

func closeBenchIndexes() {
	for _, idx := range benchOpen {
		idx.Close()
	}
}

// BenchmarkSearch measures Searcher.Search, facets included, on a corpus
// of each -passages size (-corpus: synthetic issues from package gen, or
// copies of the six test issues), by class of request (single words,
// several words, a phrase, a query with two facet filters, filters without
// a query, a topic page), and reports each class's median and 99th
// percentile latency and its CPU time per request; -v adds each request's
// figures and hits:
//
//	go test ./search/ -run '^$' -bench 'Search$' -benchtime 100x
//	go test ./search/ -run '^$' -bench 'Search$' -benchtime 20x -passages 1000000 -v
//	go test ./search/ -run '^$' -bench 'Search$' -benchtime 20x -query '人社部 助学金'
//
// (The package comes before the benchmark's own flags.) Every request is
// matched afresh: the Searcher's hit cache, which answers a query again from
// its matches (another facet ticked, another page), is off unless -cache.
// The first run at a size builds its index and keeps it under $TMPDIR for
// the next runs (ZHENGCE_BENCH_REBUILD=1 rebuilds it).
func BenchmarkSearch(b *testing.B) {
	for _, field := range strings.Split(*benchSizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(field))
		if err != nil || n < 1 {
			b.Fatalf("-passages: %q is not a number of passages", field)
		}
		b.Run(*benchCorpus+"="+size(n), func(b *testing.B) {
			bs := openBench(b, n)
			b.Logf("corpus: %d issues, %d passages (index built in %.0f s%s; warmed in %.0f ms, %.1f MB)", bs.built.Issues, bs.built.Passages,
				bs.built.Build.Seconds(), map[bool]string{true: ", cached"}[bs.built.Cached], ms(bs.warm), float64(bs.warmBytes)/(1<<20))
			// The index's size on disk and what opening it costs, reported
			// as a benchmark of its own so the figures sit beside the
			// latencies in the output.
			b.Run("disk", func(b *testing.B) {
				bytes, err := diskUsage(bs.built.Index)
				if err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(float64(bytes)/(1<<20), "index-MB")
				b.ReportMetric(float64(bs.built.Passages), "passages")
				b.ReportMetric(ms(bs.warm), "warm-ms")
				b.ReportMetric(float64(bs.warmBytes)/(1<<20), "columns-MB")
				b.ReportMetric(0, "ns/op")
			})
			classes := benchClasses
			if *benchQuery != "" {
				classes = []benchClass{{"adhoc", []Request{{Query: *benchQuery}}}}
			}
			for _, c := range classes {
				b.Run(c.name, func(b *testing.B) {
					ctx := context.Background()
					// One round first: warms the caches and checks that
					// every request finds passages and counts facets.
					for _, req := range c.reqs {
						res, err := bs.s.Search(ctx, req)
						if err != nil {
							b.Fatal(err)
						}
						if res.Total == 0 || len(res.Facets) == 0 {
							b.Fatalf("%+v: %d hits, %d facets: want some of each", req, res.Total, len(res.Facets))
						}
					}
					totals := make([]uint64, len(c.reqs))
					for i, req := range c.reqs {
						res, _ := bs.s.Search(ctx, req)
						totals[i] = res.Total
					}
					lat := make([]time.Duration, b.N)
					cpu := cpuTime()
					b.ResetTimer()
					for i := range b.N {
						start := time.Now()
						req := c.reqs[i%len(c.reqs)]
						if req.Topic != "" {
							// As a topic page does.
							if _, err := bs.s.Topic(ctx, req.Topic); err != nil {
								b.Fatal(err)
							}
						}
						if _, err := bs.s.Search(ctx, req); err != nil {
							b.Fatal(err)
						}
						lat[i] = time.Since(start)
					}
					b.StopTimer()
					// CPU time per request: on a shared machine the
					// latencies include waiting for a core, this does not.
					b.ReportMetric(ms(cpuTime()-cpu)/float64(b.N), "cpu-ms/op")
					// With -v, each request's own figures and hits.
					if testing.Verbose() && b.N >= 10*len(c.reqs) {
						for i, req := range c.reqs {
							var ds []time.Duration
							for j := i; j < len(lat); j += len(c.reqs) {
								ds = append(ds, lat[j])
							}
							slices.Sort(ds)
							b.Logf("p50 %7.2f ms  p99 %7.2f ms  %7d hits  %s", ms(percentile(ds, 50)), ms(percentile(ds, 99)), totals[i], describeRequest(req))
						}
					}
					reportLatency(b, lat)
				})
			}
		})
	}
}

// describeRequest writes a request's query and filters short.
func describeRequest(r Request) string {
	var parts []string
	if r.Query != "" {
		parts = append(parts, "q="+r.Query)
	}
	if r.Topic != "" {
		parts = append(parts, "topic="+r.Topic)
	}
	for _, f := range []struct {
		name   string
		values []string
	}{{"body", r.Bodies}, {"area", r.Areas}, {"direction", r.Directions}, {"doc_type", r.DocTypes}, {"kind", r.Kinds}} {
		for _, v := range f.values {
			parts = append(parts, f.name+"="+v)
		}
	}
	return strings.Join(parts, " ")
}

// reportLatency reports the median and the 99th percentile of lat.
func reportLatency(b *testing.B, lat []time.Duration) {
	slices.Sort(lat)
	b.ReportMetric(ms(percentile(lat, 50)), "p50-ms")
	b.ReportMetric(ms(percentile(lat, 99)), "p99-ms")
	b.ReportMetric(0, "ns/op") // the mean says little next to these
}

// percentile returns the p-th percentile of sorted latencies (nearest rank).
func percentile(sorted []time.Duration, p int) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := (len(sorted)*p + 99) / 100 // ceil(n·p/100), the nearest rank
	return sorted[max(i-1, 0)]
}

// cpuTime returns the CPU time the process has used, user and system.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// size writes a number of passages short: 10k, 100k, 1.0M.
func size(n int) string {
	switch {
	case n >= 1_000_000:
		return fmt.Sprintf("%.1fM", float64(n)/1e6)
	case n >= 1000:
		return fmt.Sprintf("%.0fk", float64(n)/1000)
	}
	return strconv.Itoa(n)
}

// diskUsage adds up the sizes of the files under the index path (a
// generation's symlink is followed to the generation it names).
func diskUsage(index string) (int64, error) {
	dir, err := filepath.EvalSymlinks(index)
	if err != nil {
		return 0, err
	}
	var total int64
	err = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		total += info.Size()
		return nil
	})
	return total, err
}

package e2e

import (
	"context"
	"encoding/json"
	"flag"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"zhengce/indexer"
	"zhengce/search"
	"zhengce/search/benchindex"
	"zhengce/web"
)

var benchCopies = flag.Int("copies", 100, "copies of the six issues in BenchmarkAPISearch's large corpus")

// benchQueries is the fixed mix of /api/search requests the benchmark cycles
// through: single words, several words, a phrase, queries narrowed by two
// facets, and a browse by two facets without a query. Every value exists in
// the six issues, so each request has hits on both corpora.
var benchQueries = []url.Values{
	{"q": {"托育"}},
	{"q": {"助学金"}},
	{"q": {"审计"}},
	{"q": {"婴幼儿照护 个人所得税"}},
	{"q": {"人社部 助学金"}},
	{"q": {`"普惠托育"`}},
	{"q": {"技能人才评价"}, "body": {"中共中央"}, "area": {"科技、教育"}},
	{"q": {"助学金"}, "body": {"教育部"}, "kind": {"正文"}},
	{"q": {"托育"}, "area": {"人口与计划生育、妇女儿童工作"}, "doc_type": {"若干措施"}},
	{"body": {"国务院办公厅"}, "area": {"人口与计划生育、妇女儿童工作"}},
}

// benchIndex is an index opened once per process for a corpus size.
type benchIndex struct {
	once     sync.Once
	searcher *search.Searcher
	built    *benchindex.Built
	err      error
}

var (
	benchMu      sync.Mutex
	benchIndexes = map[int]*benchIndex{} // by copies
	benchOpen    []*indexer.Index        // closed by TestMain
)

// TestMain closes the benchmark's indexes, which outlive any one benchmark
// run (b.Run calls a benchmark function several times).
func TestMain(m *testing.M) {
	code := m.Run()
	for _, idx := range benchOpen {
		idx.Close()
	}
	os.Exit(code)
}

// openBenchIndex opens the index of copies × the six issues; copies 1 is
// the six issues as shipped. The index is built by the first run that needs
// it and kept under the temporary directory for the next (see package
// benchindex); the Searcher is warmed, as a server warms it before serving.
func openBenchIndex(b *testing.B, copies int) *benchIndex {
	benchMu.Lock()
	bi, ok := benchIndexes[copies]
	if !ok {
		bi = &benchIndex{}
		benchIndexes[copies] = bi
	}
	benchMu.Unlock()
	bi.once.Do(func() {
		bi.built, bi.err = benchindex.Copies(repoRoot, copies, nil)
		if bi.err != nil {
			return
		}
		idx, err := indexer.Open(bi.built.Index)
		if err != nil {
			bi.err = err
			return
		}
		benchMu.Lock()
		benchOpen = append(benchOpen, idx)
		benchMu.Unlock()
		aliases, err := idx.Aliases()
		if err != nil {
			bi.err = err
			return
		}
		bi.searcher = search.New(idx, aliases)
		bi.err = bi.searcher.Warm(context.Background())
	})
	if bi.err != nil {
		b.Fatal(bi.err)
	}
	return bi
}

// BenchmarkAPISearch measures /api/search over HTTP, facets included, on the
// shipped corpus with the fixtures (6 issues) and on -copies times that, and
// reports the latency's median and 99th percentile:
//
//	go test -run '^$' -bench APISearch -benchtime 2000x ./web/e2e/
func BenchmarkAPISearch(b *testing.B) {
	for _, c := range []struct {
		name   string
		copies int
	}{
		{"issues=6", 1},
		{"issues=" + strconv.Itoa(6**benchCopies), *benchCopies},
	} {
		b.Run(c.name, func(b *testing.B) {
			bi := openBenchIndex(b, c.copies)
			if b.N > 1 {
				b.Logf("corpus: %d issues, %d passages (index built in %.1f s%s)", bi.built.Issues, bi.built.Passages,
					bi.built.Build.Seconds(), map[bool]string{true: ", cached"}[bi.built.Cached])
			}
			srv := httptest.NewServer(web.New(web.Config{}, bi.searcher).Handler())
			defer srv.Close()
			client := srv.Client()
			urls := make([]string, len(benchQueries))
			for i, q := range benchQueries {
				urls[i] = srv.URL + "/api/search?" + q.Encode()
			}
			// One round first: warms the caches and checks that every
			// query finds passages and counts facets.
			for _, u := range urls {
				var res struct {
					Total  uint64                     `json:"total"`
					Facets map[string]json.RawMessage `json:"facets"`
				}
				if err := json.Unmarshal(get(b, client, u), &res); err != nil {
					b.Fatalf("%s: %v", u, err)
				}
				if res.Total == 0 || len(res.Facets) == 0 {
					b.Fatalf("%s: %d hits, %d facets: want some of each", u, res.Total, len(res.Facets))
				}
			}

			lat := make([]time.Duration, b.N)
			byQuery := make([][]time.Duration, len(urls))
			b.ResetTimer()
			for i := range b.N {
				start := time.Now()
				get(b, client, urls[i%len(urls)])
				lat[i] = time.Since(start)
			}
			b.StopTimer()
			for i, d := range lat {
				byQuery[i%len(urls)] = append(byQuery[i%len(urls)], d)
			}
			slices.Sort(lat)
			b.ReportMetric(ms(percentile(lat, 50)), "p50-ms")
			b.ReportMetric(ms(percentile(lat, 99)), "p99-ms")
			// With -v, each query's own figures (go test keeps only ten
			// lines of a benchmark's log without it).
			if testing.Verbose() && b.N >= 10*len(urls) {
				for i, ds := range byQuery {
					slices.Sort(ds)
					b.Logf("p50 %6.2f ms  p99 %6.2f ms  %s", ms(percentile(ds, 50)), ms(percentile(ds, 99)), label(benchQueries[i]))
				}
			}
		})
	}
}

// get fetches u, reads the body to the end and fails unless the status is
// 200.
func get(b *testing.B, client *http.Client, u string) []byte {
	resp, err := client.Get(u)
	if err != nil {
		b.Fatal(err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		b.Fatalf("%s: reading the answer: %v", u, err)
	}
	if resp.StatusCode != http.StatusOK {
		b.Fatalf("%s: status %d: %s", u, resp.StatusCode, body)
	}
	return body
}

// percentile returns the p-th percentile of sorted latencies (nearest rank).
func percentile(sorted []time.Duration, p int) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := (len(sorted)*p + 99) / 100 // ceil(n·p/100), the nearest rank
	return sorted[max(i-1, 0)]
}

// label writes a query's parameters readably: q=托育 body=教育部.
func label(v url.Values) string {
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(v)) {
		for _, s := range v[k] {
			parts = append(parts, k+"="+s)
		}
	}
	if i := slices.IndexFunc(parts, func(s string) bool { return strings.HasPrefix(s, "q=") }); i > 0 {
		parts = append(append([]string{parts[i]}, parts[:i]...), parts[i+1:]...)
	}
	return strings.Join(parts, " ")
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	"unicode"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"zhengce/indexer/gen"
	"zhengce/indexer/parser"
	"zhengce/search/benchindex"
)

var (
	loadSizes = flag.String("load-passages", "100000",
		"BenchmarkLoad's corpus sizes in passages, comma-separated (generated corpora, each built once and cached under $TMPDIR)")
	memorySizes = flag.String("memory-passages", "1000000",
		"BenchmarkServeMemory's corpus sizes in passages, comma-separated")
	loadP99 = flag.Duration("load-p99", 100*time.Millisecond,
		"BenchmarkLoad: the highest 99th percentile latency a sweep step may have to pass")
	memoryRun = flag.Duration("memory-run", 20*time.Second,
		"BenchmarkServeMemory: how long to send the request pool, one request at a time, at most (it stops at the pool's end)")
	reindexNice = flag.Int("reindex-nice", 10,
		"BenchmarkLoad: the re-index's -nice (10, zhengce index's default; 0: at the server's priority)")
	loadStart = flag.Int("load-start", 10, "BenchmarkLoad: the request rate of the sweep's first step, per second")
	loadStep  = flag.Duration("load-step", 3*time.Second,
		"BenchmarkLoad: the shortest sweep step (a step lasts long enough for 200 requests)")
)

const (
	// loadSeed is the seed of the generated corpora, BenchmarkSearch's, so
	// that both use the same cached indexes.
	loadSeed = 1
	// poolSeed draws the request pool.
	poolSeed = 1
	// poolSize is how many requests the pool holds; a sweep cycles through
	// them in order.
	poolSize = 10000
	// stepRequests is how many requests a sweep step sends at least (a
	// step at 1 request a second lasts 200 s).
	stepRequests = 200
	// bisections is how many steps the sweep takes between the last rate
	// that passed and the first that failed.
	bisections = 3
	// minThroughput is the share of the offered rate the answers must
	// keep up with.
	minThroughput = 0.95
	// maxInFlight bounds the requests the load generator has open at once.
	maxInFlight = 1000
)

// BenchmarkLoad drives the built `zhengce serve` over loopback HTTP with an
// open-loop load of /api/search requests (vegeta: requests leave at a
// constant rate whether or not earlier ones are answered, so a slow server
// cannot slow the load down and hide its latency) and finds, for each
// -load-passages size (generated corpora, gen=10k, gen=100k, gen=1.0M, seed
// 1: the indexes BenchmarkSearch uses), the highest request rate the server
// sustains: p99 under -load-p99 (100 ms), no error, and answers keeping up
// with at least 95 % of the offered rate. One iteration is the whole sweep:
// run it with -benchtime 1x, -v to see every step, and a -timeout that
// allows it (about 2 minutes at 10k passages, 7 at 100k):
//
//	go test -run '^$' -bench Load -benchtime 1x -timeout 0 -v ./web/e2e/ -load-passages 10000
//	go test -run '^$' -bench Load -benchtime 1x -timeout 0 -v ./web/e2e/ -load-passages 100000
//
// For each size it serves a private copy of the cached index (its segment
// files hard-linked, laid out as `zhengce index` leaves it: index →
// index.g000001) with `zhengce serve -watch 1s`, and sweeps twice, as two
// sub-benchmarks on the same server:
//
//   - alone (gen=100k/alone): the server and the load generator only;
//   - reindex (gen=100k/reindex): while `zhengce index` (at its default
//     -nice 10, or -reindex-nice) rebuilds the same
//     corpus (generated again with the same seed: byte for byte the files
//     the index was built from) into that index path over and over, so that
//     the server keeps opening, warming and swapping in new generations.
//
// A sweep starts at -load-start (10) requests a second and doubles the rate
// until a step fails, then bisects three times between the last rate that
// passed and the first that failed; the lowest rate it tries is 1 a second.
// A step lasts -load-step (3 s) or long enough for 200 requests. Each step
// is logged: offered, sent and answered rate, p50, p99, max, errors,
// generation swaps during it, and its three slowest requests. Reported for
// each phase: max-rps, and p50-ms and p99-ms at that rate (when no rate
// passed: max-rps 0, and the latencies at the lowest rate tried); for
// reindex, reindexes, the re-index runs that completed during the sweep;
// and the server's peak-rss-MB (VmHWM) and rss-MB (VmRSS) at the end of the
// phase, from /proc/<pid>/status (RssAnon and RssFile are logged).
//
// Every answer must be a 200 whose body is JSON with a total; the one
// exception is the 503 a server over its capacity answers when no search
// slot frees within 250 ms ("too many searches at once"): that fails the
// step, as a rate too high. Anything else (another status, a 503 for another
// reason, a transport error, a body that is not the JSON of a result) fails
// the benchmark, naming the size and phase. After the reindex sweep,
// /healthz must name a newer generation than at the start, with as many
// passages.
//
// The requests (loadPool) are a researcher's, drawn with a fixed seed:
// 10,000 of them, most distinct, so that the server's hit cache (64 MB per
// generation, by query) does not turn the sweep into a cache benchmark:
//
//   - 30 % one word, 25 % two words;
//   - 10 % a quoted phrase: a dictionary word of three or more characters,
//     or four to seven characters cut from a sentence of the six issues;
//   - 25 % one or two words with two facet filters, of two different
//     facets among body, area, doc_type and kind;
//   - 10 % a browse: two such filters without a query.
//
// Words are the domain dictionary's (corpus/data/dict.txt) that occur in
// the six issues the generator recombines, plus the words of
// BenchmarkSearch's queries; filter values are among the 20 commonest of
// each facet on the index served (from an /api/search without a query). A
// fifth of the requests with a query sort by date, and one in seven asks
// for page 2. Each sweep sends the pool in order from its start, each step
// going on where the one before stopped.
func BenchmarkLoad(b *testing.B) {
	bin := buildBinary(b, b.TempDir())
	for _, n := range parseSizes(b, "-load-passages", *loadSizes) {
		b.Run("gen="+passagesName(n), func(b *testing.B) { loadSize(b, bin, n) })
	}
}

// loadSize runs BenchmarkLoad for one corpus size: it starts the server,
// then runs the phases as sub-benchmarks on it.
func loadSize(b *testing.B, bin string, n int) {
	name, built, index, srv := serveGenerated(b, bin, n)
	defer srv.stop()
	pid := srv.cmd.Process.Pid
	b.Logf("%s: %d issues, %d passages; serving %s (pid %d), healthy after %.1f s", name, built.Issues, built.Passages, index, pid, srv.healthy.Seconds())
	client := &http.Client{Timeout: time.Minute}
	if h := health(b, name, client, srv.base); h.Passages != built.Passages {
		b.Fatalf("%s: /healthz counts %d passages, the index was built with %d", name, h.Passages, built.Passages)
	}
	pool := loadPool(b, client, srv.base)
	b.Logf("%s: request pool: %s", name, describePool(pool))
	urls := make([]string, len(pool))
	for i, r := range pool {
		urls[i] = srv.base + "/api/search?" + r.Encode()
	}
	swaps := func() int { return strings.Count(srv.output(), " msg=serving ") }
	memory := func(b *testing.B, what string) {
		m := procStatus(b, pid)
		b.ReportMetric(m["VmHWM"], "peak-rss-MB")
		b.ReportMetric(m["VmRSS"], "rss-MB")
		b.Logf("%s: the server %s: VmHWM %.0f MB, VmRSS %.0f MB (RssAnon %.0f MB, RssFile %.0f MB, RssShmem %.0f MB)", name, what,
			m["VmHWM"], m["VmRSS"], m["RssAnon"], m["RssFile"], m["RssShmem"])
	}

	b.Run("alone", func(b *testing.B) {
		for range b.N {
			s := &sweeper{b: b, what: name + " alone", urls: urls, swaps: swaps}
			reportStep(b, s.run())
		}
		memory(b, "after the alone sweep")
		b.ReportMetric(0, "ns/op") // the time of a sweep says nothing
	})

	b.Run("reindex", func(b *testing.B) {
		corpus := filepath.Join(b.TempDir(), "corpus")
		start := time.Now()
		if err := writeGenerated(corpus, max(1, n/benchindex.PassagesPerIssue), loadSeed); err != nil {
			b.Fatalf("%s reindex: generating the corpus again: %v", name, err)
		}
		b.Logf("%s reindex: generated the corpus again into %s in %.1f s", name, corpus, time.Since(start).Seconds())
		for range b.N {
			h0 := health(b, name+" reindex", client, srv.base)
			swaps0 := swaps()
			ri := startReindexing(b, bin, corpus, index)
			s := &sweeper{b: b, what: name + " reindex", urls: urls, ri: ri, swaps: swaps}
			best := s.run()
			reindexes, runs := ri.finish()
			if err := ri.failed(); err != nil {
				b.Fatalf("%s reindex: %v", name, err)
			}
			reportStep(b, best)
			b.ReportMetric(float64(reindexes), "reindexes")
			b.Logf("%s reindex: %d re-index runs completed during the sweep (%s)", name, reindexes, strings.Join(runs, ", "))
			if s.busy > 0 {
				b.Logf("%s reindex: %d requests answered 503 for want of a search slot, at rates that failed; every other request got a 200 with a result", name, s.busy)
			} else {
				b.Logf("%s reindex: every request got a 200 with a result", name)
			}

			// Did the server follow? It looks every second, then opens
			// and warms the new generation before it answers from it.
			live, err := os.Readlink(index)
			if err != nil {
				b.Fatalf("%s reindex: %v", name, err)
			}
			var h1 healthz
			deadline := time.Now().Add(2 * time.Minute)
			for {
				h1 = health(b, name+" reindex", client, srv.base)
				if h1.Generation == live || time.Now().After(deadline) {
					break
				}
				time.Sleep(200 * time.Millisecond)
			}
			out := srv.output()
			b.Logf("%s reindex: serving %s at the start, %s at the end (the index names %s); the server swapped generations %d times",
				name, h0.Generation, h1.Generation, live, swaps()-swaps0)
			if n := strings.Count(out, "cannot load the index"); n > 0 {
				b.Logf("%s reindex: the server failed to load a generation %d times (it kept the one before):\n%s", name, n, grepLines(out, "cannot load the index"))
			}
			if genNumber(h1.Generation) <= genNumber(h0.Generation) {
				b.Fatalf("%s reindex: /healthz names %s after the sweep, %s before it: the server did not follow the re-index (the index names %s)",
					name, h1.Generation, h0.Generation, live)
			}
			if h1.Passages != h0.Passages {
				b.Fatalf("%s reindex: /healthz counts %d passages after the re-index, %d before", name, h1.Passages, h0.Passages)
			}
		}
		memory(b, "at the end")
		b.ReportMetric(0, "ns/op")
	})
}

// BenchmarkServeMemory measures what `zhengce serve` holds in memory on
// each -memory-passages size (default 1,000,000; the generated corpora
// BenchmarkSearch and BenchmarkLoad use): it starts the built binary on a
// private hard-linked copy of the cached index, waits until /healthz
// answers (serve opens the index and warms its columns first), sends the
// BenchmarkLoad request pool one request at a time for -memory-run (20 s,
// or until the pool is done), and reports, from /proc/<pid>/status:
// peak-rss-MB (VmHWM), rss-MB (VmRSS), anon-MB (RssAnon: the Go heap and
// stacks), file-MB (RssFile: the pages of the index's memory-mapped files
// it has touched, clean page cache the kernel may take back), and
// startup-s, from the start of the process to the first healthy /healthz
// (with the index in the page cache; a cold start reads it from disk). The
// target is under 1.5 GB resident with a million passages. One iteration
// is the whole run:
//
//	go test -run '^$' -bench ServeMemory -benchtime 1x -timeout 0 -v ./web/e2e/
//	go test -run '^$' -bench ServeMemory -benchtime 1x -timeout 0 -v ./web/e2e/ -memory-passages 100000 -memory-run 1m
func BenchmarkServeMemory(b *testing.B) {
	bin := buildBinary(b, b.TempDir())
	for _, n := range parseSizes(b, "-memory-passages", *memorySizes) {
		b.Run("gen="+passagesName(n), func(b *testing.B) {
			for range b.N {
				memorySize(b, bin, n)
			}
			b.ReportMetric(0, "ns/op")
		})
	}
}

// serveGenerated starts `zhengce serve` on a private copy of the generated
// index of about n passages; the caller stops it. name is the size's
// sub-benchmark name (gen=100k), index the copy's path.
func serveGenerated(b *testing.B, bin string, n int) (name string, built *benchindex.Built, index string, srv *serveProc) {
	name = "gen=" + passagesName(n)
	built = generatedIndex(b, n)
	index = privateIndex(b, built.Index)
	srv = startServe(context.Background(), b, bin, serveOptions{listenWithin: 10 * time.Minute, dropRequestLines: true},
		"-addr", "127.0.0.1:0", "-index", index, "-watch", "1s")
	return name, built, index, srv
}

// memorySize runs BenchmarkServeMemory for one corpus size.
func memorySize(b *testing.B, bin string, n int) {
	name, built, _, srv := serveGenerated(b, bin, n)
	defer srv.stop()
	pid := srv.cmd.Process.Pid
	m := procStatus(b, pid)
	b.Logf("%s: %d passages; healthy after %.1f s: VmHWM %.0f MB, VmRSS %.0f MB (RssAnon %.0f MB, RssFile %.0f MB)", name,
		built.Passages, srv.healthy.Seconds(), m["VmHWM"], m["VmRSS"], m["RssAnon"], m["RssFile"])
	client := &http.Client{Timeout: time.Minute}
	pool := loadPool(b, client, srv.base)

	var lat []time.Duration
	start := time.Now()
	for _, r := range pool {
		if time.Since(start) > *memoryRun {
			break
		}
		u := srv.base + "/api/search?" + r.Encode()
		t := time.Now()
		resp, err := client.Get(u)
		if err != nil {
			b.Fatalf("%s: %v", name, err)
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err == nil {
			err = checkAnswer(resp.StatusCode, body)
		}
		if err != nil {
			b.Fatalf("%s: %s: %v", name, u, err)
		}
		lat = append(lat, time.Since(t))
	}
	slices.Sort(lat)
	b.Logf("%s: %d requests one at a time in %.1f s: p50 %.1f ms, p99 %.1f ms", name, len(lat), time.Since(start).Seconds(),
		ms(percentile(lat, 50)), ms(percentile(lat, 99)))
	m = procStatus(b, pid)
	b.Logf("%s: at the end: VmHWM %.0f MB, VmRSS %.0f MB (RssAnon %.0f MB, RssFile %.0f MB, RssShmem %.0f MB)", name,
		m["VmHWM"], m["VmRSS"], m["RssAnon"], m["RssFile"], m["RssShmem"])
	b.ReportMetric(m["VmHWM"], "peak-rss-MB")
	b.ReportMetric(m["VmRSS"], "rss-MB")
	b.ReportMetric(m["RssAnon"], "anon-MB")
	b.ReportMetric(m["RssFile"], "file-MB")
	b.ReportMetric(srv.healthy.Seconds(), "startup-s")
}

// parseSizes reads a comma-separated list of passage counts.
func parseSizes(b *testing.B, flagName, list string) []int {
	var sizes []int
	for field := range strings.SplitSeq(list, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(field))
		if err != nil || n < 1 {
			b.Fatalf("%s: %q is not a number of passages", flagName, field)
		}
		sizes = append(sizes, n)
	}
	return sizes
}

// passagesName writes a number of passages short, as BenchmarkSearch
// names its sizes: 10k, 100k, 1.0M.
func passagesName(n int) string {
	switch {
	case n >= 1_000_000:
		return fmt.Sprintf("%.1fM", float64(n)/1e6)
	case n >= 1000:
		return fmt.Sprintf("%.0fk", float64(n)/1000)
	}
	return strconv.Itoa(n)
}

// generatedIndex returns the cached index of about n generated passages,
// building it when no earlier run did (see package benchindex).
func generatedIndex(b *testing.B, n int) *benchindex.Built {
	name := "gen=" + passagesName(n)
	built, err := benchindex.Generated(repoRoot, max(1, n/benchindex.PassagesPerIssue), loadSeed, func(s string) {
		b.Logf("%s: building the index: %s", name, s)
	})
	if err != nil {
		b.Fatalf("%s: %v", name, err)
	}
	if !built.Cached {
		b.Logf("%s: built the index in %.0f s", name, built.Build.Seconds())
	}
	return built
}

// privateIndex makes an index path of the test's own that serves what
// cached (an index path: a symlink to its generation) holds, laid out as
// `zhengce index` leaves it: DIR/index → index.g000001, a directory beside
// it. The segment files, which nobody ever writes, are hard links to the
// cached ones (copied if the file system refuses a link); the others
// (root.bolt, index_meta.json) are copied. A writer on the private path
// writes new generations beside it and removes this one later, which
// unlinks its names only: the cached index stays as it was.
func privateIndex(b *testing.B, cached string) string {
	src, err := filepath.EvalSymlinks(cached)
	if err != nil {
		b.Fatalf("the cached index %s: %v", cached, err)
	}
	dir := b.TempDir()
	genDir := filepath.Join(dir, filepath.Base(src))
	if genNumber(filepath.Base(src)) < 0 {
		genDir = filepath.Join(dir, "index.g000001")
	}
	copied := 0
	err = filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		to := filepath.Join(genDir, rel)
		if d.IsDir() {
			return os.MkdirAll(to, 0o755)
		}
		if filepath.Ext(path) == ".zap" && os.Link(path, to) == nil {
			return nil
		}
		copied++
		return copyFileErr(path, to)
	})
	if err != nil {
		b.Fatalf("copying the cached index %s: %v", src, err)
	}
	index := filepath.Join(dir, "index")
	if err := os.Symlink(filepath.Base(genDir), index); err != nil {
		b.Fatal(err)
	}
	if copied > 2 {
		b.Logf("copied %d files of %s (hard links refused)", copied, src)
	}
	return index
}

func copyFileErr(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(to)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// genNumber returns 7 for the generation index.g000007, -1 for a name
// that is not a generation's.
func genNumber(name string) int {
	_, num, ok := strings.Cut(name, ".g")
	if !ok {
		return -1
	}
	n, err := strconv.Atoi(num)
	if err != nil {
		return -1
	}
	return n
}

// writeGenerated writes into dir the issues benchindex.Generated indexed:
// package gen, the same sources, issue count and seed give the same files,
// byte for byte.
func writeGenerated(dir string, issues int, seed uint64) error {
	m, err := gen.LoadMaterial([]string{filepath.Join(repoRoot, "corpus"), filepath.Join(repoRoot, "testdata", "issues")},
		filepath.Join(repoRoot, "corpus", "data", "aliases.toml"))
	if err != nil {
		return err
	}
	g, err := gen.New(m, gen.Options{Issues: issues, Seed: seed})
	if err != nil {
		return err
	}
	_, err = g.Write(dir, false, nil)
	return err
}

// healthz is the server's /healthz.
type healthz struct {
	Generation string `json:"generation"`
	Passages   int    `json:"passages"`
}

// health asks the server at base for its /healthz; what names the size
// and phase in a failure.
func health(b *testing.B, what string, client *http.Client, base string) healthz {
	resp, err := client.Get(base + "/healthz")
	if err != nil {
		b.Fatalf("%s: %v", what, err)
	}
	defer resp.Body.Close()
	var h healthz
	if err := json.NewDecoder(resp.Body).Decode(&h); err != nil || resp.StatusCode != http.StatusOK {
		b.Fatalf("%s: /healthz: status %d, %v", what, resp.StatusCode, err)
	}
	return h
}

// procStatus reads the memory figures of /proc/pid/status, in MB.
func procStatus(b *testing.B, pid int) map[string]float64 {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		b.Fatalf("reading the server's memory: %v", err)
	}
	m := map[string]float64{}
	for line := range strings.SplitSeq(string(data), "\n") {
		key, rest, ok := strings.Cut(line, ":")
		if !ok || !strings.HasSuffix(rest, " kB") {
			continue
		}
		kb, err := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(rest, " kB")), 64)
		if err == nil {
			m[key] = kb / 1024
		}
	}
	return m
}

// grepLines returns the lines of s that contain sub.
func grepLines(s, sub string) string {
	var out []string
	for line := range strings.SplitSeq(s, "\n") {
		if strings.Contains(line, sub) {
			out = append(out, line)
		}
	}
	return strings.Join(out, "\n")
}

// reindexer runs `zhengce index` on an index path over and over.
type reindexer struct {
	cancel context.CancelFunc
	done   chan struct{}
	stop   chan struct{} // closed when the sweep is over

	mu        sync.Mutex
	completed []string // each completed run's seconds
	err       error    // a run that failed
}

// startReindexing rebuilds corpus into index with the binary, again each
// time a run ends, until finish.
func startReindexing(b *testing.B, bin, corpus, index string) *reindexer {
	ctx, cancel := context.WithCancel(context.Background())
	ri := &reindexer{cancel: cancel, done: make(chan struct{}), stop: make(chan struct{})}
	data := filepath.Join(repoRoot, "corpus", "data")
	go func() {
		defer close(ri.done)
		for {
			start := time.Now()
			cmd := exec.CommandContext(ctx, bin, "index", "-nice", strconv.Itoa(*reindexNice),
				"-corpus", corpus, "-data", data, "-index", index)
			out, err := cmd.CombinedOutput()
			if ctx.Err() != nil {
				return
			}
			ri.mu.Lock()
			if err != nil {
				ri.err = fmt.Errorf("zhengce index: %v\n%s", err, out)
				ri.mu.Unlock()
				return
			}
			ri.completed = append(ri.completed, fmt.Sprintf("%.1f s", time.Since(start).Seconds()))
			ri.mu.Unlock()
			select {
			case <-ri.stop:
				return
			default:
			}
		}
	}()
	b.Cleanup(func() { cancel(); <-ri.done })
	return ri
}

// finish stops re-indexing: it kills the run under way, unless none has
// completed yet, in which case it lets that one finish (the check that the
// server followed needs one). It returns the runs that completed.
func (ri *reindexer) finish() (int, []string) {
	close(ri.stop)
	ri.mu.Lock()
	n := len(ri.completed)
	ri.mu.Unlock()
	if n > 0 {
		ri.cancel()
	}
	<-ri.done
	ri.cancel()
	ri.mu.Lock()
	defer ri.mu.Unlock()
	return len(ri.completed), slices.Clone(ri.completed)
}

func (ri *reindexer) failed() error {
	ri.mu.Lock()
	defer ri.mu.Unlock()
	return ri.err
}

// stepResult is one step of a sweep.
type stepResult struct {
	rate       int     // offered, per second
	sent       uint64  // requests
	achieved   float64 // requests sent per second
	throughput float64 // 200s per second
	p50, p99   time.Duration
	busy       int // 503s for want of a search slot
	pass       bool
	why        string // why it failed
}

// sweeper finds the highest rate that passes.
type sweeper struct {
	b     *testing.B
	what  string // size and phase, for messages
	urls  []string
	next  atomic.Uint64 // the next URL to send
	steps []stepResult
	ri    *reindexer // when re-indexing, to stop on its failure
	// swaps counts the generations the server has opened so far.
	swaps func() int
	busy  int // 503s for want of a search slot, in every step
}

// run sweeps: doubling from -load-start until a step fails, then
// bisecting. It returns the best step that passed, or if none did, the
// step at the lowest rate tried, with pass false.
func (s *sweeper) run() (best stepResult) {
	lo, hi := 0, 0
	defer func() {
		if !best.pass && len(s.steps) > 0 {
			best = slices.MinFunc(s.steps, func(a, b stepResult) int { return a.rate - b.rate })
			s.b.Logf("%s: no rate passed: the p50 and p99 reported are those at %d/s", s.what, best.rate)
		}
	}()
	for rate := max(1, *loadStart); ; rate *= 2 {
		st := s.step(rate)
		if !st.pass {
			hi = rate
			break
		}
		best, lo = st, rate
	}
	for range bisections {
		mid := (lo + hi) / 2
		if mid <= lo || hi-lo <= max(1, lo/20) {
			break
		}
		st := s.step(mid)
		if st.pass {
			best, lo = st, mid
		} else {
			hi = mid
		}
	}
	if best.pass {
		s.b.Logf("%s: max %d requests/s (p50 %.1f ms, p99 %.1f ms); the first rate that failed: %d/s", s.what, best.rate, ms(best.p50), ms(best.p99), hi)
	}
	return best
}

// step sends requests at rate a second for a few seconds and judges the
// answers.
func (s *sweeper) step(rate int) stepResult {
	b := s.b
	d := max(*loadStep, time.Duration(float64(stepRequests)/float64(rate)*float64(time.Second)))
	atk := vegeta.NewAttacker(
		vegeta.Timeout(time.Minute), // past the server's own 20 s limit: every request gets its answer
		vegeta.MaxWorkers(maxInFlight),
		vegeta.KeepAlive(true),
	)
	targeter := func(t *vegeta.Target) error {
		i := s.next.Add(1) - 1
		t.Method = http.MethodGet
		t.URL = s.urls[i%uint64(len(s.urls))]
		return nil
	}
	var (
		m        vegeta.Metrics
		st       = stepResult{rate: rate}
		failures = map[string]int{}
		example  = map[string]string{}
		slowest  []*vegeta.Result // the three slowest, slowest first
		swaps0   = s.swaps()
	)
	for res := range atk.Attack(targeter, vegeta.ConstantPacer{Freq: rate, Per: time.Second}, d, s.what) {
		m.Add(res)
		var err error
		switch {
		case res.Code == 0:
			err = errors.New(res.Error)
		case res.Code == http.StatusServiceUnavailable && bytes.Contains(res.Body, []byte("too many searches at once")):
			st.busy++
		default:
			err = checkAnswer(int(res.Code), res.Body)
		}
		if err != nil {
			key := err.Error()
			if len(key) > 200 {
				key = key[:200]
			}
			failures[key]++
			example[key] = res.URL
		}
		if len(slowest) < 3 || res.Latency > slowest[len(slowest)-1].Latency {
			res.Body = nil
			i, _ := slices.BinarySearchFunc(slowest, res.Latency, func(r *vegeta.Result, d time.Duration) int { return int(d - r.Latency) })
			slowest = slices.Insert(slowest, i, res)[:min(len(slowest)+1, 3)]
		}
	}
	m.Close()
	st.sent = m.Requests
	st.achieved = m.Rate
	st.throughput = m.Throughput
	st.p50, st.p99 = m.Latencies.P50, m.Latencies.P99
	switch {
	case st.busy > 0:
		st.why = fmt.Sprintf("%d answered 503 (no search slot)", st.busy)
	case st.p99 >= *loadP99:
		st.why = fmt.Sprintf("p99 %.1f ms ≥ %v", ms(st.p99), *loadP99)
	case st.throughput < minThroughput*float64(rate):
		st.why = fmt.Sprintf("answers %.1f/s < %.0f %% of %d/s", st.throughput, 100*minThroughput, rate)
	default:
		st.pass = true
	}
	verdict := "pass"
	if !st.pass {
		verdict = "FAIL: " + st.why
	}
	var slow []string
	for _, r := range slowest {
		q := r.URL
		if _, raw, ok := strings.Cut(q, "?"); ok {
			q, _ = url.QueryUnescape(raw)
		}
		slow = append(slow, fmt.Sprintf("%.0f ms %s", ms(r.Latency), q))
	}
	b.Logf("%s: offered %4d/s for %5.1f s  sent %6.1f/s  answered %6.1f/s  p50 %6.1f ms  p99 %6.1f ms  max %6.1f ms  errors %d  swaps %d  %s\n\tslowest: %s",
		s.what, rate, d.Seconds(), st.achieved, st.throughput, ms(st.p50), ms(st.p99), ms(m.Latencies.Max),
		int(m.Requests)-int(m.StatusCodes["200"]), s.swaps()-swaps0, verdict, strings.Join(slow, "; "))
	if len(failures) > 0 {
		var lines []string
		failed := 0
		for k, c := range failures {
			lines = append(lines, fmt.Sprintf("%d× %s (e.g. %s)", c, k, example[k]))
			failed += c
		}
		slices.Sort(lines)
		b.Fatalf("%s: at %d requests/s, %d requests failed:\n%s", s.what, rate, failed, strings.Join(lines, "\n"))
	}
	if s.ri != nil {
		if err := s.ri.failed(); err != nil {
			b.Fatalf("%s: %v", s.what, err)
		}
	}
	s.steps = append(s.steps, st)
	s.busy += st.busy
	time.Sleep(time.Second) // let the server settle between steps
	return st
}

// reportStep reports a sweep's best step: max-rps 0 when none passed.
func reportStep(b *testing.B, st stepResult) {
	maxRPS := 0
	if st.pass {
		maxRPS = st.rate
	}
	b.ReportMetric(float64(maxRPS), "max-rps")
	b.ReportMetric(ms(st.p50), "p50-ms")
	b.ReportMetric(ms(st.p99), "p99-ms")
}

// checkAnswer checks that an /api/search answer is a 200 with the JSON of
// a result, total included.
func checkAnswer(code int, body []byte) error {
	if code != http.StatusOK {
		return fmt.Errorf("status %d: %.200s", code, body)
	}
	var res struct {
		Total *uint64 `json:"total"`
	}
	if err := json.Unmarshal(body, &res); err != nil {
		return fmt.Errorf("status 200, body not JSON: %v", err)
	}
	if res.Total == nil {
		return fmt.Errorf("status 200, JSON without a total: %.200s", body)
	}
	return nil
}

// poolRequest is one request of the pool: its class, for the description,
// and its parameters.
type poolRequest struct {
	class string
	url.Values
}

// loadPool draws the requests BenchmarkLoad and BenchmarkServeMemory send
// (see BenchmarkLoad), with filter values from the facets of the index
// base serves.
func loadPool(b *testing.B, client *http.Client, base string) []poolRequest {
	words, sentences := poolWords(b)
	// The facets of the whole index: an /api/search without a query lists
	// every passage.
	resp, err := client.Get(base + "/api/search?size=1")
	if err != nil {
		b.Fatal(err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err == nil {
		err = checkAnswer(resp.StatusCode, body)
	}
	if err != nil {
		b.Fatalf("reading the facets: %v", err)
	}
	var all struct {
		Facets map[string][]struct {
			Value string `json:"value"`
		} `json:"facets"`
	}
	if err := json.Unmarshal(body, &all); err != nil {
		b.Fatalf("reading the facets: %v", err)
	}
	facetNames := []string{"body", "area", "doc_type", "kind"}
	values := map[string][]string{}
	for _, f := range facetNames {
		for _, v := range all.Facets[f] {
			if len(values[f]) < 20 {
				values[f] = append(values[f], v.Value)
			}
		}
		if len(values[f]) == 0 {
			b.Fatalf("the index has no value of the facet %s", f)
		}
	}

	r := rand.New(rand.NewPCG(poolSeed, 0))
	word := func() string { return words[r.IntN(len(words))] }
	twoWords := func() string {
		w1 := word()
		w2 := word()
		for w2 == w1 {
			w2 = word()
		}
		return w1 + " " + w2
	}
	phrase := func() string {
		if r.IntN(2) == 0 {
			for {
				if w := word(); len([]rune(w)) >= 3 {
					return `"` + w + `"`
				}
			}
		}
		s := sentences[r.IntN(len(sentences))]
		n := 4 + r.IntN(4)
		i := r.IntN(len(s) - n + 1)
		return `"` + string(s[i:i+n]) + `"`
	}
	filters := func(v url.Values) {
		i := r.IntN(len(facetNames))
		j := (i + 1 + r.IntN(len(facetNames)-1)) % len(facetNames)
		for _, f := range []string{facetNames[i], facetNames[j]} {
			v.Set(f, values[f][r.IntN(len(values[f]))])
		}
	}
	pool := make([]poolRequest, poolSize)
	for k := range pool {
		v := url.Values{}
		var class string
		switch x := r.IntN(100); {
		case x < 30:
			class = "word"
			v.Set("q", word())
		case x < 55:
			class = "two words"
			v.Set("q", twoWords())
		case x < 65:
			class = "phrase"
			v.Set("q", phrase())
		case x < 90:
			class = "filtered"
			if r.IntN(2) == 0 {
				v.Set("q", word())
			} else {
				v.Set("q", twoWords())
			}
			filters(v)
		default:
			class = "browse"
			filters(v)
		}
		if v.Has("q") && r.IntN(5) == 0 {
			v.Set("sort", "date")
		}
		if r.IntN(7) == 0 {
			v.Set("page", "2")
		}
		pool[k] = poolRequest{class: class, Values: v}
	}
	return pool
}

// poolWords returns the words the pool's queries are made of: the domain
// dictionary's words that occur in the six issues (which package gen
// recombines), and BenchmarkSearch's; and the runs of Han characters of
// the six issues that are long enough to cut a phrase from.
func poolWords(b *testing.B) (words []string, runs [][]rune) {
	files, err := benchindex.SourceIssues(repoRoot)
	if err != nil {
		b.Fatal(err)
	}
	var text strings.Builder
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		s, err := parser.Decode(raw)
		if err != nil {
			b.Fatalf("%s: %v", f, err)
		}
		text.WriteString(s)
		text.WriteByte('\n')
	}
	all := text.String()
	dict, err := os.ReadFile(filepath.Join(repoRoot, "corpus", "data", "dict.txt"))
	if err != nil {
		b.Fatal(err)
	}
	seen := map[string]bool{}
	add := func(w string) {
		if w != "" && !seen[w] && strings.Contains(all, w) {
			seen[w] = true
			words = append(words, w)
		}
	}
	for line := range strings.SplitSeq(string(dict), "\n") {
		if line = strings.TrimSpace(line); line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		add(strings.Fields(line)[0])
	}
	for _, w := range []string{"托育", "助学金", "审计", "技能", "婴幼儿照护", "个人所得税", "人社部", "产教融合", "职普融通", "技能人才评价"} {
		add(w)
	}
	if len(words) < 20 {
		b.Fatalf("only %d words of corpus/data/dict.txt occur in the six issues: %v", len(words), words)
	}
	var run []rune
	for _, c := range all + "\n" {
		if unicode.Is(unicode.Han, c) {
			run = append(run, c)
			continue
		}
		if len(run) >= 8 {
			runs = append(runs, run)
		}
		run = nil
	}
	return words, runs
}

// describePool counts the pool's requests by class and its distinct
// queries.
func describePool(pool []poolRequest) string {
	byClass := map[string]int{}
	queries := map[string]bool{}
	distinct := map[string]bool{}
	for _, r := range pool {
		byClass[r.class]++
		queries[r.Get("q")] = true
		distinct[r.Encode()] = true
	}
	var parts []string
	for _, c := range []string{"word", "two words", "phrase", "filtered", "browse"} {
		parts = append(parts, fmt.Sprintf("%d %s", byClass[c], c))
	}
	return fmt.Sprintf("%d requests (%s), %d distinct, %d distinct queries", len(pool), strings.Join(parts, ", "), len(distinct), len(queries))
}

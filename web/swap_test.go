package web

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"zhengce/indexer"
	"zhengce/search"
)

// openGeneration opens the index at dir as a Generation.
func openGeneration(t testing.TB, dir string) (*indexer.Index, Generation) {
	t.Helper()
	idx, g, err := tryOpenGeneration(dir)
	if err != nil {
		t.Fatal(err)
	}
	return idx, g
}

func tryOpenGeneration(dir string) (*indexer.Index, Generation, error) {
	idx, err := indexer.Open(dir)
	if err != nil {
		return nil, Generation{}, err
	}
	aliases, err := idx.Aliases()
	if err != nil {
		idx.Close()
		return nil, Generation{}, err
	}
	return idx, Generation{Searcher: search.New(idx, aliases), Name: idx.Generation, OpenedAt: time.Now()}, nil
}

func isClosed(c <-chan struct{}) bool {
	select {
	case <-c:
		return true
	default:
		return false
	}
}

func TestHealthNamesTheGeneration(t *testing.T) {
	ts := newTestServer(t, Config{})
	dir := filepath.Join(t.TempDir(), "index")
	if _, err := indexer.BuildFiles([]string{seedIssue}, dataDir, dir); err != nil {
		t.Fatal(err)
	}
	idx, g := openGeneration(t, dir)
	defer idx.Close()
	if !strings.HasPrefix(g.Name, "index.g") {
		t.Fatalf("generation %q", g.Name)
	}
	if d := ts.Publish(g); !isClosed(d) {
		t.Errorf("the replaced generation is not drained, though no request uses it")
	}
	var h struct {
		Status     string    `json:"status"`
		Generation string    `json:"generation"`
		Passages   int       `json:"passages"`
		Issues     int       `json:"issues"`
		OpenedAt   time.Time `json:"opened_at"`
	}
	ts.getJSON(t, "/healthz", 200, &h)
	all := ts.searchJSON(t, "size=1")
	if h.Status != "ok" || h.Generation != g.Name || h.Issues != 1 || h.Passages != all.Total || !h.OpenedAt.Equal(g.OpenedAt) {
		t.Errorf("healthz = %+v, want generation %s, 1 issue, %d passages, opened %v", h, g.Name, all.Total, g.OpenedAt)
	}
	<-ts.SetSearcher(testSearcher(t)) // before idx closes
	if r := ts.get(t, "/healthz"); !strings.Contains(r.body, `"generation":""`) || strings.Contains(r.body, "opened_at") {
		t.Errorf("healthz of an unnamed generation: %s", r.body)
	}
}

// A request holds the generation it started with to its end; the replaced
// one is drained only when the last such request is done.
func TestPublishWaitsForRequestsInFlight(t *testing.T) {
	ts := newTestServer(t, Config{})
	a := Generation{Searcher: testSearcher(t), Name: "a"}
	b := Generation{Searcher: testSearcher(t), Name: "b"}
	ts.Publish(a)

	r1, err := ts.acquire() // two requests in flight on a
	if err != nil {
		t.Fatal(err)
	}
	r2, _ := ts.acquire()
	drainedA := ts.Publish(b)
	if r1.Name != "a" || r2.Name != "a" {
		t.Fatalf("requests hold %q, %q", r1.Name, r2.Name)
	}
	if r3, _ := ts.acquire(); r3.Name != "b" {
		t.Errorf("a request after the swap got %q", r3.Name)
	} else {
		r3.release()
	}
	r1.release()
	if isClosed(drainedA) {
		t.Fatalf("a drained while a request still uses it")
	}
	if r1.acquire() {
		t.Fatalf("a retired generation was acquired")
	}
	r2.release()
	select {
	case <-drainedA:
	case <-time.After(time.Second):
		t.Fatalf("a not drained after its last request")
	}

	// No searcher: every request is refused, and b drains.
	if d := ts.SetSearcher(nil); !isClosed(d) {
		t.Errorf("b, unused, is not drained")
	}
	if _, err := ts.acquire(); err != errNoSearcher {
		t.Errorf("acquire with no searcher: %v", err)
	}
	if d := ts.SetSearcher(testSearcher(t)); !isClosed(d) {
		t.Errorf("replacing no searcher: the channel is not closed")
	}
}

// Many clients search while the index is swapped back and forth between
// two real indexes, each retired one closed as soon as it is drained: not
// one request fails, and none touches a closed index (which bleve answers
// with an error, a 500 here, logged: the test server fails on any log).
func TestSwapUnderLoad(t *testing.T) {
	const clients, requests = 8, 200
	// A slot per client: the cap (TestSearchCap) never turns one away.
	ts := newTestServer(t, Config{MaxSearches: clients})
	tmp := t.TempDir()
	dirs := []string{filepath.Join(tmp, "one", "index"), filepath.Join(tmp, "two", "index")}
	if _, err := indexer.BuildFiles([]string{seedIssue}, dataDir, dirs[0]); err != nil {
		t.Fatal(err)
	}
	if _, err := indexer.BuildFiles([]string{seedIssue, "../testdata/issues/issue-091.txt"}, dataDir, dirs[1]); err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(ts.Handler())
	defer hs.Close()
	hs.Client().Transport.(*http.Transport).MaxIdleConnsPerHost = 16

	idx, g := openGeneration(t, dirs[0])
	ts.Publish(g)

	targets := []string{
		"/api/search?q=" + url.QueryEscape("产业工人"),
		"/api/search?q=" + url.QueryEscape("技能人才") + "&sort=date&size=20",
		"/healthz",
		"/api/issues/89",
		"/api" + topicPath,
		"/?q=" + url.QueryEscape("助学金"),
		topicPath + "/feed.atom",
	}
	var (
		done     = make(chan struct{})
		swaps    atomic.Int64
		failures atomic.Int64
		seen     sync.Map // issues count seen by /healthz
		swapper  sync.WaitGroup
	)
	fail := func(format string, args ...any) {
		if failures.Add(1) <= 10 {
			t.Errorf(format, args...)
		}
	}
	swapper.Add(1)
	go func() {
		defer swapper.Done()
		for i := 1; ; i++ {
			select {
			case <-done:
				if swaps.Load() >= 20 {
					return
				}
			default:
			}
			next, g, err := tryOpenGeneration(dirs[i%2])
			if err != nil {
				fail("opening generation %d: %v", i, err)
				return
			}
			drained := ts.Publish(g)
			select {
			case <-drained:
			case <-time.After(30 * time.Second):
				fail("generation %d not drained within 30 s", i-1)
				return
			}
			if err := idx.Close(); err != nil {
				fail("closing a drained index: %v", err)
			}
			idx = next
			swaps.Add(1)
			time.Sleep(time.Duration(i%3) * time.Millisecond)
		}
	}()

	var wg sync.WaitGroup
	for c := 0; c < clients; c++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < requests; i++ {
				target := targets[(c+i)%len(targets)]
				res, err := hs.Client().Get(hs.URL + target)
				if err != nil {
					fail("GET %s: %v", target, err)
					continue
				}
				body, err := io.ReadAll(res.Body)
				res.Body.Close()
				if err != nil || res.StatusCode != 200 {
					fail("GET %s during swaps: %d %v\n%.300s", target, res.StatusCode, err, body)
					continue
				}
				if !strings.HasPrefix(target, "/api/") && target != "/healthz" {
					continue
				}
				var v map[string]json.RawMessage
				if err := json.Unmarshal(body, &v); err != nil {
					fail("GET %s: not JSON: %v", target, err)
					continue
				}
				if target == "/healthz" {
					seen.Store(string(v["issues"]), true)
				}
				if strings.HasPrefix(target, "/api/search") {
					var total int
					if json.Unmarshal(v["total"], &total); total == 0 {
						fail("GET %s: no hits", target)
					}
				}
			}
		}()
	}
	wg.Wait()
	close(done)
	swapper.Wait()

	<-ts.SetSearcher(testSearcher(t))
	idx.Close()
	var issues []string
	seen.Range(func(k, _ any) bool { issues = append(issues, k.(string)); return true })
	t.Logf("%d requests, %d swaps, /healthz saw issues %v", clients*requests, swaps.Load(), issues)
	if failures.Load() > 0 {
		t.Errorf("%d of %d requests failed", failures.Load(), clients*requests)
	}
	if len(issues) != 2 {
		t.Errorf("the clients saw indexes of %v issues, want both (1 and 2)", issues)
	}
	if n := swaps.Load(); n < 20 {
		t.Errorf("only %d swaps", n)
	}
}

package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"zhengce/indexer"
	"zhengce/search"
)

// The tests share one index, built once per test binary from the shipped
// issue and the test fixtures, as the search package's tests do: loading
// the segmenter's dictionary alone takes about a second.
const (
	seedIssue   = "../corpus/issue-089.txt"
	fixtureGlob = "../testdata/issues/*.txt"
	dataDir     = "../corpus/data"
)

var (
	fixtureOnce sync.Once
	fixtureDir  string // removed by TestMain
	fixture     struct {
		searcher *search.Searcher
		err      error
	}
)

func TestMain(m *testing.M) {
	code := m.Run()
	if fixtureDir != "" {
		os.RemoveAll(fixtureDir)
	}
	os.Exit(code)
}

// testSearcher returns the shared Searcher over the shipped issue and the
// fixtures.
func testSearcher(t testing.TB) *search.Searcher {
	t.Helper()
	fixtureOnce.Do(func() {
		files, err := filepath.Glob(fixtureGlob)
		if err != nil || len(files) == 0 {
			fixture.err = fmt.Errorf("no fixtures match %s (%v)", fixtureGlob, err)
			return
		}
		fixtureDir, err = os.MkdirTemp("", "zhengce-web-test-")
		if err != nil {
			fixture.err = err
			return
		}
		fixture.searcher, fixture.err = buildSearcher(filepath.Join(fixtureDir, "index"), append([]string{seedIssue}, files...))
	})
	if fixture.err != nil {
		t.Fatalf("building the test index: %v", fixture.err)
	}
	return fixture.searcher
}

// buildSearcher indexes files into dir and opens a Searcher on it, which
// stays open for the life of the test binary.
func buildSearcher(dir string, files []string) (*search.Searcher, error) {
	if _, err := indexer.BuildFiles(files, dataDir, dir); err != nil {
		return nil, err
	}
	idx, err := indexer.Open(dir)
	if err != nil {
		return nil, err
	}
	aliases, err := idx.Aliases()
	if err != nil {
		return nil, err
	}
	return search.New(idx, aliases), nil
}

// testServer is a Server over the shared index whose log a test can read:
// an internal error is logged, and no user's input may cause one.
type testServer struct {
	*Server
	handler http.Handler
	mu      sync.Mutex
	log     bytes.Buffer
}

func newTestServer(t testing.TB, cfg Config) *testServer {
	t.Helper()
	ts := &testServer{}
	cfg.Logger = slog.New(slog.NewTextHandler(lockedWriter{&ts.mu, &ts.log}, &slog.HandlerOptions{Level: slog.LevelWarn}))
	ts.Server = New(cfg, testSearcher(t))
	ts.handler = ts.Handler()
	t.Cleanup(func() {
		ts.mu.Lock()
		defer ts.mu.Unlock()
		if ts.log.Len() > 0 {
			t.Errorf("the server logged:\n%s", ts.log.String())
		}
	})
	return ts
}

type lockedWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (l lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// response is what a request got.
type response struct {
	code   int
	header http.Header
	body   string
}

// do sends a request through the handler. target may hold raw UTF-8.
func (ts *testServer) do(t testing.TB, method, target string) response {
	t.Helper()
	req := httptest.NewRequest(method, target, nil)
	rec := httptest.NewRecorder()
	ts.handler.ServeHTTP(rec, req)
	res := rec.Result()
	body, _ := io.ReadAll(res.Body)
	return response{code: res.StatusCode, header: res.Header, body: string(body)}
}

func (ts *testServer) get(t testing.TB, target string) response {
	t.Helper()
	return ts.do(t, http.MethodGet, target)
}

// getJSON GETs target, wants status code and decodes the body into v.
func (ts *testServer) getJSON(t testing.TB, target string, code int, v any) response {
	t.Helper()
	r := ts.get(t, target)
	if r.code != code {
		t.Fatalf("GET %s: status %d, want %d\n%s", target, r.code, code, r.body)
	}
	if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("GET %s: Content-Type %q, want JSON", target, ct)
	}
	if err := json.Unmarshal([]byte(r.body), v); err != nil {
		t.Fatalf("GET %s: body is not JSON: %v\n%s", target, err, r.body)
	}
	return r
}

// jsonResult mirrors what /api/search answers.
type jsonResult struct {
	Query  string                 `json:"query"`
	Total  int                    `json:"total"`
	Page   int                    `json:"page"`
	Size   int                    `json:"size"`
	Hits   []jsonHit              `json:"hits"`
	Facets map[string][]jsonFacet `json:"facets"`
	Topic  *jsonTopic             `json:"topic"`
}

type jsonHit struct {
	ID        string `json:"id"`
	Text      string `json:"text"`
	Kind      string `json:"kind"`
	Ordinal   int    `json:"ordinal"`
	Date      string `json:"date"`
	Highlight string `json:"highlight"`
	URL       string `json:"url"`
	Citation  string `json:"citation"`
	Linked    bool   `json:"linked"`
	Issue     struct {
		Number  int    `json:"number"`
		Running int    `json:"running"`
		Date    string `json:"date"`
		URL     string `json:"url"`
	} `json:"issue"`
	Section struct {
		Ordinal     int      `json:"ordinal"`
		PolicyTitle string   `json:"policy_title"`
		Bodies      []string `json:"bodies"`
		DocType     string   `json:"doc_type"`
	} `json:"section"`
	Areas      []string `json:"areas"`
	Directions []string `json:"directions"`
}

type jsonFacet struct {
	Value string `json:"value"`
	Count int    `json:"count"`
}

type jsonTopic struct {
	Name     string `json:"name"`
	Passages int    `json:"passages"`
	URL      string `json:"url"`
	Feed     string `json:"feed"`
	Issues   []struct {
		Running int    `json:"running"`
		URL     string `json:"url"`
	} `json:"issues"`
}

func (r *jsonResult) facet(name, value string) int {
	for _, v := range r.Facets[name] {
		if v.Value == value {
			return v.Count
		}
	}
	return 0
}

// searchJSON GETs /api/search?query, which must succeed.
func (ts *testServer) searchJSON(t testing.TB, query string) *jsonResult {
	t.Helper()
	var r jsonResult
	ts.getJSON(t, "/api/search?"+query, http.StatusOK, &r)
	return &r
}

func newRecorder() *httptest.ResponseRecorder { return httptest.NewRecorder() }

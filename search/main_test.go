package search

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"testing"
	"unicode/utf8"

	"zhengce"
	"zhengce/indexer"
)

// The tests share one index, built once per test binary from the shipped
// issue and the test fixtures: loading the segmenter's dictionary alone takes
// about a second.
const (
	seedIssue   = "../corpus/issue-089.txt"
	fixtureGlob = "../testdata/issues/*.txt"
	dataDir     = "../corpus/data"
)

// testIndex, when set, is where the test index is kept: built there when
// missing, else opened as it is. Two runs on one index see the same segments,
// so the same summation order of scores (see TestGolden).
var testIndex = flag.String("index", "", "keep the test index here and reuse it")

var (
	fixtureOnce sync.Once
	fixtureDir  string // removed by TestMain
	fixture     struct {
		searcher *Searcher
		aliases  Aliases
		passages []zhengce.Passage // every passage, in index order (newest first)
		byID     map[string]zhengce.Passage
		err      error
	}
)

func TestMain(m *testing.M) {
	code := m.Run()
	closeBenchIndexes()
	if fixtureDir != "" {
		os.RemoveAll(fixtureDir)
	}
	os.Exit(code)
}

// testSearcher returns the shared Searcher over the whole test set.
func testSearcher(t testing.TB) *Searcher {
	t.Helper()
	fixtureOnce.Do(buildFixture)
	if fixture.err != nil {
		t.Fatalf("building the test index: %v", fixture.err)
	}
	return fixture.searcher
}

// allPassages returns every passage of the test index, listed through the
// engine itself: an empty query with no filter, page by page.
func allPassages(t testing.TB) []zhengce.Passage {
	testSearcher(t)
	return fixture.passages
}

// testAliases returns the aliases the test index was built with.
func testAliases(t testing.TB) Aliases {
	testSearcher(t)
	return fixture.aliases
}

func passageByID(t testing.TB, id string) zhengce.Passage {
	t.Helper()
	testSearcher(t)
	p, ok := fixture.byID[id]
	if !ok {
		t.Fatalf("no passage %s in the test index", id)
	}
	return p
}

func buildFixture() {
	fixture.err = func() error {
		files, err := filepath.Glob(fixtureGlob)
		if err != nil {
			return err
		}
		if len(files) == 0 {
			return fmt.Errorf("no fixtures match %s", fixtureGlob)
		}
		files = append([]string{seedIssue}, files...)
		dir := *testIndex
		if dir == "" {
			fixtureDir, err = os.MkdirTemp("", "zhengce-search-test-")
			if err != nil {
				return err
			}
			dir = filepath.Join(fixtureDir, "index")
		}
		if _, err := os.Stat(dir); err != nil || *testIndex == "" {
			if _, err := indexer.BuildFiles(files, dataDir, dir); err != nil {
				return err
			}
		}
		idx, err := indexer.Open(dir)
		if err != nil {
			return err
		}
		// The index stays open for the life of the test binary.
		aliases, err := idx.Aliases()
		if err != nil {
			return err
		}
		s := New(idx, aliases)
		// Every test searches through the columns, as a server does
		// (TestColumnsAnswerAsBleve compares with bleve's collector).
		if err := s.Warm(context.Background()); err != nil {
			return err
		}
		fixture.searcher = s
		fixture.aliases = aliases
		fixture.byID = map[string]zhengce.Passage{}
		for page := 1; ; page++ {
			res, err := s.Search(context.Background(), Request{Page: page, Size: MaxSize})
			if err != nil {
				return fmt.Errorf("listing passages, page %d: %w", page, err)
			}
			for _, h := range res.Hits {
				if _, dup := fixture.byID[h.ID]; dup {
					return fmt.Errorf("listing passages: %s on two pages", h.ID)
				}
				fixture.byID[h.ID] = h.Passage
				fixture.passages = append(fixture.passages, h.Passage)
			}
			if len(res.Hits) < MaxSize || uint64(len(fixture.passages)) >= res.Total {
				if uint64(len(fixture.passages)) != res.Total {
					return fmt.Errorf("listing passages: got %d, total says %d", len(fixture.passages), res.Total)
				}
				break
			}
		}
		return nil
	}()
}

// search runs req and fails the test on an error.
func search(t testing.TB, req Request) *Result {
	t.Helper()
	res, err := testSearcher(t).Search(context.Background(), req)
	if err != nil {
		t.Fatalf("Search(%+v): %v", req, err)
	}
	return res
}

// searchAll runs req and returns every hit, page by page (Page and Size of
// req are ignored).
func searchAll(t testing.TB, req Request) []Hit {
	t.Helper()
	var hits []Hit
	req.Size = MaxSize
	for req.Page = 1; ; req.Page++ {
		res := search(t, req)
		hits = append(hits, res.Hits...)
		if len(res.Hits) < MaxSize || uint64(len(hits)) >= res.Total {
			if uint64(len(hits)) != res.Total {
				t.Fatalf("Search(%+v): %d hits over all pages, total says %d", req, len(hits), res.Total)
			}
			return hits
		}
	}
}

func hitIDs(hits []Hit) []string {
	ids := make([]string, len(hits))
	for i, h := range hits {
		ids[i] = h.ID
	}
	return ids
}

func idSet(hits []Hit) map[string]bool {
	set := make(map[string]bool, len(hits))
	for _, h := range hits {
		set[h.ID] = true
	}
	return set
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// describe lists hits as "ID text…" lines, for failure messages.
func describe(hits []Hit) string {
	s := ""
	for i, h := range hits {
		s += fmt.Sprintf("\n    %d. %s %.3f %s", i+1, h.ID, h.Score, prefix(h.Text, 30))
	}
	if s == "" {
		s = " (none)"
	}
	return s
}

// prefix returns the first n characters of s.
func prefix(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}

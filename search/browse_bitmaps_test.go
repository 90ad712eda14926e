package search

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"zhengce/indexer"
)

// TestBrowseBitmapsWithDeletedPassages: a browse by facets answered from
// the facet values' document sets gives what bleve's matches give on an index whose
// segments hold deleted passages (an issue replaced by `add`, another taken
// out by `remove`).
func TestBrowseBitmapsWithDeletedPassages(t *testing.T) {
	dir := t.TempDir()
	corpus := filepath.Join(dir, "corpus")
	if err := os.MkdirAll(corpus, 0o755); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(fixtureGlob)
	for _, f := range append(files, seedIssue) {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(corpus, filepath.Base(f)), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	index := filepath.Join(dir, "data", "index")
	if _, err := indexer.Build(corpus, dataDir, index); err != nil {
		t.Fatal(err)
	}
	// Issue 89 again with one paragraph fewer: its passages are replaced.
	seed, err := os.ReadFile(seedIssue)
	if err != nil {
		t.Fatal(err)
	}
	cut := strings.Replace(string(seed), "托育", "托育服务", 3)
	replacement := filepath.Join(t.TempDir(), "issue-089.txt")
	if err := os.WriteFile(replacement, []byte(cut), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := indexer.Add(corpus, dataDir, index, []string{replacement}, false); err != nil {
		t.Fatal(err)
	}
	if _, err := indexer.Remove(corpus, index, []int{87}, false); err != nil {
		t.Fatal(err)
	}
	idx, err := indexer.Open(index)
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	aliases, err := idx.Aliases()
	if err != nil {
		t.Fatal(err)
	}
	searcher := func() *Searcher {
		s := New(idx, aliases)
		disableHitCache(s)
		if err := s.Warm(context.Background()); err != nil {
			t.Fatal(err)
		}
		return s
	}
	var reqs []Request
	for _, r := range goldenRequests(t) {
		if r.Query == "" && r.Topic == "" {
			reqs = append(reqs, r)
		}
	}
	if len(reqs) < 5 {
		t.Fatalf("%d browse requests among the golden ones", len(reqs))
	}
	answers := func(scan bool) []goldenAnswer {
		defer func(b bool) { bitmapBrowse = b }(bitmapBrowse)
		bitmapBrowse = scan
		return goldenAnswers(t, searcher(), reqs)
	}
	want := answers(false)
	for _, a := range want {
		if a.Error != "" {
			t.Fatalf("%+v: %s", a.Request, a.Error)
		}
	}
	if want[0].Total == 0 {
		t.Fatal("the first browse request found nothing")
	}
	compareGolden(t, want, answers(true))
}

package search

import (
	"math/rand"
	"strings"
	"testing"
	"unicode"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"

	"zhengce/indexer"
)

// TestSubstringRecallByField measures why passages are indexed twice: over
// substrings of 2–5 Chinese characters sampled from the passages themselves,
// the word field alone (gse words and sub-words) misses many paragraphs that
// contain the substring, while the bigram field finds all of them. The
// figures are logged; run with -v to see them.
func TestSubstringRecallByField(t *testing.T) {
	s := testSearcher(t)
	passages := allPassages(t)
	rng := rand.New(rand.NewSource(1))
	var subs []string
	for len(subs) < 300 {
		r := []rune(passages[rng.Intn(len(passages))].Text)
		n := 2 + rng.Intn(4)
		if len(r) <= n {
			continue
		}
		i := rng.Intn(len(r) - n)
		if allHan(r[i : i+n]) {
			subs = append(subs, string(r[i:i+n]))
		}
	}
	fields := []struct {
		name   string
		fields map[string]string // field → analyzer
	}{
		{"words", map[string]string{indexer.FieldText: indexer.AnalyzerWordsQuery}},
		{"bigrams", map[string]string{indexer.FieldTextNgram: indexer.AnalyzerNgram}},
		{"words+bigrams", map[string]string{indexer.FieldText: indexer.AnalyzerWordsQuery, indexer.FieldTextNgram: indexer.AnalyzerNgram}},
	}
	found := make([]int, len(fields))
	expected := 0
	for _, sub := range subs {
		want := map[string]bool{}
		for _, p := range passages {
			if strings.Contains(p.Text, sub) {
				want[p.ID] = true
			}
		}
		expected += len(want)
		for i, f := range fields {
			var qs []query.Query
			for field, analyzer := range f.fields {
				qs = append(qs, s.phrase(field, analyzer, sub, 1))
			}
			res, err := s.index.Search(bleve.NewSearchRequestOptions(query.NewDisjunctionQuery(qs), len(passages), 0, false))
			if err != nil {
				t.Fatal(err)
			}
			for _, h := range res.Hits {
				if want[h.ID] {
					found[i]++
				}
			}
		}
	}
	for i, f := range fields {
		t.Logf("%-14s recall %.3f (%d of %d substring occurrences, %d substrings)", f.name, float64(found[i])/float64(expected), found[i], expected, len(subs))
	}
	if found[2] != expected || found[1] != expected {
		t.Errorf("the bigram field must find every passage containing a substring: found %d and %d of %d", found[1], found[2], expected)
	}
	if found[0] == expected {
		t.Errorf("the word field alone found every substring; the bigram field may no longer be needed")
	}
}

func allHan(rs []rune) bool {
	for _, r := range rs {
		if !unicode.Is(unicode.Han, r) {
			return false
		}
	}
	return true
}

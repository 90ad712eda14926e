package indexer

import (
	"fmt"
	"os"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/lang/cjk"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/document"
	"github.com/blevesearch/bleve/v2/mapping"
	index "github.com/blevesearch/bleve_index_api"

	"zhengce"
	"zhengce/indexer/analysis/tokenizer/gse"
)

// analysed is what bleve indexes of one field of a document, and the size
// it counts it for.
type analysed struct {
	name      string
	options   index.FieldIndexingOptions
	value     string
	positions []uint64
	plain     uint64
	length    int
	freqs     index.TokenFrequencies
	size      int
}

// analyseDoc runs bleve's analysis of doc's fields, as an index does, and
// returns them by name (the mapping makes them in no set order).
func analyseDoc(doc *document.Document) []analysed {
	var out []analysed
	for _, f := range doc.Fields {
		f.Analyze()
		out = append(out, analysed{f.Name(), f.Options(), string(f.Value()), f.ArrayPositions(), f.NumPlainTextBytes(),
			f.AnalyzedLength(), f.AnalyzedTokenFrequencies(), f.Size()})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out
}

// plainDoc is the document bleve makes of a passage by itself (Batch.Index).
func plainDoc(t *testing.T, m mapping.IndexMapping, p *zhengce.Passage) *document.Document {
	t.Helper()
	data, err := Document(p)
	if err != nil {
		t.Fatal(err)
	}
	doc := document.NewDocument(p.ID)
	if err := m.MapDocument(doc, data); err != nil {
		t.Fatal(err)
	}
	return doc
}

// TestPreparedAnalysisIsBleves holds the documents the writer hands bleve,
// their text fields analysed ahead (while linking, or per batch with shared
// contexts), to the documents bleve makes and analyses by itself: every
// field of every passage of the six issues has the same name, options,
// value, length and term frequencies with their locations.
func TestPreparedAnalysisIsBleves(t *testing.T) {
	d := loadData(t)
	m, err := d.Mapping()
	if err != nil {
		t.Fatal(err)
	}
	an, err := analyzersOf(m)
	if err != nil || an == nil {
		t.Fatalf("analyzers: %v, %v", an, err)
	}
	n := 0
	for _, iss := range sixIssues(t) {
		fromLinks, pre, err := d.issuePassages(m, iss, an)
		if err != nil {
			t.Fatal(err)
		}
		plain, err := d.IssuePassages(m, iss)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(fromLinks, plain) {
			t.Fatalf("%s: passages differ when analysed ahead", iss.Source)
		}
		perBatch := an.prepare(plain)
		for i := range plain {
			p := &plain[i]
			want := analyseDoc(plainDoc(t, m, p))
			for name, pr := range map[string]*prepared{"linking": &pre[i], "batch": &perBatch[i]} {
				doc := plainDoc(t, m, p)
				if err := usePrepared(doc, pr); err != nil {
					t.Fatal(err)
				}
				got := analyseDoc(doc)
				if !reflect.DeepEqual(got, want) {
					for k := range want {
						if k < len(got) && !reflect.DeepEqual(got[k], want[k]) {
							t.Errorf("%s (analysed while %s): field %s differs:\n got %+v\nwant %+v", p.ID, name, want[k].name, got[k], want[k])
						}
					}
					if len(got) != len(want) {
						t.Errorf("%s: %d fields, want %d", p.ID, len(got), len(want))
					}
				}
			}
			n++
		}
	}
	if n < 130 {
		t.Errorf("compared %d passages", n)
	}
}

// TestAnalyzersAsBleveFilters holds the mapping's analyzers, which use the
// fused filters of package cjkfilter, to the same analyzers with bleve's
// own cjk_width, lowercase and cjk_bigram filters (the mapping before
// zhengce-4), on every passage's text and context of the six issues and on
// the queries of the graded set.
func TestAnalyzersAsBleveFilters(t *testing.T) {
	d := loadData(t)
	m, err := d.Mapping()
	if err != nil {
		t.Fatal(err)
	}
	old := mapping.NewIndexMapping()
	words := make([]interface{}, len(d.Words))
	for i, w := range d.Words {
		words[i] = w.String()
	}
	for name, mode := range map[string]gse.Mode{"zh_words_index": gse.ModeIndex, "zh_words_query": gse.ModeQuery} {
		if err := old.AddCustomTokenizer(name, map[string]interface{}{"type": gse.Name, gse.ConfigMode: string(mode), gse.ConfigWords: words}); err != nil {
			t.Fatal(err)
		}
	}
	for _, a := range []struct {
		name, tokenizer string
		filters         []interface{}
	}{
		{AnalyzerWords, "zh_words_index", []interface{}{cjk.WidthName, lowercase.Name}},
		{AnalyzerWordsQuery, "zh_words_query", []interface{}{cjk.WidthName, lowercase.Name}},
		{AnalyzerNgram, unicode.Name, []interface{}{cjk.WidthName, lowercase.Name, cjk.BigramName}},
	} {
		if err := old.AddCustomAnalyzer(a.name, map[string]interface{}{"type": custom.Name, "tokenizer": a.tokenizer, "token_filters": a.filters}); err != nil {
			t.Fatal(err)
		}
	}
	var texts []string
	for _, iss := range sixIssues(t) {
		ps, err := d.IssuePassages(m, iss)
		if err != nil {
			t.Fatal(err)
		}
		for i := range ps {
			texts = append(texts, ps[i].Text, contextOf(&ps[i]))
		}
	}
	graded, err := os.ReadFile("../testdata/graded.tsv")
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range strings.Split(string(graded), "\n") {
		if q, _, ok := strings.Cut(l, "\t"); ok && !strings.HasPrefix(q, "#") {
			texts = append(texts, q)
		}
	}
	texts = append(texts, "ＡＩ＋教育 ｶﾞｲﾄﾞ PCT Σίσυφος 2024年")
	show := func(ts analysis.TokenStream) string {
		var b strings.Builder
		for _, t := range ts {
			fmt.Fprintf(&b, "%q@%d[%d:%d]t%d ", t.Term, t.Position, t.Start, t.End, t.Type)
		}
		return b.String()
	}
	for _, name := range []string{AnalyzerWords, AnalyzerWordsQuery, AnalyzerNgram} {
		ours, theirs := m.AnalyzerNamed(name), old.AnalyzerNamed(name)
		for _, s := range texts {
			if got, want := show(ours.Analyze([]byte(s))), show(theirs.Analyze([]byte(s))); got != want {
				t.Fatalf("%s on %q:\n got %s\nwant %s", name, s, got, want)
			}
		}
	}
	t.Logf("%d texts, 3 analyzers", len(texts))
}

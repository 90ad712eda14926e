package indexer

import (
	"fmt"
	"path/filepath"
	"testing"

	"github.com/blevesearch/bleve/v2/analysis/lang/cjk"
	"github.com/blevesearch/bleve/v2/mapping"
	index "github.com/blevesearch/bleve_index_api"

	"zhengce"
	"zhengce/indexer/analysis/segmenter"
)

// benchPassageTarget is about how many passages one benchmark iteration
// indexes: enough that bulk indexing, not index creation, dominates.
const benchPassageTarget = 2000

// benchPassages returns the passages of the shipped issue and the fixtures,
// copied with distinct IDs until there are about benchPassageTarget of them.
func benchPassages(b *testing.B, d *Data, m mapping.IndexMapping) []zhengce.Passage {
	b.Helper()
	files, err := filepath.Glob("../testdata/issues/*.txt")
	if err != nil || len(files) == 0 {
		b.Fatalf("fixtures: %v (%d files)", err, len(files))
	}
	issues, err := ReadIssues(append(files, seedFile))
	if err != nil {
		b.Fatal(err)
	}
	var one []zhengce.Passage
	for _, iss := range issues {
		ps, err := d.IssuePassages(m, iss)
		if err != nil {
			b.Fatal(err)
		}
		one = append(one, ps...)
	}
	copies := (benchPassageTarget + len(one) - 1) / len(one)
	out := make([]zhengce.Passage, 0, copies*len(one))
	for c := 0; c < copies; c++ {
		for _, p := range one {
			p.ID = fmt.Sprintf("%s~%02d", p.ID, c)
			out = append(out, p)
		}
	}
	return out
}

// cjkBaselineMapping is the mapping a plain bleve set-up would use: the same
// document fields, but the text and context fields analysed by bleve's
// built-in cjk analyzer (bigrams) and no separate n-gram fields.
func cjkBaselineMapping(words []segmenter.Word) (*mapping.IndexMappingImpl, error) {
	ours, err := NewMapping(words)
	if err != nil {
		return nil, err
	}
	doc := ours.DefaultMapping
	delete(doc.Properties, FieldTextNgram)
	delete(doc.Properties, FieldContextNgram)
	for _, name := range []string{FieldText, FieldContext} {
		for _, f := range doc.Properties[name].Fields {
			f.Analyzer = cjk.AnalyzerName
		}
	}
	im := mapping.NewIndexMapping()
	im.ScoringModel = index.BM25Scoring
	im.DefaultType = docType
	im.TypeField = "_type"
	im.StoreDynamic, im.IndexDynamic, im.DocValuesDynamic = false, false, false
	im.DefaultAnalyzer = cjk.AnalyzerName
	im.AddDocumentMapping(docType, doc)
	im.DefaultMapping = doc
	return im, nil
}

// BenchmarkIndex measures bulk indexing of passages into a fresh on-disk
// index, from an empty directory to a closed index: ours (gse words plus CJK
// n-grams, for text and context) against bleve's cjk analyzer alone. The
// dictionary load and the passages' preparation are not timed.
func BenchmarkIndex(b *testing.B) {
	d := loadData(b)
	ours, err := d.Mapping() // loads the gse dictionary
	if err != nil {
		b.Fatal(err)
	}
	baseline, err := cjkBaselineMapping(d.Words)
	if err != nil {
		b.Fatal(err)
	}
	for _, f := range []string{FieldText, FieldContext} {
		if got := baseline.AnalyzerNameForPath(f); got != cjk.AnalyzerName {
			b.Fatalf("baseline analyses %s with %q", f, got)
		}
		if got := ours.AnalyzerNameForPath(f); got != AnalyzerWords {
			b.Fatalf("our mapping analyses %s with %q", f, got)
		}
	}
	if _, ok := baseline.DefaultMapping.Properties[FieldTextNgram]; ok {
		b.Fatal("baseline indexes the n-gram field")
	}
	passages := benchPassages(b, d, ours)

	for _, bm := range []struct {
		name string
		m    mapping.IndexMapping
	}{{"zhengce", ours}, {"cjk-baseline", baseline}} {
		b.Run(bm.name, func(b *testing.B) {
			root := b.TempDir()
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				idx, err := create(filepath.Join(root, fmt.Sprint(i)), bm.m)
				if err != nil {
					b.Fatal(err)
				}
				if err := write(idx, passages); err != nil {
					b.Fatal(err)
				}
				if err := idx.Close(); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			b.ReportMetric(float64(len(passages)*b.N)/b.Elapsed().Seconds(), "passages/s")
			b.ReportMetric(float64(len(passages)), "passages/op")
		})
	}
}

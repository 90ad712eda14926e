package indexer

import (
	"fmt"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2/analysis/lang/cjk"
	"github.com/blevesearch/bleve/v2/mapping"
	index "github.com/blevesearch/bleve_index_api"

	"zhengce"
	"zhengce/indexer/analysis/segmenter"
)

// benchPassageTarget is about how many passages one benchmark iteration
// indexes: enough that bulk indexing, not index creation, dominates, and
// enough segments that merging costs what it costs on a real archive.
const benchPassageTarget = 20000

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

// BenchmarkIndex measures bulk indexing — analysing the passages and
// writing them into a fresh on-disk index, from an empty directory to a
// closed index, as BuildFiles writes (batches in flight on every core, the
// collector's bulk setting) — for this engine's mapping (gse words and CJK
// n-grams, for text and context) against the same passages in the same
// mapping but for bleve's built-in cjk analyzer on text and context and no
// n-gram fields, the analysis a plain bleve set-up would use. Both go
// through the same writer; the baseline's documents are analysed by bleve
// itself, ours as BuildFiles does (see prepare).
//
// Each iteration indexes the passages both ways, in turn (the order
// alternates), so that a machine shared with other work slows both alike:
//
//	passages/s, cjk-passages/s  wall-clock rate of each
//	x-cjk-time                  ours' time over the baseline's
//	*/cpu-s                     passages per CPU-second of the process
//
// Run it with a few iterations (one is about 20,000 passages both ways):
//
//	go test -run '^$' -bench 'Index$' -benchtime 3x ./indexer/
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

	root := b.TempDir()
	type run struct {
		m         mapping.IndexMapping
		wall, cpu time.Duration
	}
	runs := []*run{{m: ours}, {m: baseline}}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for k := range runs {
			r := runs[(k+i)%2]
			dir := filepath.Join(root, fmt.Sprint(i, "-", (k+i)%2))
			wall0, cpu0 := time.Now(), cpuTime()
			restore := bulkGC() // as BuildFiles writes
			idx, err := create(dir, r.m)
			if err != nil {
				b.Fatal(err)
			}
			if err := write(idx, passages); err != nil {
				b.Fatal(err)
			}
			if err := idx.Close(); err != nil {
				b.Fatal(err)
			}
			restore()
			r.wall += time.Since(wall0)
			r.cpu += cpuTime() - cpu0
		}
	}
	b.StopTimer()
	n := float64(len(passages) * b.N)
	b.ReportMetric(n/runs[0].wall.Seconds(), "passages/s")
	b.ReportMetric(n/runs[1].wall.Seconds(), "cjk-passages/s")
	b.ReportMetric(runs[0].wall.Seconds()/runs[1].wall.Seconds(), "x-cjk-time")
	b.ReportMetric(n/runs[0].cpu.Seconds(), "passages/cpu-s")
	b.ReportMetric(n/runs[1].cpu.Seconds(), "cjk-passages/cpu-s")
	b.ReportMetric(float64(len(passages)), "passages/op")
}

// BenchmarkBuildFiles measures BuildFiles end to end — parsing the issue
// files, linking research directions, analysing and writing a fresh index,
// and the swap — on copies of the shipped issue and the fixtures under new
// running numbers, about benchPassageTarget passages (876 issues). The
// dictionary is loaded once before the timer starts (every command pays
// that second once, whatever the corpus):
//
//	go test -run '^$' -bench BuildFiles -benchtime 3x ./indexer/
func BenchmarkBuildFiles(b *testing.B) {
	d := loadData(b)
	if _, err := d.Mapping(); err != nil { // loads the gse dictionary
		b.Fatal(err)
	}
	tmp := b.TempDir()
	srcs := sourceIssueFiles(b)
	issues, err := ReadIssues(srcs)
	if err != nil {
		b.Fatal(err)
	}
	per := 0 // passages of one copy of the sources
	for _, iss := range issues {
		per += len(Passages(iss, nil, nil, nil))
	}
	n := (benchPassageTarget + per - 1) / per * len(srcs)
	files := writeRenumbered(b, filepath.Join(tmp, "issues"), n)
	passages := 0
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := cpuTime()
	for i := 0; i < b.N; i++ {
		st, err := BuildFiles(files, dataDir, filepath.Join(tmp, fmt.Sprint(i), "index"))
		if err != nil {
			b.Fatal(err)
		}
		passages = st.Passages
	}
	b.StopTimer()
	cpu := cpuTime() - cpu0
	b.ReportMetric(float64(passages*b.N)/b.Elapsed().Seconds(), "passages/s")
	b.ReportMetric(float64(passages*b.N)/cpu.Seconds(), "passages/cpu-s")
	b.ReportMetric(float64(passages), "passages/op")
}

// cpuTime is the CPU time this process has used so far, user and system,
// on every thread: on a shared machine it measures the work done better
// than the wall clock does.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

package eval

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"zhengce"
)

// Paths as seen from this package's directory, where `go test` runs.
const (
	gradedFile  = "../../testdata/graded.tsv"
	seedIssue   = "../../corpus/issue-089.txt"
	fixtureGlob = "../../testdata/issues/*.txt"
	dataDir     = "../../corpus/data"
)

// Floors for the engine on the graded set, set from the measured figures
// (nDCG@10 0.990, recall@10 0.984, MRR 0.993 when they were set; README,
// "Measuring relevance") with a small margin: a ranking change that costs
// more than that must be looked at, not waved through.
const (
	floorNDCG   = 0.975
	floorRecall = 0.97
	floorMRR    = 0.97
	// The engine must stay clearly ahead of both baselines.
	floorLead = 0.1
)

var shared struct {
	once    sync.Once
	bench   *Bench
	queries []Query
	sums    []*Summary // engine, then the baselines
	err     error
}

// measured builds the engine and the baselines once per test binary (the
// dictionary load alone takes about a second) and evaluates the graded set.
func measured(t *testing.T) ([]Query, []*Summary, *Bench) {
	t.Helper()
	shared.once.Do(func() {
		shared.err = func() error {
			files, err := filepath.Glob(fixtureGlob)
			if err != nil || len(files) == 0 {
				return fmt.Errorf("fixtures %s: %v (%d files)", fixtureGlob, err, len(files))
			}
			qs, err := ReadQueries(gradedFile)
			if err != nil {
				return err
			}
			b, err := Build(context.Background(), append([]string{seedIssue}, files...), dataDir)
			if err != nil {
				return err
			}
			shared.bench, shared.queries = b, qs
			for _, e := range b.Engines() {
				s, err := Evaluate(context.Background(), e, qs, b.Passages)
				if err != nil {
					return err
				}
				shared.sums = append(shared.sums, s)
			}
			return nil
		}()
	})
	if shared.err != nil {
		t.Fatalf("evaluating %s: %v", gradedFile, shared.err)
	}
	return shared.queries, shared.sums, shared.bench
}

func TestMain(m *testing.M) {
	code := m.Run()
	if shared.bench != nil {
		shared.bench.Close()
	}
	os.Exit(code)
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

func TestNDCG(t *testing.T) {
	grades := map[string]int{"a": 2, "b": 1, "c": 1}
	// Ideal: a, b, c → 3/log2(2) + 1/log2(3) + 1/log2(4) = 3 + 0.6309 + 0.5.
	idcg := 3 + 1/math.Log2(3) + 0.5
	tests := []struct {
		ranked []string
		want   float64
	}{
		{[]string{"a", "b", "c"}, 1},
		{[]string{"a", "c", "b"}, 1}, // equal grades in either order
		{[]string{"b", "a", "c"}, (1 + 3/math.Log2(3) + 0.5) / idcg},
		{[]string{"x", "a"}, (3 / math.Log2(3)) / idcg},
		{nil, 0},
	}
	for _, tt := range tests {
		if got := NDCG(tt.ranked, grades, 10); !near(got, tt.want) {
			t.Errorf("NDCG(%v) = %.4f, want %.4f", tt.ranked, got, tt.want)
		}
	}
	// Only the first k count, on both sides.
	if got, want := NDCG([]string{"x", "a"}, map[string]int{"a": 2}, 1), 0.0; got != want {
		t.Errorf("NDCG@1 with the passage second = %v, want %v", got, want)
	}
	if got := NDCG([]string{"b", "a"}, map[string]int{"a": 2, "b": 2}, 1); got != 1 {
		t.Errorf("NDCG@1 = %v, want 1", got)
	}
}

func TestRecall(t *testing.T) {
	grades := map[string]int{"a": 2, "b": 1}
	if got := Recall([]string{"x", "b", "y"}, grades, 10); got != 0.5 {
		t.Errorf("one of two found: %v", got)
	}
	// More relevant passages than fit on the page: the page full of them
	// is perfect.
	many := map[string]int{}
	var ranked []string
	for i := range 15 {
		id := fmt.Sprint(i)
		many[id] = 1
		ranked = append(ranked, id)
	}
	if got := Recall(ranked, many, 10); got != 1 {
		t.Errorf("a page of relevant passages out of 15: %v", got)
	}
	if got := Recall(append([]string{"x"}, ranked...), many, 10); !near(got, 0.9) {
		t.Errorf("nine relevant on the page out of 15: %v", got)
	}
}

func TestReciprocalRank(t *testing.T) {
	// The first passage of the top grade counts, not a related one above it.
	if got := ReciprocalRank([]string{"b", "x", "a"}, map[string]int{"a": 2, "b": 1}); !near(got, 1.0/3) {
		t.Errorf("RR = %v, want 1/3", got)
	}
	// A query whose best passages are only related.
	if got := ReciprocalRank([]string{"x", "b"}, map[string]int{"b": 1}); got != 0.5 {
		t.Errorf("RR = %v, want 1/2", got)
	}
	if got := ReciprocalRank([]string{"x"}, map[string]int{"a": 2}); got != 0 {
		t.Errorf("RR without the passage = %v, want 0", got)
	}
}

func TestParseQueries(t *testing.T) {
	qs, err := ParseQueries("t.tsv", strings.NewReader("# comment\n\n托育\t087-s01-001:2 089-d02:1\tnote\n\"普惠托育\"\t087-g01-01:2\n"))
	if err != nil {
		t.Fatal(err)
	}
	if len(qs) != 2 || qs[0].Text != "托育" || qs[0].Grades["089-d02"] != 1 || qs[0].Note != "note" || qs[0].Line != 3 || qs[1].TopGrade() != 2 {
		t.Errorf("parsed %+v", qs)
	}
	for _, bad := range []string{
		"托育\n",                               // no judgements column
		"托育\t087-s01-001:3\n",                // grade 3
		"托育\t087-s01-001\n",                  // no grade
		"托育\tfoo:2\n",                        // not an ID
		"托育\t087-s01-001:2 087-s01-001:1\n",  // graded twice
		"托育\t087-s01-001:2\n托育\t087-d01:2\n", // query twice
		"\t087-s01-001:2\n",                  // empty query
		"托育\t\n",                             // no judgements
	} {
		if _, err := ParseQueries("t.tsv", strings.NewReader(bad)); err == nil || !strings.Contains(err.Error(), "t.tsv:") {
			t.Errorf("%q: error %v, want one naming the file and line", bad, err)
		}
	}
}

// TestGradedSet checks the judgements against the corpus: every graded
// passage exists, and the set covers what the issue asks for.
func TestGradedSet(t *testing.T) {
	qs, _, b := measured(t)
	if len(qs) < 60 {
		t.Errorf("%s has %d queries, want at least 60", gradedFile, len(qs))
	}
	ids := map[string]zhengce.Passage{}
	for _, p := range b.Passages {
		ids[p.ID] = p
	}
	for _, q := range qs {
		for id := range q.Grades {
			if _, ok := ids[id]; !ok {
				t.Errorf("%s:%d %s: no passage %s", gradedFile, q.Line, q.Text, id)
			}
		}
	}
}

// TestEngineQuality is the floor: the engine's figures on the graded set,
// measured exactly as `zhengce eval` measures them.
func TestEngineQuality(t *testing.T) {
	qs, sums, _ := measured(t)
	var out strings.Builder
	Table(&out, sums, len(qs))
	t.Logf("%d graded queries:\n%s", len(qs), out.String())
	ours := sums[0]
	if ours.Engine != "zhengce" {
		t.Fatalf("the first engine is %s, want zhengce", ours.Engine)
	}
	for _, f := range []struct {
		name       string
		got, floor float64
	}{
		{"nDCG@10", ours.NDCG, floorNDCG},
		{"recall@10", ours.Recall, floorRecall},
		{"MRR", ours.MRR, floorMRR},
	} {
		if f.got < f.floor {
			var details strings.Builder
			Details(&details, ours)
			t.Errorf("%s %.3f is below the floor %.3f%s", f.name, f.got, f.floor, details.String())
		}
	}
	if ours.Zero > 0 {
		t.Errorf("%d queries find nothing", ours.Zero)
	}
	for _, base := range sums[1:] {
		if ours.NDCG < base.NDCG+floorLead || ours.Recall < base.Recall+floorLead {
			t.Errorf("not clearly ahead of %s: nDCG@10 %.3f vs %.3f, recall@10 %.3f vs %.3f",
				base.Engine, ours.NDCG, base.NDCG, ours.Recall, base.Recall)
		}
	}
}

// TestEngineFindsWhatSaysIt is the substring guarantee on the graded
// queries: every passage whose text contains every word of the query as
// typed (and no excluded one) is among the results.
func TestEngineFindsWhatSaysIt(t *testing.T) {
	_, sums, _ := measured(t)
	expected := 0
	for _, r := range sums[0].Results {
		expected += r.VerbatimExpected
		if len(r.VerbatimMissed) > 0 {
			t.Errorf("%s:%d %s: misses %s, which contain it verbatim", gradedFile, r.Query.Line, r.Query.Text, strings.Join(r.VerbatimMissed, " "))
		}
	}
	if expected == 0 {
		t.Error("no graded query is contained verbatim in any passage")
	}
	// The check has teeth: the word-only baseline, without sub-words or
	// n-grams, misses some (助学金 inside 奖助学金).
	if sums[2].VerbatimMissed == 0 {
		t.Errorf("%s misses no passage that contains a query verbatim: the check tests nothing", sums[2].Engine)
	}
}

// TestBaselinesAreReal guards the comparison: both baselines index the same
// passages and find what their analysis can find.
func TestBaselinesAreReal(t *testing.T) {
	_, _, b := measured(t)
	want := map[string]bool{}
	for _, p := range b.Passages {
		if strings.Contains(p.Text, "审计") {
			want[p.ID] = true
		}
	}
	for _, e := range b.Baselines {
		ids, err := e.Search(context.Background(), "审计")
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]bool{}
		for _, id := range ids {
			got[id] = true
		}
		for id := range want {
			if e.Name() == "bleve cjk analyzer" && !got[id] {
				t.Errorf("%s misses %s for 审计", e.Name(), id)
			}
		}
		if len(ids) == 0 {
			t.Errorf("%s finds nothing for 审计", e.Name())
		}
	}
}

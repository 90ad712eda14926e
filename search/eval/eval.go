// Package eval measures search quality on graded queries: nDCG@10,
// recall@10, MRR and the number of queries without results, for the engine
// as users get it (search.Searcher) and for two baselines built in the same
// run on the same passages: bleve's cjk analyzer, and gse words alone.
//
// The graded queries (testdata/graded.tsv) are judged by reading the
// passages; its header documents the format and the grades.
package eval

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"math"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"zhengce"
	"zhengce/search"
	"zhengce/search/verbatim"
)

// K is the cut-off of nDCG and recall: a first page of results.
const K = 10

// Query is one graded query.
type Query struct {
	Line   int
	Text   string         // as a researcher types it
	Grades map[string]int // passage ID → 2 (says it directly) or 1 (related)
	Note   string
}

// TopGrade is the highest grade among the query's passages.
func (q Query) TopGrade() int {
	top := 0
	for _, g := range q.Grades {
		top = max(top, g)
	}
	return top
}

var judgement = regexp.MustCompile(`^([0-9]{3}-[a-z][0-9]{2}(?:-[0-9]{2,3})?):([12])$`)

// ReadQueries reads a graded query file.
func ReadQueries(path string) ([]Query, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("graded queries: %w", err)
	}
	defer f.Close()
	return ParseQueries(path, f)
}

// ParseQueries reads graded queries from r; name is used in errors. Each
// line is `query TAB id:grade id:grade … [TAB note]`; blank lines and lines
// starting with # are skipped. A query listed twice, a passage graded twice
// or a query without judgements is an error.
func ParseQueries(name string, r io.Reader) ([]Query, error) {
	var out []Query
	seen := map[string]int{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimRight(sc.Text(), "\r")
		if n == 1 {
			line = strings.TrimPrefix(line, "\ufeff")
		}
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		cols := strings.Split(line, "\t")
		if len(cols) < 2 || len(cols) > 3 {
			return nil, fmt.Errorf("%s:%d: %d columns, want query, judgements and an optional note separated by tabs", name, n, len(cols))
		}
		q := Query{Line: n, Text: strings.TrimSpace(cols[0]), Grades: map[string]int{}}
		if len(cols) == 3 {
			q.Note = strings.TrimSpace(cols[2])
		}
		if q.Text == "" {
			return nil, fmt.Errorf("%s:%d: empty query", name, n)
		}
		if prev, dup := seen[q.Text]; dup {
			return nil, fmt.Errorf("%s:%d: query %q is already on line %d", name, n, q.Text, prev)
		}
		seen[q.Text] = n
		for _, j := range strings.Fields(cols[1]) {
			m := judgement.FindStringSubmatch(j)
			if m == nil {
				return nil, fmt.Errorf("%s:%d: %q is not passage-ID:grade with grade 1 or 2", name, n, j)
			}
			if _, dup := q.Grades[m[1]]; dup {
				return nil, fmt.Errorf("%s:%d: %s is graded twice", name, n, m[1])
			}
			q.Grades[m[1]], _ = strconv.Atoi(m[2])
		}
		if len(q.Grades) == 0 {
			return nil, fmt.Errorf("%s:%d: query %q has no judgements", name, n, q.Text)
		}
		out = append(out, q)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return out, nil
}

// NDCG is the normalised discounted cumulative gain of ranked at k, with
// gain 2^grade − 1 and discount log2(rank + 1); the ideal ranking lists the
// graded passages best first.
func NDCG(ranked []string, grades map[string]int, k int) float64 {
	dcg := 0.0
	for i, id := range ranked[:min(k, len(ranked))] {
		dcg += gain(grades[id]) / math.Log2(float64(i+2))
	}
	ideal := make([]int, 0, len(grades))
	for _, g := range grades {
		ideal = append(ideal, g)
	}
	sort.Sort(sort.Reverse(sort.IntSlice(ideal)))
	idcg := 0.0
	for i, g := range ideal[:min(k, len(ideal))] {
		idcg += gain(g) / math.Log2(float64(i+2))
	}
	if idcg == 0 {
		return 0
	}
	return dcg / idcg
}

func gain(grade int) float64 { return math.Exp2(float64(grade)) - 1 }

// Recall is the share of the relevant passages (grade 1 or 2) in the top k,
// out of min(k, number of relevant passages): a query with more relevant
// passages than fit on the page scores 1 when the page holds only relevant
// ones.
func Recall(ranked []string, grades map[string]int, k int) float64 {
	relevant := 0
	for _, g := range grades {
		if g > 0 {
			relevant++
		}
	}
	if relevant == 0 {
		return 0
	}
	found := 0
	for _, id := range ranked[:min(k, len(ranked))] {
		if grades[id] > 0 {
			found++
		}
	}
	return float64(found) / float64(min(k, relevant))
}

// ReciprocalRank is 1/rank of the first passage holding the query's highest
// grade (the passage the researcher had in mind), or 0 when none is found.
func ReciprocalRank(ranked []string, grades map[string]int) float64 {
	top := 0
	for _, g := range grades {
		top = max(top, g)
	}
	for i, id := range ranked {
		if top > 0 && grades[id] == top {
			return 1 / float64(i+1)
		}
	}
	return 0
}

// Engine answers a query with the IDs of every passage it finds, best first.
type Engine interface {
	Name() string
	Search(ctx context.Context, query string) ([]string, error)
}

// QueryResult is how one engine did on one query.
type QueryResult struct {
	Query             Query
	Hits              int
	Top               []string // the first K IDs
	NDCG, Recall, RR  float64
	VerbatimMissed    []string // passages whose text contains every term verbatim, not found
	VerbatimExpected  int
	RelevantNotInTopK []string
}

// Summary is one engine's figures over the graded set.
type Summary struct {
	Engine         string
	NDCG           float64 // mean nDCG@K
	Recall         float64 // mean recall@K
	MRR            float64
	Zero           int // queries with no result
	VerbatimMissed int // passages containing a query verbatim that the engine missed
	Results        []QueryResult
}

// Evaluate runs every query through e and scores it. passages are all the
// passages e searches, for the verbatim check.
func Evaluate(ctx context.Context, e Engine, queries []Query, passages []zhengce.Passage) (*Summary, error) {
	s := &Summary{Engine: e.Name()}
	for _, q := range queries {
		ids, err := e.Search(ctx, q.Text)
		if err != nil {
			return nil, fmt.Errorf("%s: query %q (line %d): %w", e.Name(), q.Text, q.Line, err)
		}
		r := QueryResult{
			Query: q, Hits: len(ids), Top: ids[:min(K, len(ids))],
			NDCG: NDCG(ids, q.Grades, K), Recall: Recall(ids, q.Grades, K), RR: ReciprocalRank(ids, q.Grades),
		}
		found := make(map[string]bool, len(ids))
		for _, id := range ids {
			found[id] = true
		}
		verbatim, err := ContainingVerbatim(q.Text, passages)
		if err != nil {
			return nil, err
		}
		r.VerbatimExpected = len(verbatim)
		for _, id := range verbatim {
			if !found[id] {
				r.VerbatimMissed = append(r.VerbatimMissed, id)
			}
		}
		inTop := map[string]bool{}
		for _, id := range r.Top {
			inTop[id] = true
		}
		for id, g := range q.Grades {
			if g > 0 && !inTop[id] {
				r.RelevantNotInTopK = append(r.RelevantNotInTopK, id)
			}
		}
		sort.Strings(r.RelevantNotInTopK)
		s.NDCG += r.NDCG
		s.Recall += r.Recall
		s.MRR += r.RR
		if r.Hits == 0 {
			s.Zero++
		}
		s.VerbatimMissed += len(r.VerbatimMissed)
		s.Results = append(s.Results, r)
	}
	if n := float64(len(queries)); n > 0 {
		s.NDCG /= n
		s.Recall /= n
		s.MRR /= n
	}
	return s, nil
}

// ContainingVerbatim lists the passages whose own text contains every
// positive term of query as typed (a number or Latin word not as part of a
// longer one) and no excluded term: the passages a substring search finds,
// which the engine must find too.
func ContainingVerbatim(query string, passages []zhengce.Passage) ([]string, error) {
	terms, err := search.ParseQuery(query)
	if err != nil {
		return nil, err
	}
	var ids []string
	positive := false
	for _, t := range terms {
		positive = positive || !t.Exclude
	}
	if !positive {
		return nil, nil
	}
	for _, p := range passages {
		ok := true
		for _, t := range terms {
			if verbatim.Contains(p.Text, t.Text) == t.Exclude {
				ok = false
				break
			}
		}
		if ok {
			ids = append(ids, p.ID)
		}
	}
	return ids, nil
}

// Table writes the summaries as a Markdown table.
func Table(w io.Writer, sums []*Summary, queries int) {
	fmt.Fprintf(w, "| engine | nDCG@%d | recall@%d | MRR | zero results | verbatim missed |\n", K, K)
	fmt.Fprintln(w, "|---|---|---|---|---|---|")
	for _, s := range sums {
		fmt.Fprintf(w, "| %s | %.3f | %.3f | %.3f | %d of %d | %d |\n", s.Engine, s.NDCG, s.Recall, s.MRR, s.Zero, queries, s.VerbatimMissed)
	}
}

// Details writes, for each query where an engine falls short of a perfect
// score, its figures and what is missing from its first page.
func Details(w io.Writer, s *Summary) {
	fmt.Fprintf(w, "\n%s: queries below nDCG@%d 1.000 or recall@%d 1.000 or MRR 1.000\n", s.Engine, K, K)
	n := 0
	for _, r := range s.Results {
		if r.NDCG >= 0.9995 && r.Recall >= 0.9995 && r.RR >= 0.9995 && len(r.VerbatimMissed) == 0 {
			continue
		}
		n++
		fmt.Fprintf(w, "  line %d %s: nDCG %.3f recall %.3f RR %.3f, %d hits\n", r.Query.Line, r.Query.Text, r.NDCG, r.Recall, r.RR, r.Hits)
		var top []string
		for _, id := range r.Top {
			top = append(top, fmt.Sprintf("%s:%d", id, r.Query.Grades[id]))
		}
		fmt.Fprintf(w, "    top: %s\n", strings.Join(top, " "))
		if r.Recall < 1 && len(r.RelevantNotInTopK) > 0 {
			fmt.Fprintf(w, "    relevant below the first page or not found: %s\n", strings.Join(r.RelevantNotInTopK, " "))
		}
		if len(r.VerbatimMissed) > 0 {
			fmt.Fprintf(w, "    contain it verbatim but not found: %s\n", strings.Join(r.VerbatimMissed, " "))
		}
	}
	if n == 0 {
		fmt.Fprintln(w, "  (none)")
	}
}

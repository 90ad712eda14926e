package indexer

import (
	"fmt"
	"path/filepath"
	"reflect"
	"sort"
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search/query"

	"zhengce"
)

// linkDirectionsIndex is LinkDirections as it was first written: the issue's
// body passages indexed into a throwaway in-memory bleve index and each
// direction's name searched for there. LinkDirections computes the same
// scores without the index; the tests below hold it to this.
func linkDirectionsIndex(m mapping.IndexMapping, iss *zhengce.Issue, passages []zhengce.Passage) (map[string][]int, error) {
	if len(iss.Directions) == 0 {
		return map[string][]int{}, nil
	}
	var body []zhengce.Passage
	for _, p := range passages {
		if p.Kind == zhengce.KindBody || p.Kind == zhengce.KindFurther {
			body = append(body, p)
		}
	}
	idx, err := create("", m)
	if err != nil {
		return nil, err
	}
	defer idx.Close()
	if err := write(idx, body); err != nil {
		return nil, err
	}
	bySection := make(map[string]int, len(body))
	for _, p := range body {
		bySection[p.ID] = p.Section.Ordinal
	}
	links := make(map[string][]int, len(iss.Directions))
	for _, d := range iss.Directions {
		words := query.NewMatchQuery(d.Name)
		words.SetField(FieldText)
		words.Analyzer = AnalyzerWordsQuery
		grams := query.NewMatchQuery(d.Name)
		grams.SetField(FieldTextNgram)
		grams.Analyzer = AnalyzerNgram
		req := bleve.NewSearchRequestOptions(query.NewDisjunctionQuery([]query.Query{words, grams}), len(body), 0, false)
		res, err := idx.Search(req)
		if err != nil {
			return nil, fmt.Errorf("linking direction %q: %w", d.Name, err)
		}
		scores := map[int][]float64{}
		for _, h := range res.Hits {
			ord := bySection[h.ID]
			scores[ord] = append(scores[ord], h.Score)
		}
		type scored struct {
			ord   int
			score float64
		}
		var ranked []scored
		for ord, s := range scores {
			sort.Sort(sort.Reverse(sort.Float64Slice(s)))
			total := 0.0
			for i := 0; i < len(s) && i < 3; i++ {
				total += s[i]
			}
			ranked = append(ranked, scored{ord, total})
		}
		sort.Slice(ranked, func(i, j int) bool {
			if ranked[i].score != ranked[j].score {
				return ranked[i].score > ranked[j].score
			}
			return ranked[i].ord < ranked[j].ord
		})
		for _, r := range ranked {
			if r.score < linkShare*ranked[0].score {
				break
			}
			links[d.Name] = append(links[d.Name], r.ord)
		}
	}
	return links, nil
}

// sixIssues parses the shipped issue and the fixtures.
func sixIssues(t testing.TB) []*zhengce.Issue {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(fixtureDir, "*.txt"))
	if err != nil || len(files) < 5 {
		t.Fatalf("fixtures: %v (%d files)", err, len(files))
	}
	issues, err := ReadIssues(append(files, seedFile))
	if err != nil {
		t.Fatal(err)
	}
	return issues
}

// TestLinkDirectionsAsIndexed holds LinkDirections to the links a bleve
// index of the issue gives: on the six issues' own directions, and on
// several hundred made-up ones per issue — every policy title and heading
// with 研究 after it, pieces of the passages of many lengths, words no
// passage says, Latin and digits — so that a difference in the arithmetic
// would show up as a different link or a different order.
func TestLinkDirectionsAsIndexed(t *testing.T) {
	d := loadData(t)
	m, err := d.Mapping()
	if err != nil {
		t.Fatal(err)
	}
	made := 0
	for _, iss := range sixIssues(t) {
		ps := Passages(iss, nil, d.Taxonomy.Aliases, nil)
		want, err := linkDirectionsIndex(m, iss, ps)
		if err != nil {
			t.Fatal(err)
		}
		got, err := LinkDirections(m, iss, ps)
		if err != nil {
			t.Fatal(err)
		}
		if len(iss.Directions) == 0 || len(want) == 0 {
			t.Errorf("%s: no directions linked (%d directions)", iss.Source, len(iss.Directions))
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: links\n got %v\nwant %v", iss.Source, got, want)
		}

		// Made-up directions.
		names := map[string]bool{}
		add := func(s string) {
			if s != "" {
				names[s] = true
			}
		}
		for _, s := range iss.Sections {
			add(s.PolicyTitle + "研究")
			add(s.Heading)
		}
		for i, p := range ps {
			r := []rune(p.Text)
			for k := 0; k < 3; k++ {
				start := (i*7 + k*13) % max(len(r), 1)
				end := min(len(r), start+2+(i+k)%9)
				add(string(r[start:end]) + "研究")
				add(string(r[start:end]))
			}
		}
		for _, s := range []string{"量子引力研究", "研", "PCT专利研究", "2024年研究", "技能 人才", "ＡＩ教育研究", "托育托育研究"} {
			add(s)
		}
		fake := *iss
		fake.Directions = nil
		for name := range names {
			fake.Directions = append(fake.Directions, zhengce.Direction{Ordinal: len(fake.Directions) + 1, Name: name})
		}
		sort.Slice(fake.Directions, func(i, j int) bool { return fake.Directions[i].Name < fake.Directions[j].Name })
		made += len(fake.Directions)
		want, err = linkDirectionsIndex(m, &fake, ps)
		if err != nil {
			t.Fatal(err)
		}
		got, err = LinkDirections(m, &fake, ps)
		if err != nil {
			t.Fatal(err)
		}
		bad := 0
		for _, dir := range fake.Directions {
			if !reflect.DeepEqual(got[dir.Name], want[dir.Name]) {
				if bad++; bad <= 10 {
					t.Errorf("%s: made-up direction %q: links %v, want %v", iss.Source, dir.Name, got[dir.Name], want[dir.Name])
				}
			}
		}
		if len(got) != len(want) {
			t.Errorf("%s: %d made-up directions linked, want %d", iss.Source, len(got), len(want))
		}
	}
	t.Logf("%d made-up directions compared", made)
}

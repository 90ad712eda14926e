package indexer

import (
	"fmt"
	"sort"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search/query"

	"zhengce"
)

// linkShare is how close to the best section another section must score to be
// linked too: a direction that draws on two sections scores about as well on
// both, while unrelated sections trail far behind.
const linkShare = 0.6

// LinkDirections links each research direction of an issue to the policy
// sections it draws on, by searching the issue's section passages for the
// direction's name with the engine's own analysis and scoring: a section
// scores the sum of its three best passages. It returns direction name →
// section ordinals, best first.
func LinkDirections(m mapping.IndexMapping, iss *zhengce.Issue, passages []zhengce.Passage) (map[string][]int, error) {
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

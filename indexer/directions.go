package indexer

import (
	"fmt"
	"math"
	"sort"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/mapping"

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
//
// The search is the one bleve would run on an index of the issue's body and
// further-reading passages — a disjunction of the name matched in the word
// field (query analyzer) and in the n-gram field, scored by TF-IDF — but
// computed directly: each passage's text is analysed once, with the index's
// analyzers, and only the terms of the directions' names are counted. The
// arithmetic is bleve's (see score), so the links are the ones an index
// would give (directions_test.go compares them).
func LinkDirections(m mapping.IndexMapping, iss *zhengce.Issue, passages []zhengce.Passage) (map[string][]int, error) {
	return linkDirections(m, iss, passages, nil)
}

// linkDirections is LinkDirections; pre, when not nil, is the passages'
// analysis (see prepare), used rather than analysing their text again.
func linkDirections(m mapping.IndexMapping, iss *zhengce.Issue, passages []zhengce.Passage, pre []prepared) (map[string][]int, error) {
	links := make(map[string][]int, len(iss.Directions))
	if len(iss.Directions) == 0 {
		return links, nil
	}
	var fields [2]linkField
	for i, f := range []struct {
		field, query string
		pre          int
	}{
		{FieldText, AnalyzerWordsQuery, fText},
		{FieldTextNgram, m.AnalyzerNameForPath(FieldTextNgram), fTextNgram},
	} {
		fields[i].index = m.AnalyzerNamed(m.AnalyzerNameForPath(f.field))
		fields[i].query = m.AnalyzerNamed(f.query)
		if fields[i].index == nil || fields[i].query == nil {
			return nil, fmt.Errorf("linking directions: no analyzer for %s", f.field)
		}
		fields[i].slot = map[string]int{}
		fields[i].pre = f.pre
	}

	// The directions' terms, as their queries would have them, in order
	// and with repeats (bleve makes one term query per token).
	queries := make([][2][]int, len(iss.Directions))
	for d, dir := range iss.Directions {
		for f := range fields {
			for _, tok := range fields[f].query.Analyze([]byte(dir.Name)) {
				queries[d][f] = append(queries[d][f], fields[f].slotOf(tok.Term))
			}
		}
	}

	// Each body passage's length and counts of those terms, per field.
	var docs []linkDoc
	for i := range passages {
		p := &passages[i]
		if p.Kind != zhengce.KindBody && p.Kind != zhengce.KindFurther {
			continue
		}
		doc := linkDoc{section: p.Section.Ordinal}
		text := []byte(p.Text)
		for f := range fields {
			lf := &fields[f]
			var tokens analysis.TokenStream
			if pre != nil {
				tokens = pre[i][lf.pre]
			} else {
				tokens = lf.index.Analyze(text)
			}
			doc.norm[f] = fieldNorm(len(tokens))
			for _, tok := range tokens {
				if s, ok := lf.slot[string(tok.Term)]; ok {
					doc.tf[f] = addTF(doc.tf[f], s)
				}
			}
			for _, t := range doc.tf[f] {
				lf.df[t.slot]++
			}
		}
		docs = append(docs, doc)
	}

	type scored struct {
		ord   int
		score float64
	}
	for d, dir := range iss.Directions {
		scores := map[int][]float64{}
		q := newLinkQuery(&fields, queries[d], len(docs))
		for i := range docs {
			if s, ok := q.score(&docs[i]); ok {
				scores[docs[i].section] = append(scores[docs[i].section], s)
			}
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
			links[dir.Name] = append(links[dir.Name], r.ord)
		}
	}
	return links, nil
}

// linkField is one of the two fields a direction is matched in.
type linkField struct {
	index, query analysis.Analyzer
	slot         map[string]int // a term of some direction's query → its slot
	df           []int          // slot → passages whose field holds the term
	pre          int            // the field's place in a prepared value
}

func (f *linkField) slotOf(term []byte) int {
	s, ok := f.slot[string(term)]
	if !ok {
		s = len(f.df)
		f.slot[string(term)] = s
		f.df = append(f.df, 0)
	}
	return s
}

// linkDoc is a body passage as the scoring sees it.
type linkDoc struct {
	section int
	norm    [2]float64
	tf      [2][]termCount // the query terms it holds, per field
}

type termCount struct{ slot, n int }

func addTF(tf []termCount, slot int) []termCount {
	for i := range tf {
		if tf[i].slot == slot {
			tf[i].n++
			return tf
		}
	}
	return append(tf, termCount{slot, 1})
}

func (d *linkDoc) freq(field, slot int) int {
	for _, t := range d.tf[field] {
		if t.slot == slot {
			return t.n
		}
	}
	return 0
}

// fieldNorm is the norm scorch stores for a field of n tokens: 1/√n,
// rounded to a float32.
func fieldNorm(n int) float64 {
	return float64(float32(1.0 / math.Sqrt(float64(n))))
}

// linkQuery is one direction's query: per field, its term searchers in the
// order bleve's disjunction visits them.
type linkQuery struct {
	terms [2][]linkTerm
	// fieldOrder is the order of the two fields' disjunctions in the outer
	// one (fewest matching passages first, as bleve sorts its searchers).
	fieldOrder [2]int
}

type linkTerm struct {
	slot   int
	df     int
	idf    float64
	weight float64 // queryBoost × idf × queryNorm
}

// newLinkQuery sets up what bleve's searchers would: each term's idf over
// n passages (TF-IDF: 1 + ln(n / (df+1))), the query norm over every term
// of both fields, and the order in which disjunctions sum their matches
// (sorted by how many passages each searcher matches).
func newLinkQuery(fields *[2]linkField, slots [2][]int, n int) *linkQuery {
	q := &linkQuery{}
	var count [2]int
	for f := range slots {
		terms := make(byCount, len(slots[f]))
		for i, s := range slots[f] {
			df := fields[f].df[s]
			terms[i] = linkTerm{slot: s, df: df, idf: 1.0 + math.Log(float64(n)/float64(df+1))}
			count[f] += df
		}
		sort.Sort(terms)
		q.terms[f] = terms
	}
	q.fieldOrder = [2]int{0, 1}
	if count[1] < count[0] {
		q.fieldOrder = [2]int{1, 0}
	}
	sum := 0.0
	for _, f := range q.fieldOrder {
		inner := 0.0
		for _, t := range q.terms[f] {
			w := 1.0 * t.idf
			inner += w * w
		}
		sum += inner
	}
	norm := 1.0 / math.Sqrt(sum)
	for f := range q.terms {
		for i := range q.terms[f] {
			t := &q.terms[f][i]
			t.weight = 1.0 * t.idf * norm
		}
	}
	return q
}

// score is the passage's score, as bleve's disjunction of two match
// queries would compute it, and whether it matches at all.
func (q *linkQuery) score(d *linkDoc) (float64, bool) {
	outer, matched := 0.0, 0
	for _, f := range q.fieldOrder {
		terms := q.terms[f]
		if len(terms) == 0 {
			continue // bleve's match-none searcher: counted, never matching
		}
		inner, hits := 0.0, 0
		for _, t := range terms {
			freq := d.freq(f, t.slot)
			if freq == 0 {
				continue
			}
			s := math.Sqrt(float64(freq)) * d.norm[f] * t.idf
			if t.weight != 1.0 {
				s *= t.weight
			}
			inner += s
			hits++
		}
		if hits == 0 {
			continue
		}
		outer += inner * (float64(hits) / float64(len(terms)))
		matched++
	}
	if matched == 0 {
		return 0, false
	}
	return outer * (float64(matched) / 2), true
}

// byCount sorts term searchers as bleve's OrderedSearcherList does.
type byCount []linkTerm

func (b byCount) Len() int           { return len(b) }
func (b byCount) Less(i, j int) bool { return b[i].df < b[j].df }
func (b byCount) Swap(i, j int)      { b[i], b[j] = b[j], b[i] }

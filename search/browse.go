package search

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"sync"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"

	"zhengce"
	"zhengce/indexer"
)

// IssueSummary describes one indexed issue.
type IssueSummary = indexer.IssueSummary

// Topic is a recommended research direction and the issues that proposed it.
type Topic struct {
	Name string `json:"name"`
	// Issues proposed the direction, newest first.
	Issues []zhengce.IssueRef `json:"issues"`
	// Passages is how many passages are linked to the direction.
	Passages int `json:"passages"`
}

// catalogue reads the index's catalogue once per Searcher: it changes only
// with a new index, and a new index gets a new Searcher.
type catalogue struct {
	once   sync.Once
	issues []IssueSummary
	err    error
}

func (s *Searcher) catalogue() ([]IssueSummary, error) {
	s.cat.once.Do(func() { s.cat.issues, s.cat.err = s.index.Catalogue() })
	return s.cat.issues, s.cat.err
}

// Issues lists every indexed issue, newest first.
func (s *Searcher) Issues(ctx context.Context) ([]IssueSummary, error) {
	return s.catalogue()
}

// Issue returns one issue's summary and all its passages in the order the
// bulletin reads. An issue not in the index is an ENOTFOUND error.
func (s *Searcher) Issue(ctx context.Context, running int) (*IssueSummary, []zhengce.Passage, error) {
	c, err := s.catalogue()
	if err != nil {
		return nil, nil, err
	}
	var sum *IssueSummary
	for i := range c {
		if c[i].Running == running {
			sum = &c[i]
			break
		}
	}
	if sum == nil {
		return nil, nil, zhengce.Errorf(zhengce.ENOTFOUND, "no issue 总第 %d 期 in the index", running)
	}
	inIssue := query.NewTermQuery(strconv.Itoa(running))
	inIssue.SetField(indexer.FieldIssue)
	const page = 1000
	passages := make([]zhengce.Passage, 0, sum.Passages)
	for from := 0; ; from += page {
		sr := bleve.NewSearchRequestOptions(inIssue, page, from, false)
		sr.Fields = []string{indexer.FieldSource}
		sr.SortBy([]string{indexer.FieldOrdinal, "_id"})
		res, err := s.index.SearchInContext(ctx, sr)
		if err != nil {
			return nil, nil, fmt.Errorf("reading issue %d: %w", running, err)
		}
		for _, h := range res.Hits {
			hit, err := toHit(h)
			if err != nil {
				return nil, nil, err
			}
			passages = append(passages, hit.Passage)
		}
		if len(res.Hits) < page {
			break
		}
	}
	return sum, passages, nil
}

// Topics lists every recommended research direction across the issues, the
// most recently proposed first, with the number of passages linked to each.
// The list is made once per Searcher (its index never changes).
func (s *Searcher) Topics(ctx context.Context) ([]Topic, error) {
	s.topics.mu.Lock()
	defer s.topics.mu.Unlock()
	if s.topics.list == nil {
		list, err := s.listTopics(ctx)
		if err != nil {
			return nil, err
		}
		s.topics.list = list
	}
	return slices.Clone(s.topics.list), nil
}

// topicList is the Searcher's list of topics, made on first use.
type topicList struct {
	mu   sync.Mutex
	list []Topic
}

func (s *Searcher) listTopics(ctx context.Context) ([]Topic, error) {
	c, err := s.catalogue()
	if err != nil {
		return nil, err
	}
	var topics []Topic
	at := map[string]int{}
	for _, iss := range c { // newest first, so topics come out newest first
		ref := zhengce.IssueRef{Number: iss.Number, Running: iss.Running, Date: iss.Date, Title: iss.Title}
		for _, name := range iss.Directions {
			i, ok := at[name]
			if !ok {
				i = len(topics)
				at[name] = i
				topics = append(topics, Topic{Name: name})
			}
			topics[i].Issues = append(topics[i].Issues, ref)
		}
	}
	if len(topics) == 0 {
		return []Topic{}, nil
	}
	var counts []FacetValue
	if cols := s.columns(); cols != nil {
		counts = cols.valuesOverAll(facetIndex(FacetDirection), len(topics))
	} else {
		sr := bleve.NewSearchRequestOptions(query.NewMatchAllQuery(), 0, 0, false)
		sr.AddFacet(FacetDirection, bleve.NewFacetRequest(indexer.FieldDirections, len(topics)))
		res, err := s.index.SearchInContext(ctx, sr)
		if err != nil {
			return nil, fmt.Errorf("counting topic passages: %w", err)
		}
		counts = facetValues(res.Facets[FacetDirection])
	}
	for _, v := range counts {
		if i, ok := at[v.Value]; ok {
			topics[i].Passages = v.Count
		}
	}
	return topics, nil
}

// Topic returns one research direction. A name no issue proposed is an
// ENOTFOUND error.
func (s *Searcher) Topic(ctx context.Context, name string) (*Topic, error) {
	topics, err := s.Topics(ctx)
	if err != nil {
		return nil, err
	}
	for i := range topics {
		if topics[i].Name == name {
			return &topics[i], nil
		}
	}
	return nil, zhengce.Errorf(zhengce.ENOTFOUND, "no issue recommends the research direction %q", name)
}

// boostLinked puts the passages linked to a topic above every passage that
// only matches its subject: text scores stay well below it.
const boostLinked = 100

// TopicSubject is what a research direction is about: its name without the
// ending every direction carries (研究, from aliases.toml's [direction]), so
// that the topic also finds passages that discuss the subject
// (技能人才评价体系) without proposing research on it.
func (s *Searcher) TopicSubject(name string) string {
	if s.aliases == nil {
		return name
	}
	return s.aliases.Subject(name)
}

// topicQuery finds the passages of a topic: those linked to the direction
// first, then those whose text matches its subject. terms, the user's own
// query, narrow it further.
func (s *Searcher) topicQuery(name string, terms []Term) query.Query {
	linked := query.NewTermQuery(name)
	linked.SetField(indexer.FieldDirections)
	linked.SetBoost(boostLinked)
	about := s.textQuery([]Term{{Text: s.TopicSubject(name)}})
	topic := query.NewDisjunctionQuery([]query.Query{linked, about})
	if len(terms) == 0 {
		return topic
	}
	return query.NewBooleanQuery([]query.Query{topic, s.textQuery(terms)}, nil, nil)
}

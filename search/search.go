// Package search answers a researcher's query over the passage index: parses
// the query, expands aliases, applies facet filters, ranks, highlights and
// counts facets.
package search

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/mapping"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"

	"zhengce"
	"zhengce/indexer"
)

// Facet names, as they appear in a Result and in request parameters.
const (
	FacetBody      = "body"
	FacetArea      = "area"
	FacetDirection = "direction"
	FacetDocType   = "doc_type"
	FacetKind      = "kind"
	FacetIssue     = "issue"
	FacetMonth     = "month"
)

// facets maps a facet to its index field and how many values it lists.
var facets = []struct {
	name, field string
	size        int
}{
	{FacetBody, indexer.FieldBodies, 100},
	{FacetArea, indexer.FieldAreas, 100},
	{FacetDirection, indexer.FieldDirections, 200},
	{FacetDocType, indexer.FieldDocType, 50},
	{FacetKind, indexer.FieldKind, 10},
	{FacetIssue, indexer.FieldIssue, 1000},
	{FacetMonth, indexer.FieldMonth, 1000},
}

// Sort orders.
const (
	SortRelevance = "relevance"
	SortDate      = "date"
)

// Size limits of a page of hits.
const (
	DefaultSize = 10
	MaxSize     = 100
)

// Request is a search: a query string and filters. Within one filter several
// values are alternatives (OR); different filters must all hold (AND).
type Request struct {
	Query      string
	Bodies     []string
	Areas      []string
	Directions []string
	DocTypes   []string
	Kinds      []string
	Issues     []int // running numbers
	From, To   zhengce.Date
	Sort       string // SortRelevance (default) or SortDate
	Page       int    // from 1; 0 means 1
	Size       int    // 0 means DefaultSize
	// Topic, a research direction's name, lists the passages linked to it
	// first, then the best matches for its subject (see TopicSubject).
	Topic string
}

// Result is the answer to a Request, in the JSON the CLI prints and the web
// API serves.
type Result struct {
	Query  string                  `json:"query"`
	Total  uint64                  `json:"total"`
	Page   int                     `json:"page"`
	Size   int                     `json:"size"`
	TookMS float64                 `json:"took_ms"`
	Hits   []Hit                   `json:"hits"`
	Facets map[string][]FacetValue `json:"facets"`
}

// Hit is one passage found, with its score and its text highlighted.
type Hit struct {
	zhengce.Passage
	Score float64 `json:"score"`
	// Highlight is the passage's text, HTML-escaped, with <mark> around what
	// matched the query.
	Highlight string `json:"highlight"`
	// Linked marks a passage linked to the request's Topic.
	Linked bool `json:"linked,omitempty"`
}

// FacetValue is one value of a facet and how many passages have it.
type FacetValue struct {
	Value string `json:"value"`
	Count int    `json:"count"`
}

// Aliases expands a query word to the other names of the same thing.
type Aliases interface {
	Expand(term string) []string
	CanonicalBody(name string) string
	KnownBody(name string) bool
	// Subject is what a research direction's name is about (see
	// TopicSubject).
	Subject(direction string) string
}

// Searcher searches one open index.
type Searcher struct {
	index   *indexer.Index
	aliases Aliases
	cat     catalogue
	col     columnState
	drawn   drawnCache
	topics  topicList
	hits    *hitCache
	// analysed keeps how query texts were cut: a query cuts the same
	// words several times (for each field, and again for its bonuses).
	analysed analysisCache
}

// New returns a Searcher over idx; aliases may be nil.
func New(idx *indexer.Index, aliases Aliases) *Searcher {
	return &Searcher{index: idx, aliases: aliases, hits: newHitCache(hitCacheBytes)}
}

// Search runs req. A malformed request is a *zhengce.Error with code
// EINVALID naming the parameter.
func (s *Searcher) Search(ctx context.Context, req Request) (*Result, error) {
	start := time.Now()
	s.searched()
	if err := normalise(&req); err != nil {
		return nil, err
	}
	terms, err := ParseQuery(req.Query)
	if err != nil {
		return nil, err
	}
	if len(terms) == 0 && strings.TrimSpace(req.Query) != "" {
		return nil, zhengce.Errorf(zhengce.EINVALID, "query %q has no words to search for", req.Query)
	}
	var q query.Query
	if req.Topic != "" {
		q = s.topicQuery(req.Topic, terms)
	} else {
		drawn, err := s.directionsDrawn(ctx, terms)
		if err != nil {
			return nil, err
		}
		q = s.rankingQuery(terms, drawn)
	}
	values := filterValues(req, s.aliases)
	filters := s.filters(req, values)
	byDate := req.Sort == SortDate || (!hasPositive(terms) && req.Topic == "")
	if c := s.columns(); c != nil {
		out, err := s.searchColumns(ctx, c, q, filters, values, req, byDate)
		if err == nil {
			out.TookMS = float64(time.Since(start).Microseconds()) / 1000
			return out, nil
		}
		if !errors.Is(err, errStale) {
			return nil, fmt.Errorf("searching: %w", err)
		}
	}

	sr := bleve.NewSearchRequestOptions(withFilters(q, filters, ""), req.Size, (req.Page-1)*req.Size, false)
	sr.IncludeLocations = true
	sr.Fields = []string{indexer.FieldSource}
	if byDate {
		sr.SortBy([]string{"-" + indexer.FieldDate, "-" + indexer.FieldRunning, indexer.FieldOrdinal, "_id"})
	} else {
		sr.SortBy([]string{"-_score", "-" + indexer.FieldDate, indexer.FieldOrdinal, "_id"})
	}
	for _, f := range facets {
		if _, active := filters[f.name]; !active {
			sr.AddFacet(f.name, bleve.NewFacetRequest(f.field, f.size))
		}
	}
	res, err := s.index.SearchInContext(ctx, sr)
	if err != nil {
		return nil, fmt.Errorf("searching: %w", err)
	}
	out := &Result{
		Query: req.Query, Total: res.Total, Page: req.Page, Size: req.Size,
		Hits: make([]Hit, 0, len(res.Hits)), Facets: map[string][]FacetValue{},
	}
	for _, h := range res.Hits {
		hit, err := toHit(h)
		if err != nil {
			return nil, err
		}
		hit.Linked = req.Topic != "" && slices.Contains(hit.Directions, req.Topic)
		out.Hits = append(out.Hits, hit)
	}
	for _, f := range facets {
		if fr, ok := res.Facets[f.name]; ok {
			out.Facets[f.name] = facetValues(fr)
		}
	}
	// A facet with an active filter counts with every other filter but its
	// own, so the sidebar still offers the alternatives to add (OR).
	for _, f := range facets {
		if _, active := filters[f.name]; !active {
			continue
		}
		fr := bleve.NewSearchRequestOptions(withFilters(q, filters, f.name), 0, 0, false)
		fr.AddFacet(f.name, bleve.NewFacetRequest(f.field, f.size))
		r, err := s.index.SearchInContext(ctx, fr)
		if err != nil {
			return nil, fmt.Errorf("counting facet %s: %w", f.name, err)
		}
		out.Facets[f.name] = facetValues(r.Facets[f.name])
	}
	out.TookMS = float64(time.Since(start).Microseconds()) / 1000
	return out, nil
}

func normalise(req *Request) error {
	if req.Page == 0 {
		req.Page = 1
	}
	if req.Size == 0 {
		req.Size = DefaultSize
	}
	switch {
	case req.Page < 1:
		return zhengce.Errorf(zhengce.EINVALID, "page must be 1 or more, not %d", req.Page)
	case req.Size < 1 || req.Size > MaxSize:
		return zhengce.Errorf(zhengce.EINVALID, "size must be between 1 and %d, not %d", MaxSize, req.Size)
	case req.Sort == "":
		req.Sort = SortRelevance
	case req.Sort != SortRelevance && req.Sort != SortDate:
		return zhengce.Errorf(zhengce.EINVALID, "sort must be %q or %q, not %q", SortRelevance, SortDate, req.Sort)
	}
	if !req.From.IsZero() && !req.To.IsZero() && req.To.Before(req.From.Time) {
		return zhengce.Errorf(zhengce.EINVALID, "to (%s) is before from (%s)", req.To, req.From)
	}
	return nil
}

func hasPositive(terms []Term) bool {
	for _, t := range terms {
		if !t.Exclude {
			return true
		}
	}
	return false
}

// Boosts of the ways a term can match. A match in the passage's own text
// counts most; a match in the policy title or heading path above it makes the
// passage a hit too, ranked below passages that say it themselves.
const (
	boostText      = 1.0
	boostNgram     = 0.6
	boostContext   = 0.15
	boostAllInText = 2.0
	// A research direction's name typed in full: the passages linked to it,
	// weakly, and those that say its subject, at this share.
	boostDirection = 0.05
	boostSubject   = 0.8
	// A long term (partialMinRunes characters or more, several words) also
	// finds the passages that say one of its longer words (partialWordRunes
	// characters or more), at this boost per word of the term they say.
	boostPartial     = 0.2
	partialMinRunes  = 6
	partialWordRunes = 3
	// An issuing body typed in the query acts like the body filter: every
	// passage of a document the body issued scores the same constant, a
	// research direction drawn on one a third of it, and the body's other
	// names in a passage's text count at this share of an ordinary word (the
	// name as typed counts fully), so that the other words of the query
	// decide the order.
	boostBody      = 0.3
	boostBodyText  = 0.3
	boostBodyDirec = boostBody / 3
	// An excluded word drops the passages whose text says it; every other
	// passage scores this constant unless its policy title or headings say
	// the word (or it is a direction drawn on such a policy), which puts
	// those below the rest.
	boostNotInContext = 10.0
	// A research direction drawn on a policy whose title or headings say a
	// word of the query.
	boostDrawn = 0.3
)

// textQuery builds the scoring query: every positive term must match (in
// the text, its n-grams, its context, or as a body name), no excluded term
// may match the text.
func (s *Searcher) textQuery(terms []Term) query.Query { return s.rankingQuery(terms, nil) }

// directionsDrawn returns, for each term but a positive phrase, the research
// directions drawn on the sections whose policy title or headings say it
// (or, for a direction's name, its subject): a query naming a policy also
// finds the directions proposed from it, and an excluded word moves them
// down with the policy. What a word draws is kept for the life of the
// Searcher (its index never changes).
func (s *Searcher) directionsDrawn(ctx context.Context, terms []Term) ([][]string, error) {
	out := make([][]string, len(terms))
	for i, t := range terms {
		if t.Phrase && !t.Exclude {
			continue
		}
		if d, ok := s.drawn.get(t.Text); ok {
			out[i] = d
			continue
		}
		d, err := s.drawnBy(ctx, t.Text)
		if err != nil {
			return nil, fmt.Errorf("finding the directions drawn on %q: %w", t.Text, err)
		}
		s.drawn.put(t.Text, d)
		out[i] = d
	}
	return out, nil
}

// drawnDirectionsMax is how many directions a word draws at most (the most
// often linked).
const drawnDirectionsMax = 1000

// drawnBy finds the directions drawn on what says term (see
// directionsDrawn): the directions of the passages, research directions
// aside, whose context says it.
func (s *Searcher) drawnBy(ctx context.Context, term string) ([]string, error) {
	var inContext []query.Query
	for _, v := range s.variants(term) {
		inContext = append(inContext, s.contextClauses(v, 1)...)
		if subj := s.subject(v); subj != "" {
			inContext = append(inContext, s.contextClauses(subj, 1)...)
		}
	}
	direction := query.NewTermQuery(string(zhengce.KindDirection))
	direction.SetField(indexer.FieldKind)
	q := query.NewBooleanQuery([]query.Query{query.NewDisjunctionQuery(inContext)}, nil, []query.Query{direction})
	var values []FacetValue
	if c := s.columns(); c != nil {
		v, err := s.countColumns(ctx, c, q, facetIndex(FacetDirection), drawnDirectionsMax)
		if err == nil {
			values = v
		} else if !errors.Is(err, errStale) {
			return nil, err
		}
	}
	if values == nil {
		sr := bleve.NewSearchRequestOptions(q, 0, 0, false)
		sr.AddFacet(FacetDirection, bleve.NewFacetRequest(indexer.FieldDirections, drawnDirectionsMax))
		res, err := s.index.SearchInContext(ctx, sr)
		if err != nil {
			return nil, err
		}
		values = facetValues(res.Facets[FacetDirection])
	}
	var out []string
	for _, v := range values {
		out = append(out, v.Value)
	}
	return out, nil
}

// drawnCache keeps what words draw (directionsDrawn), up to drawnCacheMax
// words, then starts again.
type drawnCache struct {
	mu sync.Mutex
	m  map[string][]string
}

const drawnCacheMax = 10000

func (c *drawnCache) get(term string) ([]string, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	d, ok := c.m[term]
	return d, ok
}

func (c *drawnCache) put(term string, drawn []string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= drawnCacheMax {
		c.m = map[string][]string{}
	}
	c.m[term] = drawn
}

func facetIndex(name string) int {
	for i, f := range facets {
		if f.name == name {
			return i
		}
	}
	panic("no facet " + name)
}

// rankingQuery is textQuery where drawn[i] lists the research directions
// drawn on the policies that terms[i] names (see directionsDrawn).
func (s *Searcher) rankingQuery(terms []Term, drawn [][]string) query.Query {
	var must, allInText, mustNot, bonus []query.Query
	for i, t := range terms {
		variants := s.variants(t.Text)
		if t.Exclude {
			var inContext []query.Query
			for _, v := range variants {
				mustNot = append(mustNot, s.phrase(indexer.FieldText, indexer.AnalyzerWordsQuery, v, 1),
					s.phrase(indexer.FieldTextNgram, indexer.AnalyzerNgram, v, 1))
				inContext = append(inContext, s.contextClauses(v, 1)...)
			}
			if i < len(drawn) && len(drawn[i]) > 0 {
				inContext = append(inContext, directionsClause(drawn[i]))
			}
			bonus = append(bonus, constant(boostNotInContext, nil, query.NewDisjunctionQuery(inContext)))
			continue
		}
		bodies := s.bodyNames(variants)
		var anyField, bonusText []query.Query
		for _, v := range variants {
			scale := 1.0
			if len(bodies) > 0 && v != t.Text {
				scale = boostBodyText
			}
			anyField = append(anyField, s.textClauses(v, scale)...)
			bonusText = append(bonusText, s.textClauses(v, boostAllInText*scale)...)
			anyField = append(anyField, s.contextClauses(v, boostContext)...)
			// A research direction typed in full finds the passages linked to it.
			d := query.NewTermQuery(v)
			d.SetField(indexer.FieldDirections)
			d.SetBoost(boostDirection)
			anyField = append(anyField, d)
			if t.Phrase || v != t.Text || len(bodies) > 0 {
				// A phrase matches exactly as typed; aliases and names
				// of bodies are names.
				continue
			}
			// A direction's name (技能人才评价体系研究) also finds what says
			// its subject (技能人才评价体系), and a long term the passages
			// that say most of its words.
			words := v
			if subj := s.subject(v); subj != "" {
				anyField = append(anyField, s.textClauses(subj, boostSubject*scale)...)
				bonusText = append(bonusText, s.textClauses(subj, boostAllInText*boostSubject*scale)...)
				anyField = append(anyField, s.contextClauses(subj, boostSubject*boostContext)...)
				words = subj
			}
			if p := s.partial(words); p != nil {
				anyField = append(anyField, p)
			}
		}
		if len(bodies) > 0 {
			anyField = append(anyField, bodyClauses(bodies)...)
		}
		if i < len(drawn) && len(drawn[i]) > 0 && len(bodies) == 0 {
			anyField = append(anyField, directionsClause(drawn[i]))
		}
		must = append(must, query.NewDisjunctionQuery(anyField))
		allInText = append(allInText, query.NewDisjunctionQuery(bonusText))
	}
	if len(allInText) > 1 {
		// Passages that contain every term themselves, not only through
		// their context, come first. (bleve ignores a boost set on a
		// conjunction, so the clauses carry it.)
		bonus = append(bonus, query.NewConjunctionQuery(allInText))
	}
	if joined := typedTogether(terms); joined != "" {
		// Words typed one after the other (10000 元) rank higher where the
		// text has them one after the other.
		bonus = append(bonus, query.NewDisjunctionQuery(s.textClauses(joined, boostAllInText)))
	}
	if len(must) == 0 {
		if len(mustNot) == 0 {
			return query.NewMatchAllQuery()
		}
		must = append(must, query.NewMatchAllQuery())
	}
	q := query.Query(query.NewBooleanQuery(must, nil, mustNot))
	for _, b := range bonus {
		q = withBonus(q, b)
	}
	return q
}

// withBonus adds b's score to the matches of q that b matches, restricting
// nothing; b is matched only against q's matches (see bonusQuery). Each
// bonus gets a level of its own: bleve scales a boolean query's should
// clauses by the share of them that match, so several bonuses as should
// clauses of one query would take from each other.
func withBonus(q, b query.Query) query.Query { return &bonusQuery{q, b} }

// typedTogether returns the positive words of terms joined by spaces when
// there are several and none is a phrase or excluded, else "".
func typedTogether(terms []Term) string {
	var words []string
	for _, t := range terms {
		if t.Phrase || t.Exclude {
			return ""
		}
		words = append(words, t.Text)
	}
	if len(words) < 2 {
		return ""
	}
	return strings.Join(words, " ")
}

// variants returns the forms to search for a term: itself, then its aliases.
func (s *Searcher) variants(term string) []string {
	if s.aliases != nil {
		// Expand lists the term itself first, then its other names.
		if names := s.aliases.Expand(term); len(names) > 0 {
			return names
		}
	}
	return []string{term}
}

// bodyNames returns the canonical names of the issuing bodies among
// variants, each followed by its general office (人力资源社会保障部办公厅),
// which issues in the body's name.
func (s *Searcher) bodyNames(variants []string) []string {
	if s.aliases == nil {
		return nil
	}
	var out []string
	for _, v := range variants {
		if !s.aliases.KnownBody(v) {
			continue
		}
		name := s.aliases.CanonicalBody(v)
		for _, b := range []string{name, name + "办公厅"} {
			if !slices.Contains(out, b) {
				out = append(out, b)
			}
		}
	}
	return out
}

// bodyClauses match the passages of documents issued by any of bodies, at a
// constant score: the passages of the documents themselves, then the
// research directions drawn on them.
func bodyClauses(bodies []string) []query.Query {
	var issued []query.Query
	for _, b := range bodies {
		q := query.NewTermQuery(b)
		q.SetField(indexer.FieldBodies)
		issued = append(issued, q)
	}
	direction := query.NewTermQuery(string(zhengce.KindDirection))
	direction.SetField(indexer.FieldKind)
	return []query.Query{
		constant(boostBody, query.NewDisjunctionQuery(issued), direction),
		constant(boostBodyDirec, query.NewConjunctionQuery([]query.Query{query.NewDisjunctionQuery(issued), direction}), nil),
	}
}

// directionsClause matches the research directions named, at a constant
// score.
func directionsClause(names []string) query.Query {
	var named []query.Query
	for _, n := range names {
		q := query.NewTermQuery(n)
		q.SetField(indexer.FieldDirections)
		named = append(named, q)
	}
	direction := query.NewTermQuery(string(zhengce.KindDirection))
	direction.SetField(indexer.FieldKind)
	return constant(boostDrawn, query.NewConjunctionQuery([]query.Query{query.NewDisjunctionQuery(named), direction}), nil)
}

// constant scores boost for every passage that matches filter (every passage
// when filter is nil) and not unless (when unless is not nil).
func constant(boost float64, filter, unless query.Query) query.Query {
	all := query.NewMatchAllQuery()
	all.SetBoost(boost)
	var not []query.Query
	if unless != nil {
		not = []query.Query{unless}
	}
	if filter == nil {
		return query.NewBooleanQuery([]query.Query{all}, nil, not)
	}
	return &constantQuery{boost: boost, filter: filter, unless: unless}
}

// contextClauses match v in the policy title and heading path above a
// passage.
func (s *Searcher) contextClauses(v string, boost float64) []query.Query {
	qs := []query.Query{
		s.phrase(indexer.FieldContext, indexer.AnalyzerWordsQuery, v, boost),
		s.phrase(indexer.FieldContextNgram, indexer.AnalyzerNgram, v, boost),
	}
	if isSingleHan(v) {
		qs = append(qs, wildcard(indexer.FieldContext, v, boost))
	}
	return qs
}

// subject is what a research direction's name typed as a query is about
// (see TopicSubject), or "" when term is not such a name or its subject is a
// lone character.
func (s *Searcher) subject(term string) string {
	if subj := s.TopicSubject(term); subj != term && utf8.RuneCountInString(subj) >= 2 {
		return subj
	}
	return ""
}

// partial matches the passages whose text says one of the longer words
// (partialWordRunes characters or more) of a long term, apart from the rest:
// those that say more of its words rank higher. It is nil for a term of
// fewer than partialMinRunes characters, of a single word, or without a
// longer word: short words (加强, 工作, 建设) alone say too little.
func (s *Searcher) partial(term string) query.Query {
	if utf8.RuneCountInString(term) < partialMinRunes {
		return nil
	}
	words := s.contentWords(term)
	if len(words) < 2 {
		return nil
	}
	p := &partialQuery{}
	for _, w := range words {
		q := query.NewTermQuery(w)
		q.SetField(indexer.FieldText)
		q.SetBoost(boostPartial)
		p.words = append(p.words, query.NewDisjunctionQuery([]query.Query{q,
			s.phrase(indexer.FieldTextNgram, indexer.AnalyzerNgram, w, boostPartial*boostNgram)}))
		p.long = append(p.long, utf8.RuneCountInString(w) >= partialWordRunes)
	}
	if !slices.Contains(p.long, true) {
		return nil
	}
	return p
}

// contentWords cuts term as a query is cut and keeps its words of two
// characters or more (a lone character matches too much to count), and its
// numbers and Latin words.
func (s *Searcher) contentWords(term string) []string {
	a := s.index.Mapping().AnalyzerNamed(indexer.AnalyzerWordsQuery)
	if a == nil {
		return nil
	}
	var out []string
	for _, tok := range a.Analyze([]byte(term)) {
		w := string(tok.Term)
		if tok.Type == analysis.Ideographic && utf8.RuneCountInString(w) < 2 {
			continue
		}
		if !slices.Contains(out, w) {
			out = append(out, w)
		}
	}
	return out
}

// textClauses matches v in the passage's own text: as words, as a substring
// through the bigrams, and for a lone character inside the words holding it.
// scale multiplies their boosts.
func (s *Searcher) textClauses(v string, scale float64) []query.Query {
	qs := []query.Query{
		s.phrase(indexer.FieldText, indexer.AnalyzerWordsQuery, v, boostText*scale),
		s.phrase(indexer.FieldTextNgram, indexer.AnalyzerNgram, v, boostNgram*scale),
	}
	if isSingleHan(v) {
		// The n-gram fields hold bigrams; a lone character is found inside
		// the words that contain it.
		qs = append(qs, wildcard(indexer.FieldText, v, boostNgram*scale))
	}
	return qs
}

func wildcard(field, char string, boost float64) query.Query {
	q := query.NewWildcardQuery("*" + char + "*")
	q.SetField(field)
	q.SetBoost(boost)
	return q
}

func isSingleHan(s string) bool {
	r, size := utf8.DecodeRuneInString(s)
	return size == len(s) && unicode.Is(unicode.Han, r)
}

// phrase matches text, cut by analyzer, as a phrase in field: what bleve's
// match-phrase query does, but a text that is one token is a term query,
// which scores the same without reading and comparing positions.
func (s *Searcher) phrase(field, analyzer, text string, boost float64) query.Query {
	terms := s.analysed.phrase(s.index.Mapping(), analyzer, text)
	switch {
	case terms == nil:
		// No token (or no analyzer): let bleve say what that matches.
		q := query.NewMatchPhraseQuery(text)
		q.SetField(field)
		q.Analyzer = analyzer
		q.SetBoost(boost)
		return q
	case len(terms) == 1 && len(terms[0]) == 1:
		q := query.NewTermQuery(terms[0][0])
		q.SetField(field)
		q.SetBoost(boost)
		return q
	}
	return &phraseQuery{field: field, terms: terms, boost: boost}
}

// analysisCache keeps the phrase terms texts were cut into, by analyzer,
// up to analysisCacheMax texts, then starts again.
type analysisCache struct {
	mu sync.Mutex
	m  map[[2]string][][]string
}

const analysisCacheMax = 20000

// phrase returns the terms text cut by the analyzer named is searched for
// as a phrase (see phraseTerms); nil when no token, or no such analyzer.
// The result is shared: it must not be changed.
func (c *analysisCache) phrase(m mapping.IndexMapping, analyzer, text string) [][]string {
	key := [2]string{analyzer, text}
	c.mu.Lock()
	terms, ok := c.m[key]
	c.mu.Unlock()
	if ok {
		return terms
	}
	if a := m.AnalyzerNamed(analyzer); a != nil {
		terms = phraseTerms(a.Analyze([]byte(text)))
	}
	c.mu.Lock()
	if c.m == nil || len(c.m) >= analysisCacheMax {
		c.m = map[[2]string][][]string{}
	}
	c.m[key] = terms
	c.mu.Unlock()
	return terms
}

// phraseTerms lays tokens out by position, as bleve's match-phrase query
// does: the terms at each position from the first to the last.
func phraseTerms(tokens analysis.TokenStream) [][]string {
	if len(tokens) == 0 {
		return nil
	}
	first, last := tokens[0].Position, tokens[0].Position
	for _, t := range tokens {
		first, last = min(first, t.Position), max(last, t.Position)
	}
	out := make([][]string, last-first+1)
	for _, t := range tokens {
		out[t.Position-first] = append(out[t.Position-first], string(t.Term))
	}
	return out
}

// filterValues returns the values of each active facet filter, as the
// index has them: trimmed, empty ones dropped, bodies under their canonical
// names, issues by running number.
func filterValues(req Request, aliases Aliases) map[string][]string {
	out := map[string][]string{}
	add := func(name string, values []string) {
		for _, v := range values {
			v = strings.TrimSpace(v)
			if v == "" {
				continue
			}
			if name == FacetBody && aliases != nil {
				v = aliases.CanonicalBody(v)
			}
			out[name] = append(out[name], v)
		}
	}
	add(FacetBody, req.Bodies)
	add(FacetArea, req.Areas)
	add(FacetDirection, req.Directions)
	add(FacetDocType, req.DocTypes)
	add(FacetKind, req.Kinds)
	var issues []string
	for _, n := range req.Issues {
		issues = append(issues, strconv.Itoa(n))
	}
	add(FacetIssue, issues)
	return out
}

// filters returns the filter query of each active facet (values from
// filterValues) and of the date range, under "date".
func (s *Searcher) filters(req Request, values map[string][]string) map[string]query.Query {
	out := map[string]query.Query{}
	for _, f := range facets {
		var qs []query.Query
		for _, v := range values[f.name] {
			t := query.NewTermQuery(v)
			t.SetField(f.field)
			qs = append(qs, t)
		}
		if len(qs) > 0 {
			out[f.name] = query.NewDisjunctionQuery(qs)
		}
	}
	if !req.From.IsZero() || !req.To.IsZero() {
		var from, to time.Time
		if !req.From.IsZero() {
			from = req.From.Time
		}
		if !req.To.IsZero() {
			to = req.To.AddDate(0, 0, 1) // the whole last day
		}
		incl, excl := true, false
		d := query.NewDateRangeInclusiveQuery(from, to, &incl, &excl)
		d.SetField(indexer.FieldDate)
		out["date"] = d
	}
	return out
}

// withFilters combines the scoring query with every filter except skip's.
// Filters restrict without scoring.
func withFilters(q query.Query, filters map[string]query.Query, skip string) query.Query {
	var fs []query.Query
	names := make([]string, 0, len(filters))
	for name := range filters {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if name != skip {
			fs = append(fs, filters[name])
		}
	}
	if len(fs) == 0 {
		return q
	}
	b := query.NewBooleanQuery([]query.Query{q}, nil, nil)
	b.AddFilter(query.NewConjunctionQuery(fs))
	return b
}

func toHit(h *bsearch.DocumentMatch) (Hit, error) {
	src, _ := h.Fields[indexer.FieldSource].(string)
	var hit Hit
	if err := json.Unmarshal([]byte(src), &hit.Passage); err != nil {
		return Hit{}, fmt.Errorf("passage %s: stored source: %w", h.ID, err)
	}
	hit.Score = h.Score
	var spans []span
	for _, field := range []string{indexer.FieldText, indexer.FieldTextNgram} {
		for _, locs := range h.Locations[field] {
			for _, l := range locs {
				spans = append(spans, span{int(l.Start), int(l.End)})
			}
		}
	}
	hit.Highlight = Highlight(hit.Text, spans)
	return hit, nil
}

type span struct{ start, end int }

// Highlight escapes text for HTML and wraps each matched byte range in
// <mark>. The ranges come from the index's term locations, so they are the
// very occurrences that matched; overlapping and touching ranges merge.
func Highlight(text string, spans []span) string {
	sort.Slice(spans, func(i, j int) bool { return spans[i].start < spans[j].start })
	var b strings.Builder
	at := 0
	for i := 0; i < len(spans); {
		s := spans[i]
		for i++; i < len(spans) && spans[i].start <= s.end; i++ {
			if spans[i].end > s.end {
				s.end = spans[i].end
			}
		}
		if s.start < at || s.end > len(text) || s.start >= s.end {
			continue
		}
		b.WriteString(html.EscapeString(text[at:s.start]))
		b.WriteString("<mark>")
		b.WriteString(html.EscapeString(text[s.start:s.end]))
		b.WriteString("</mark>")
		at = s.end
	}
	b.WriteString(html.EscapeString(text[at:]))
	return b.String()
}

func facetValues(fr *bsearch.FacetResult) []FacetValue {
	out := []FacetValue{}
	if fr == nil || fr.Terms == nil {
		return out
	}
	for _, t := range fr.Terms.Terms() {
		out = append(out, FacetValue{Value: t.Term, Count: t.Count})
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Count != out[j].Count {
			return out[i].Count > out[j].Count
		}
		return out[i].Value < out[j].Value
	})
	return out
}

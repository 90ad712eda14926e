package search

import (
	"context"
	"fmt"
	"math"
	"slices"

	"github.com/blevesearch/bleve/v2/mapping"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/searcher"
	index "github.com/blevesearch/bleve_index_api"
)

// phraseQuery is bleve's multi-phrase query (terms[i] are the terms allowed
// at the phrase's i-th position, none meaning any) with the same matches and
// scores, checked faster. bleve's phrase searcher turns every candidate's
// term locations into maps (DocumentMatch.Complete) and walks them
// recursively; this one compares sorted positions. It also drops the
// locations when the search does not want them, so that the queries above
// it do not merge them.
type phraseQuery struct {
	field string
	terms [][]string
	boost float64
}

func (q *phraseQuery) Searcher(ctx context.Context, r index.IndexReader, m mapping.IndexMapping, opts bsearch.SearcherOptions) (bsearch.Searcher, error) {
	keep := opts.IncludeTermVectors
	// As bleve's NewMultiPhraseSearcher: a term searcher per position (a
	// disjunction where several terms are allowed), with term vectors, in
	// a conjunction.
	opts.IncludeTermVectors = true
	var parts []bsearch.Searcher
	closeAll := func() {
		for _, s := range parts {
			s.Close()
		}
	}
	for _, ts := range q.terms {
		var alts []bsearch.Searcher
		for _, t := range ts {
			if t == "" {
				continue
			}
			s, err := searcher.NewTermSearcher(ctx, r, t, q.field, q.boost, opts)
			if err != nil {
				for _, a := range alts {
					a.Close()
				}
				closeAll()
				return nil, fmt.Errorf("phrase searcher: %w", err)
			}
			alts = append(alts, s)
		}
		switch {
		case len(alts) == 1 && len(ts) == 1:
			parts = append(parts, alts[0])
		case len(alts) > 0:
			d, err := searcher.NewDisjunctionSearcher(ctx, r, alts, 1, opts)
			if err != nil {
				closeAll()
				return nil, fmt.Errorf("phrase searcher: %w", err)
			}
			parts = append(parts, d)
		}
	}
	must, err := searcher.NewConjunctionSearcher(ctx, r, parts, opts)
	if err != nil {
		closeAll()
		return nil, fmt.Errorf("phrase searcher: %w", err)
	}
	s := &phraseSearcher{must: must, terms: q.terms, keep: keep, pos: make([][]uint64, len(q.terms))}
	s.must.SetQueryNorm(1.0 / math.Sqrt(s.must.Weight())) // as bleve's phrase searcher does
	return s, nil
}

type phraseSearcher struct {
	must        bsearch.Searcher
	terms       [][]string
	keep        bool // the caller wants the phrase's locations
	curr        *bsearch.DocumentMatch
	initialized bool
	pos         [][]uint64 // scratch: positions of each phrase term
	starts      []uint64   // scratch: where the phrase starts
	ftls        []bsearch.FieldTermLocation
}

func (s *phraseSearcher) advanceMust(ctx *bsearch.SearchContext) error {
	if s.curr != nil {
		ctx.DocumentMatchPool.Put(s.curr)
	}
	var err error
	s.curr, err = s.must.Next(ctx)
	return err
}

func (s *phraseSearcher) Next(ctx *bsearch.SearchContext) (*bsearch.DocumentMatch, error) {
	if !s.initialized {
		s.initialized = true
		if err := s.advanceMust(ctx); err != nil {
			return nil, err
		}
	}
	for s.curr != nil {
		if s.check() {
			rv := s.curr
			s.curr = nil
			if err := s.advanceMust(ctx); err != nil {
				return nil, err
			}
			return rv, nil
		}
		if err := s.advanceMust(ctx); err != nil {
			return nil, err
		}
	}
	return nil, nil
}

func (s *phraseSearcher) Advance(ctx *bsearch.SearchContext, id index.IndexInternalID) (*bsearch.DocumentMatch, error) {
	if !s.initialized {
		s.initialized = true
		if err := s.advanceMust(ctx); err != nil {
			return nil, err
		}
	}
	if s.curr != nil {
		if s.curr.IndexInternalID.Compare(id) >= 0 {
			return s.Next(ctx)
		}
		ctx.DocumentMatchPool.Put(s.curr)
		s.curr = nil
		var err error
		if s.curr, err = s.must.Advance(ctx, id); err != nil {
			return nil, err
		}
	}
	return s.Next(ctx)
}

// check says whether the current candidate has the phrase, and leaves on it
// the locations of the phrase's occurrences when they are wanted (as
// bleve's phrase searcher does), none otherwise.
func (s *phraseSearcher) check() bool {
	dm := s.curr
	for i := range s.pos {
		s.pos[i] = s.pos[i][:0]
	}
	for _, l := range dm.FieldTermLocations {
		if len(l.Location.ArrayPositions) > 0 {
			// Our fields hold one value each; bleve compares array
			// positions, which this does not.
			panic("search: phrase over a field with array positions")
		}
		for i, ts := range s.terms {
			if slices.Contains(ts, l.Term) {
				s.pos[i] = append(s.pos[i], l.Location.Pos)
			}
		}
	}
	for i := range s.pos {
		if !slices.IsSorted(s.pos[i]) {
			slices.Sort(s.pos[i])
		}
	}
	s.starts = s.starts[:0]
	first := 0
	for len(s.terms[first]) == 0 {
		first++ // cannot run off: a phrase has a term
	}
	for _, p := range s.pos[first] {
		// (A leading position with no term constrains nothing, as in
		// bleve; the arithmetic is modulo 2⁶⁴ then.)
		start := p - uint64(first)
		ok := true
		for i := first + 1; ok && i < len(s.terms); i++ {
			if len(s.terms[i]) == 0 {
				continue
			}
			_, ok = slices.BinarySearch(s.pos[i], start+uint64(i))
		}
		if ok {
			if !s.keep {
				dm.FieldTermLocations = dm.FieldTermLocations[:0]
				return true
			}
			s.starts = append(s.starts, start)
		}
	}
	if len(s.starts) == 0 {
		return false
	}
	s.ftls = s.ftls[:0]
	for _, start := range s.starts {
		for i, ts := range s.terms {
			for _, l := range dm.FieldTermLocations {
				if l.Location.Pos == start+uint64(i) && slices.Contains(ts, l.Term) {
					s.ftls = append(s.ftls, l)
				}
			}
		}
	}
	dm.FieldTermLocations = append(dm.FieldTermLocations[:0], s.ftls...)
	return true
}

func (s *phraseSearcher) Weight() float64            { return s.must.Weight() }
func (s *phraseSearcher) SetQueryNorm(n float64)     { s.must.SetQueryNorm(n) }
func (s *phraseSearcher) Count() uint64              { return s.must.Count() }
func (s *phraseSearcher) Min() int                   { return 0 }
func (s *phraseSearcher) Size() int                  { return s.must.Size() }
func (s *phraseSearcher) Close() error               { return s.must.Close() }
func (s *phraseSearcher) DocumentMatchPoolSize() int { return s.must.DocumentMatchPoolSize() + 1 }

package search

import (
	"context"
	"errors"
	"math"

	"github.com/blevesearch/bleve/v2/mapping"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	"github.com/blevesearch/bleve/v2/search/scorer"
	index "github.com/blevesearch/bleve_index_api"
)

// constantQuery matches the passages that match filter and not unless, each
// at the score a match-all query with its boost gives (bleve's constant
// scorer, which also weighs in the query norm the same way). It is what
// "match all, filtered" means, without visiting every passage: bleve's
// boolean filter over a match-all query walks the whole index and tests each
// passage, where this walks only the filter's matches.
type constantQuery struct {
	boost          float64
	filter, unless query.Query
}

func (q *constantQuery) Searcher(ctx context.Context, r index.IndexReader, m mapping.IndexMapping, opts bsearch.SearcherOptions) (bsearch.Searcher, error) {
	inner := q.filter
	if q.unless != nil {
		inner = query.NewBooleanQuery([]query.Query{q.filter}, nil, []query.Query{q.unless})
	}
	// The filter only selects: no scores, no term vectors.
	s, err := inner.Searcher(ctx, r, m, bsearch.SearcherOptions{Score: "none"})
	if err != nil {
		return nil, err
	}
	return &constantSearcher{inner: s, scorer: scorer.NewConstantScorer(1.0, q.boost, opts)}, nil
}

type constantSearcher struct {
	inner  bsearch.Searcher
	scorer *scorer.ConstantScorer
}

func (s *constantSearcher) score(ctx *bsearch.SearchContext, dm *bsearch.DocumentMatch) *bsearch.DocumentMatch {
	if dm == nil {
		return nil
	}
	rv := s.scorer.Score(ctx, dm.IndexInternalID)
	ctx.DocumentMatchPool.Put(dm)
	return rv
}

func (s *constantSearcher) Next(ctx *bsearch.SearchContext) (*bsearch.DocumentMatch, error) {
	dm, err := s.inner.Next(ctx)
	if err != nil {
		return nil, err
	}
	return s.score(ctx, dm), nil
}

func (s *constantSearcher) Advance(ctx *bsearch.SearchContext, id index.IndexInternalID) (*bsearch.DocumentMatch, error) {
	dm, err := s.inner.Advance(ctx, id)
	if err != nil {
		return nil, err
	}
	return s.score(ctx, dm), nil
}

func (s *constantSearcher) Close() error               { return s.inner.Close() }
func (s *constantSearcher) Weight() float64            { return s.scorer.Weight() }
func (s *constantSearcher) SetQueryNorm(n float64)     { s.scorer.SetQueryNorm(n) }
func (s *constantSearcher) Count() uint64              { return s.inner.Count() }
func (s *constantSearcher) Min() int                   { return 0 }
func (s *constantSearcher) Size() int                  { return s.inner.Size() + s.scorer.Size() }
func (s *constantSearcher) DocumentMatchPoolSize() int { return s.inner.DocumentMatchPoolSize() + 1 }

// filterQuery matches what q matches but scores nothing and weighs nothing
// in the query norm: in a conjunction with a scoring query it restricts the
// matches, and lets the conjunction skip to them, without changing any
// score. (bleve's boolean filter instead walks every match of the scoring
// query and tests it.)
type filterQuery struct{ q query.Query }

func (q *filterQuery) Searcher(ctx context.Context, r index.IndexReader, m mapping.IndexMapping, opts bsearch.SearcherOptions) (bsearch.Searcher, error) {
	s, err := q.q.Searcher(ctx, r, m, bsearch.SearcherOptions{Score: "none"})
	if err != nil {
		return nil, err
	}
	return &filterSearcher{s}, nil
}

type filterSearcher struct{ bsearch.Searcher }

func (s *filterSearcher) Weight() float64        { return 0 }
func (s *filterSearcher) SetQueryNorm(n float64) {}

func (s *filterSearcher) Next(ctx *bsearch.SearchContext) (*bsearch.DocumentMatch, error) {
	return zeroScore(s.Searcher.Next(ctx))
}

func (s *filterSearcher) Advance(ctx *bsearch.SearchContext, id index.IndexInternalID) (*bsearch.DocumentMatch, error) {
	return zeroScore(s.Searcher.Advance(ctx, id))
}

func zeroScore(dm *bsearch.DocumentMatch, err error) (*bsearch.DocumentMatch, error) {
	if dm != nil {
		dm.Score = 0
		dm.Expl = nil
		dm.FieldTermLocations = dm.FieldTermLocations[:0]
	}
	return dm, err
}

// bonusQuery matches what q matches, adding b's score where b matches too:
// what a bleve boolean query with q as its must clause and b as its only
// should clause scores, with b matched only against q's matches. (bleve's
// boolean searcher loses a should match when it is advanced to a passage
// before one its should clause already stands on: searching from the
// middle of the index, as collect.go does, would drop bonuses.)
type bonusQuery struct{ q, b query.Query }

func (q *bonusQuery) Searcher(ctx context.Context, r index.IndexReader, m mapping.IndexMapping, opts bsearch.SearcherOptions) (bsearch.Searcher, error) {
	must, err := q.q.Searcher(ctx, r, m, opts)
	if err != nil {
		return nil, err
	}
	bonus, err := q.b.Searcher(ctx, r, m, opts)
	if err != nil {
		must.Close()
		return nil, err
	}
	s := &bonusSearcher{must: must, bonus: bonus}
	// The query norm, as bleve's boolean searcher sets it.
	s.SetQueryNorm(1.0 / math.Sqrt(s.Weight()))
	return s, nil
}

type bonusSearcher struct {
	must, bonus bsearch.Searcher
	cur         *bsearch.DocumentMatch // the bonus's next match, not yet used
	done        bool                   // the bonus has no more matches
}

func (s *bonusSearcher) Next(ctx *bsearch.SearchContext) (*bsearch.DocumentMatch, error) {
	m, err := s.must.Next(ctx)
	if err != nil {
		return nil, err
	}
	return s.add(ctx, m)
}

func (s *bonusSearcher) Advance(ctx *bsearch.SearchContext, id index.IndexInternalID) (*bsearch.DocumentMatch, error) {
	m, err := s.must.Advance(ctx, id)
	if err != nil {
		return nil, err
	}
	return s.add(ctx, m)
}

// add adds the bonus to m when it matches m's passage.
func (s *bonusSearcher) add(ctx *bsearch.SearchContext, m *bsearch.DocumentMatch) (*bsearch.DocumentMatch, error) {
	if m == nil {
		return nil, nil
	}
	if !s.done && (s.cur == nil || s.cur.IndexInternalID.Compare(m.IndexInternalID) < 0) {
		if s.cur != nil {
			ctx.DocumentMatchPool.Put(s.cur)
		}
		var err error
		if s.cur, err = s.bonus.Advance(ctx, m.IndexInternalID); err != nil {
			return nil, err
		}
		s.done = s.cur == nil
	}
	if s.cur != nil && s.cur.IndexInternalID.Equals(m.IndexInternalID) {
		// As bleve's conjunction scorer sums a boolean query's must and
		// should matches.
		m.Score = 0 + m.Score + s.cur.Score
		m.FieldTermLocations = bsearch.MergeFieldTermLocations(m.FieldTermLocations, []*bsearch.DocumentMatch{s.cur})
		ctx.DocumentMatchPool.Put(s.cur)
		s.cur = nil
	}
	return m, nil
}

func (s *bonusSearcher) Weight() float64 { return s.must.Weight() + s.bonus.Weight() }
func (s *bonusSearcher) SetQueryNorm(n float64) {
	s.must.SetQueryNorm(n)
	s.bonus.SetQueryNorm(n)
}
func (s *bonusSearcher) Count() uint64 { return s.must.Count() + s.bonus.Count() }
func (s *bonusSearcher) Min() int      { return 0 }
func (s *bonusSearcher) Size() int     { return s.must.Size() + s.bonus.Size() }
func (s *bonusSearcher) Close() error {
	return errors.Join(s.must.Close(), s.bonus.Close())
}
func (s *bonusSearcher) DocumentMatchPoolSize() int {
	return s.must.DocumentMatchPoolSize() + s.bonus.DocumentMatchPoolSize() + 1
}

// partialQuery scores as a bonusQuery of the disjunction of the long words
// (the must) and the disjunction of all the words (the bonus), as bleve
// scores them: (Σ long matched) × matched/long + (Σ all matched) ×
// matched/all. Each word is matched once where that would match the long
// words twice.
type partialQuery struct {
	words []query.Query
	long  []bool // words[i] is long: one of them must match
}

func (q *partialQuery) Searcher(ctx context.Context, r index.IndexReader, m mapping.IndexMapping, opts bsearch.SearcherOptions) (bsearch.Searcher, error) {
	s := &partialSearcher{long: q.long, currs: make([]*bsearch.DocumentMatch, len(q.words))}
	for i, w := range q.words {
		ws, err := w.Searcher(ctx, r, m, opts)
		if err != nil {
			s.Close()
			return nil, err
		}
		s.words = append(s.words, ws)
		if q.long[i] {
			s.nLong++
		}
	}
	s.SetQueryNorm(1.0 / math.Sqrt(s.Weight()))
	return s, nil
}

type partialSearcher struct {
	words       []bsearch.Searcher
	long        []bool
	nLong       int
	currs       []*bsearch.DocumentMatch
	initialized bool
	matching    []int // the words on the lowest passage
}

func (s *partialSearcher) init(ctx *bsearch.SearchContext) error {
	s.initialized = true
	for i, w := range s.words {
		var err error
		if s.currs[i], err = w.Next(ctx); err != nil {
			return err
		}
	}
	return nil
}

func (s *partialSearcher) Next(ctx *bsearch.SearchContext) (*bsearch.DocumentMatch, error) {
	if !s.initialized {
		if err := s.init(ctx); err != nil {
			return nil, err
		}
	}
	for {
		s.matching = s.matching[:0]
		var at index.IndexInternalID
		for i, c := range s.currs {
			if c == nil {
				continue
			}
			switch cmp := c.IndexInternalID.Compare(at); {
			case at == nil || cmp < 0:
				at = c.IndexInternalID
				s.matching = append(s.matching[:0], i)
			case cmp == 0:
				s.matching = append(s.matching, i)
			}
		}
		if at == nil {
			return nil, nil
		}
		rv := s.score()
		for _, i := range s.matching {
			if s.currs[i] != rv {
				ctx.DocumentMatchPool.Put(s.currs[i])
			}
			var err error
			if s.currs[i], err = s.words[i].Next(ctx); err != nil {
				return nil, err
			}
		}
		if rv != nil {
			return rv, nil
		}
	}
}

// score scores the passage the matching words stand on, or returns nil
// when no long word is among them.
func (s *partialSearcher) score() *bsearch.DocumentMatch {
	var rv *bsearch.DocumentMatch
	sumLong, kLong, sumAll := 0.0, 0, 0.0
	for _, i := range s.matching {
		if s.long[i] {
			if rv == nil {
				rv = s.currs[i]
			}
			sumLong += s.currs[i].Score
			kLong++
		}
	}
	if rv == nil {
		return nil
	}
	for _, i := range s.matching {
		sumAll += s.currs[i].Score
	}
	// As bleve's disjunction scorer (sum × coord), then the boolean's sum
	// of its must and should.
	long := sumLong * (float64(kLong) / float64(s.nLong))
	all := sumAll * (float64(len(s.matching)) / float64(len(s.words)))
	var others []*bsearch.DocumentMatch
	for _, i := range s.matching {
		if s.currs[i] != rv {
			others = append(others, s.currs[i])
		}
	}
	rv.FieldTermLocations = bsearch.MergeFieldTermLocations(rv.FieldTermLocations, others)
	rv.Score = 0 + long + all
	return rv
}

func (s *partialSearcher) Advance(ctx *bsearch.SearchContext, id index.IndexInternalID) (*bsearch.DocumentMatch, error) {
	if !s.initialized {
		if err := s.init(ctx); err != nil {
			return nil, err
		}
	}
	for i, c := range s.currs {
		if c == nil || c.IndexInternalID.Compare(id) >= 0 {
			continue
		}
		ctx.DocumentMatchPool.Put(c)
		var err error
		if s.currs[i], err = s.words[i].Advance(ctx, id); err != nil {
			return nil, err
		}
	}
	return s.Next(ctx)
}

// Weight is the two disjunctions': the long words count twice.
func (s *partialSearcher) Weight() float64 {
	long, all := 0.0, 0.0
	for i, w := range s.words {
		if s.long[i] {
			long += w.Weight()
		}
	}
	for _, w := range s.words {
		all += w.Weight()
	}
	return long + all
}

func (s *partialSearcher) SetQueryNorm(n float64) {
	for _, w := range s.words {
		w.SetQueryNorm(n)
	}
}

func (s *partialSearcher) Count() uint64 {
	var n uint64
	for i, w := range s.words {
		if s.long[i] {
			n += w.Count()
		}
	}
	for _, w := range s.words {
		n += w.Count()
	}
	return n
}

func (s *partialSearcher) Min() int { return 0 }

func (s *partialSearcher) Size() int {
	n := 0
	for _, w := range s.words {
		n += w.Size()
	}
	return n
}

func (s *partialSearcher) Close() error {
	var errs []error
	for _, w := range s.words {
		errs = append(errs, w.Close())
	}
	return errors.Join(errs...)
}

func (s *partialSearcher) DocumentMatchPoolSize() int {
	n := 1
	for _, w := range s.words {
		n += w.DocumentMatchPoolSize()
	}
	return n
}

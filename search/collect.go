package search

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"sort"
	"sync"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/blevesearch/bleve/v2/mapping"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"

	"zhengce/indexer"
)

// This file answers a search from the columns (columns.go) instead of
// bleve's collector, in one pass over the matches, with the same answer:
//
//   - bleve finds the matches and scores them; sorting, the page and every
//     facet come from the columns;
//   - the filters of active facets are tested on the columns, so that one
//     pass over the matches of the query and the other filters (and of at
//     least all but one facet filter) gives the hits, the counts of the
//     other facets, and the multi-select count of each active facet (the
//     hits of every filter but its own), where bleve's collector needs a
//     search per active facet;
//   - only the hits on the page are read again, with term vectors, for
//     their highlights, and their stored passage loaded;
//   - on a machine with two cores or more, a large index is searched in two
//     halves at once.

// errStale means the index is not the one the columns were read from; the
// search goes through bleve's collector instead.
var errStale = errors.New("columns are from another snapshot of the index")

// hitRef is a hit in the making: its document number and score.
type hitRef struct {
	doc   uint32
	score float64
}

// pass says what one pass over the matches collects.
type pass struct {
	cols    *columns
	mapping mapping.IndexMapping
	query   query.Query
	score   bool // compute scores (else matches only)
	byDate  bool // sort newest first, not by score
	want    int  // best hits to keep: page × size
	// active are the facet filters tested on the columns; count the facets
	// counted over the hits (an active facet is counted over the hits of
	// every filter but its own).
	active []activeFilter
	count  []int
	// bitmaps answers from the facet values' document sets instead of
	// bleve's matches: a browse by facets alone (see searchColumns).
	bitmaps bool
}

type activeFilter struct {
	facet   int
	allowed []bool // by value number
}

func (a *activeFilter) holds(c *columns, d uint32) bool {
	for _, v := range c.facet[a.facet].of(d) {
		if a.allowed[v] {
			return true
		}
	}
	return false
}

// collected is what a pass (or part of one) found.
type collected struct {
	total  uint64
	top    []hitRef // best first
	counts [][]int32
	ids    map[uint32]string
	all    []hitRef // every match, by document, when kept
}

// bitmapBrowse answers a browse by facets from the facet values' document
// sets (a variable for the test that compares it with bleve's matches).
var bitmapBrowse = true

// parallelMin is the number of passages from which a pass runs in two
// halves at once, when there are two cores. (A variable for the tests.)
var parallelMin = 20000

// run makes the pass over r: over the matches of p.query, or over hits
// when it is not nil (the matches of an earlier pass, see hitCache). With
// keep, the result lists every match it saw (for the cache).
func (p *pass) run(ctx context.Context, r index.IndexReader, hits []hitRef, keep bool) (*collected, error) {
	if p.bitmaps {
		return p.runBitmaps(ctx, r)
	}
	n := p.cols.n
	parts := 1
	if n >= parallelMin && runtime.GOMAXPROCS(0) >= 2 && (hits == nil || len(hits) >= parallelMin/4) {
		parts = 2
	}
	results := make([]*collected, parts)
	errs := make([]error, parts)
	var wg sync.WaitGroup
	for i := range parts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sink := p.newSink(r, keep)
			if hits != nil {
				part := hits[i*len(hits)/parts : (i+1)*len(hits)/parts]
				errs[i] = sink.addAll(ctx, part)
			} else {
				errs[i] = p.runRange(ctx, r, sink, uint32(i*n/parts), uint32((i+1)*n/parts))
			}
			if errs[i] == nil {
				results[i], errs[i] = sink.done()
			}
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	out := results[0]
	for _, c := range results[1:] {
		out.total += c.total
		for f, counts := range c.counts {
			for v, k := range counts {
				out.counts[f][v] += k
			}
		}
		for d, id := range c.ids {
			out.ids[d] = id
		}
		out.top = append(out.top, c.top...)
		out.all = append(out.all, c.all...) // the halves in order: sorted by document
	}
	if parts > 1 {
		o := order{p: p, r: r, ids: out.ids}
		sort.Slice(out.top, func(i, j int) bool { return o.better(out.top[i], out.top[j]) })
		out.top = out.top[:min(len(out.top), p.want)]
		if o.err != nil {
			return nil, o.err
		}
	}
	return out, nil
}

// runRange feeds sink the matches with document numbers in [lo, hi).
func (p *pass) runRange(ctx context.Context, r index.IndexReader, sink *sink, lo, hi uint32) error {
	opts := bsearch.SearcherOptions{}
	if !p.score {
		opts.Score = "none"
	}
	s, err := p.query.Searcher(ctx, r, p.mapping, opts)
	if err != nil {
		return err
	}
	defer s.Close()
	sctx := &bsearch.SearchContext{
		DocumentMatchPool: bsearch.NewDocumentMatchPool(s.DocumentMatchPoolSize()+1, 0),
		IndexReader:       r,
	}
	var dm *bsearch.DocumentMatch
	if lo > 0 {
		dm, err = s.Advance(sctx, internalID(lo))
	} else {
		dm, err = s.Next(sctx)
	}
	for i := 0; err == nil && dm != nil; i++ {
		if i%1024 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		d, ok := docNumber(dm.IndexInternalID)
		if !ok || d >= uint64(hi) {
			if !ok || d >= uint64(p.cols.n) {
				return errStale
			}
			break
		}
		sink.add(hitRef{doc: uint32(d), score: dm.Score})
		sctx.DocumentMatchPool.Put(dm)
		dm, err = s.Next(sctx)
	}
	return err
}

// runBitmaps answers a browse by facets alone from the facet values'
// document sets: what a pass over every document would collect (see
// sink.add). The hits are the documents in every active filter's set;
// an inactive facet's value counts its documents among them, an active
// facet's its documents among those in every other active filter's set.
func (p *pass) runBitmaps(ctx context.Context, r index.IndexReader) (*collected, error) {
	c := p.cols
	k := p.newSink(r, false)
	sets := make([]*roaring.Bitmap, len(p.active))
	for i, a := range p.active {
		var of []*roaring.Bitmap
		for v, ok := range a.allowed {
			if ok {
				of = append(of, c.facet[a.facet].docs[v])
			}
		}
		sets[i] = roaring.FastOr(of...)
	}
	hits := intersect(sets)
	out := k.out
	out.total = hits.GetCardinality()
	countValues(out.counts, hits, c, p.count)
	for i, a := range p.active {
		if len(p.active) == 1 {
			copy(out.counts[a.facet], c.facet[a.facet].all) // every document
			continue
		}
		others := intersect(slices.Delete(slices.Clone(sets), i, i+1))
		if f := &c.facet[a.facet]; len(f.docs) <= 64 {
			// others can hold most passages: intersecting it with each
			// of a few values' documents is quicker than reading them.
			for v, docs := range f.docs {
				out.counts[a.facet][v] = int32(others.AndCardinality(docs))
			}
			continue
		}
		countValues(out.counts, others, c, []int{a.facet})
	}
	it := hits.Iterator()
	for i := 0; it.HasNext(); i++ {
		if i%4096 == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		k.heap.offer(hitRef{doc: it.Next()})
	}
	return k.done()
}

// countValues counts, for each facet of facets, the documents of set that
// have each of its values, reading them from the columns.
func countValues(counts [][]int32, set *roaring.Bitmap, c *columns, facets []int) {
	it := set.ManyIterator()
	buf := make([]uint32, 256)
	for n := it.NextMany(buf); n > 0; n = it.NextMany(buf) {
		for _, d := range buf[:n] {
			for _, f := range facets {
				for _, v := range c.facet[f].of(d) {
					counts[f][v]++
				}
			}
		}
	}
}

// intersect returns the documents in every set (sets is not empty).
func intersect(sets []*roaring.Bitmap) *roaring.Bitmap {
	if len(sets) == 1 {
		return sets[0]
	}
	return roaring.FastAnd(sets...)
}

// sink collects matches: the total, the best hits, the facet counts.
type sink struct {
	p    *pass
	out  *collected
	o    *order
	heap topHeap
	keep bool
}

func (p *pass) newSink(r index.IndexReader, keep bool) *sink {
	c := p.cols
	out := &collected{counts: make([][]int32, len(facets)), ids: map[uint32]string{}}
	for _, f := range p.count {
		out.counts[f] = make([]int32, len(c.facet[f].values))
	}
	for _, a := range p.active {
		out.counts[a.facet] = make([]int32, len(c.facet[a.facet].values))
	}
	o := &order{p: p, r: r, ids: out.ids}
	return &sink{p: p, out: out, o: o, heap: topHeap{o: o, want: p.want}, keep: keep}
}

// add takes one match: a hit when it passes every active facet filter,
// counted for a facet's alternatives when it fails that facet's filter
// alone.
func (k *sink) add(h hitRef) {
	p, c, out, d := k.p, k.p.cols, k.out, h.doc
	if k.keep {
		out.all = append(out.all, h)
	}
	missing, failing := 0, -1
	for j := range p.active {
		if !p.active[j].holds(c, d) {
			missing++
			failing = j
			if missing > 1 {
				break
			}
		}
	}
	switch missing {
	case 0:
		out.total++
		k.heap.offer(h)
		for _, f := range p.count {
			for _, v := range c.facet[f].of(d) {
				out.counts[f][v]++
			}
		}
		for _, a := range p.active {
			for _, v := range c.facet[a.facet].of(d) {
				out.counts[a.facet][v]++
			}
		}
	case 1:
		f := p.active[failing].facet
		for _, v := range c.facet[f].of(d) {
			out.counts[f][v]++
		}
	}
}

func (k *sink) addAll(ctx context.Context, hits []hitRef) error {
	for i, h := range hits {
		if i%4096 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		k.add(h)
	}
	return nil
}

func (k *sink) done() (*collected, error) {
	k.out.top = k.heap.sorted()
	return k.out, k.o.err
}

// order is the order of hits: by score, then newest, then the passage's
// place in its issue, then ID (as bleve sorts -_score, -date, ordinal,
// _id); or with byDate newest first, then the latest issue, ordinal, ID.
type order struct {
	p   *pass
	r   index.IndexReader
	ids map[uint32]string
	err error
}

func (o *order) better(a, b hitRef) bool {
	c := o.p.cols
	if !o.p.byDate && a.score != b.score {
		return a.score > b.score
	}
	if c.date[a.doc] != c.date[b.doc] {
		return c.date[a.doc] > c.date[b.doc]
	}
	if o.p.byDate && c.running[a.doc] != c.running[b.doc] {
		return c.running[a.doc] > c.running[b.doc]
	}
	if c.ordinal[a.doc] != c.ordinal[b.doc] {
		return c.ordinal[a.doc] < c.ordinal[b.doc]
	}
	return o.id(a.doc) < o.id(b.doc)
}

// id is a document's ID, needed only to break a tie, read once.
func (o *order) id(d uint32) string {
	if id, ok := o.ids[d]; ok {
		return id
	}
	id, err := o.r.ExternalID(internalID(d))
	if err != nil && o.err == nil {
		o.err = err
	}
	o.ids[d] = id
	return id
}

// topHeap keeps the want best hits; its root is the worst of them.
type topHeap struct {
	o    *order
	want int
	h    []hitRef
}

func (t *topHeap) offer(x hitRef) {
	if t.want == 0 {
		return
	}
	if len(t.h) < t.want {
		t.h = append(t.h, x)
		for i := len(t.h) - 1; i > 0; {
			parent := (i - 1) / 2
			if !t.o.better(t.h[parent], t.h[i]) {
				break
			}
			t.h[parent], t.h[i] = t.h[i], t.h[parent]
			i = parent
		}
		return
	}
	if !t.o.better(x, t.h[0]) {
		return
	}
	t.h[0] = x
	for i := 0; ; {
		worst, l, r := i, 2*i+1, 2*i+2
		if l < len(t.h) && t.o.better(t.h[worst], t.h[l]) {
			worst = l
		}
		if r < len(t.h) && t.o.better(t.h[worst], t.h[r]) {
			worst = r
		}
		if worst == i {
			break
		}
		t.h[i], t.h[worst] = t.h[worst], t.h[i]
		i = worst
	}
}

func (t *topHeap) sorted() []hitRef {
	out := slices.Clone(t.h)
	sort.Slice(out, func(i, j int) bool { return t.o.better(out[i], out[j]) })
	return out
}

// topValues returns a facet's values with a count, most first (then by
// value), at most size: what bleve's terms facet returns. Only the first
// size are sorted (a facet of issues has a value for every issue).
func topValues(values []string, counts []int32, size int) []FacetValue {
	out := []FacetValue{}
	for v, k := range counts {
		if k > 0 {
			out = append(out, FacetValue{Value: values[v], Count: int(k)})
		}
	}
	before := func(a, b FacetValue) bool {
		if a.Count != b.Count {
			return a.Count > b.Count
		}
		return a.Value < b.Value
	}
	if len(out) > size {
		selectFirst(out, size, before)
		out = out[:size]
	}
	sort.Slice(out, func(i, j int) bool { return before(out[i], out[j]) })
	return out
}

// selectFirst moves the k first of xs in the order before to xs[:k], in
// no particular order (quickselect).
func selectFirst[T any](xs []T, k int, before func(a, b T) bool) {
	lo, hi := 0, len(xs)-1
	for lo < hi {
		// The median of three as the pivot, moved to hi.
		mid := lo + (hi-lo)/2
		if before(xs[mid], xs[lo]) {
			xs[mid], xs[lo] = xs[lo], xs[mid]
		}
		if before(xs[hi], xs[lo]) {
			xs[hi], xs[lo] = xs[lo], xs[hi]
		}
		if before(xs[mid], xs[hi]) {
			xs[mid], xs[hi] = xs[hi], xs[mid]
		}
		pivot := xs[hi]
		i := lo
		for j := lo; j < hi; j++ {
			if before(xs[j], pivot) {
				xs[i], xs[j] = xs[j], xs[i]
				i++
			}
		}
		xs[i], xs[hi] = xs[hi], xs[i]
		switch {
		case i == k || i == k-1:
			return
		case i < k:
			lo = i + 1
		default:
			hi = i - 1
		}
	}
}

// searchColumns answers a search from the columns: q is the scoring query,
// filters and values the request's filters. It returns errStale when the
// index is no longer the one the columns were read from.
func (s *Searcher) searchColumns(ctx context.Context, c *columns, q query.Query, filters map[string]query.Query,
	values map[string][]string, req Request, byDate bool) (*Result, error) {
	r, err := s.reader()
	if err != nil {
		return nil, err
	}
	defer r.Close()
	if r != c.snap {
		return nil, errStale
	}

	p := &pass{cols: c, mapping: s.index.Mapping(), score: !byDate, byDate: byDate, want: req.Page * req.Size}
	var activeQueries []query.Query
	for i, f := range facets {
		fq, ok := filters[f.name]
		if !ok {
			p.count = append(p.count, i)
			continue
		}
		a := activeFilter{facet: i, allowed: make([]bool, len(c.facet[i].values))}
		for _, v := range values[f.name] {
			if n, ok := c.facet[i].number[v]; ok {
				a.allowed[n] = true
			}
		}
		p.active = append(p.active, a)
		activeQueries = append(activeQueries, fq)
	}
	// What bleve must match: the query, the date range, and (with two
	// active facet filters or more) all of them but one at least. The
	// facet filters themselves are tested on the columns.
	var restrict []query.Query
	if d, ok := filters["date"]; ok {
		restrict = append(restrict, d)
	}
	if k := len(activeQueries); k >= 2 {
		d := query.NewDisjunctionQuery(activeQueries)
		d.SetMin(float64(k - 1))
		restrict = append(restrict, d)
	}
	_, matchAll := q.(*query.MatchAllQuery)
	switch {
	case len(restrict) == 0:
		p.query = q
	case byDate && matchAll:
		// Scores are read for the page's hits only.
		p.query = query.NewConjunctionQuery(restrict)
	default:
		conj := []query.Query{q}
		for _, f := range restrict {
			conj = append(conj, &filterQuery{f})
		}
		p.query = query.NewConjunctionQuery(conj)
	}
	// Facet filters alone, newest first: intersections of the values'
	// document sets, which at a million passages take a fraction of
	// walking the filters' posting lists.
	_, dated := filters["date"] // a date range: bleve matches it
	p.bitmaps = bitmapBrowse && byDate && matchAll && !dated && len(p.active) > 0
	// The matches of the query and the date range, whatever the facet
	// filters, are kept for the next search that has them (another facet
	// ticked, the next page): see hitCache. A pass restricted by facet
	// filters sees only some of them.
	key := hitKey(req, byDate)
	matches, cached := s.hits.get(key)
	keep := !cached && len(activeQueries) < 2 && !matchAll && s.hits.enabled()
	col, err := p.run(ctx, r, matches, keep)
	if err != nil {
		return nil, err
	}
	if keep {
		s.hits.put(key, col.all)
	}

	out := &Result{
		Query: req.Query, Total: col.total, Page: req.Page, Size: req.Size,
		Hits: make([]Hit, 0, req.Size), Facets: map[string][]FacetValue{},
	}
	for i, f := range facets {
		out.Facets[f.name] = topValues(c.facet[i].values, col.counts[i], f.size)
	}
	from := (req.Page - 1) * req.Size
	if from >= len(col.top) {
		return out, nil
	}
	page := col.top[from:]
	hits, err := s.pageHits(ctx, r, q, page, byDate)
	if err != nil {
		return nil, err
	}
	for _, hit := range hits {
		hit.Linked = req.Topic != "" && slices.Contains(hit.Directions, req.Topic)
		out.Hits = append(out.Hits, hit)
	}
	return out, nil
}

// pageHits reads the page's hits: q matched again on just them, with term
// vectors, for the highlights (and with rescore, when the pass did not
// score, their scores), and their stored passages.
func (s *Searcher) pageHits(ctx context.Context, r index.IndexReader, q query.Query, page []hitRef, rescore bool) ([]Hit, error) {
	qs, err := q.Searcher(ctx, r, s.index.Mapping(), bsearch.SearcherOptions{IncludeTermVectors: true})
	if err != nil {
		return nil, err
	}
	defer qs.Close()
	sctx := &bsearch.SearchContext{
		DocumentMatchPool: bsearch.NewDocumentMatchPool(qs.DocumentMatchPoolSize()+len(page), 0),
		IndexReader:       r,
	}
	matches := map[uint32]*bsearch.DocumentMatch{}
	if _, ok := q.(*query.MatchAllQuery); ok {
		// Every passage matches with the same score and has nothing to
		// highlight; advancing a match-all searcher would walk every
		// passage up to each hit.
		first, err := qs.Next(sctx)
		if err != nil {
			return nil, err
		}
		if first == nil {
			return nil, errors.New("an index with hits matches nothing")
		}
		for _, h := range page {
			matches[h.doc] = &bsearch.DocumentMatch{IndexInternalID: internalID(h.doc), Score: first.Score}
		}
		return s.completeHits(r, page, matches, rescore)
	}
	ascending := slices.Clone(page)
	slices.SortFunc(ascending, func(a, b hitRef) int { return int(a.doc) - int(b.doc) })
	for _, h := range ascending {
		dm, err := qs.Advance(sctx, internalID(h.doc))
		if err != nil {
			return nil, err
		}
		if d, ok := docNumber(dmID(dm)); !ok || d != uint64(h.doc) {
			return nil, fmt.Errorf("passage number %d: a hit no longer matches its query", h.doc)
		}
		dm.Complete(nil)
		matches[h.doc] = dm
	}
	return s.completeHits(r, page, matches, rescore)
}

// completeHits turns the page's matches into hits, with their stored
// passages.
func (s *Searcher) completeHits(r index.IndexReader, page []hitRef, matches map[uint32]*bsearch.DocumentMatch, rescore bool) ([]Hit, error) {
	hits := make([]Hit, 0, len(page))
	for _, h := range page {
		dm := matches[h.doc]
		id, err := r.ExternalID(dm.IndexInternalID)
		if err != nil {
			return nil, err
		}
		src, err := storedSource(r, id)
		if err != nil {
			return nil, err
		}
		dm.ID = id
		dm.Fields = map[string]interface{}{indexer.FieldSource: src}
		if !rescore {
			dm.Score = h.score // the score the hit was ranked by
		}
		hit, err := toHit(dm)
		if err != nil {
			return nil, err
		}
		hits = append(hits, hit)
	}
	return hits, nil
}

func dmID(dm *bsearch.DocumentMatch) index.IndexInternalID {
	if dm == nil {
		return nil
	}
	return dm.IndexInternalID
}

// storedSource reads a passage's stored JSON.
func storedSource(r index.IndexReader, id string) (string, error) {
	doc, err := r.Document(id)
	if err != nil {
		return "", fmt.Errorf("passage %s: %w", id, err)
	}
	if doc == nil {
		return "", fmt.Errorf("passage %s: not in the index", id)
	}
	var src string
	doc.VisitFields(func(f index.Field) {
		if f.Name() == indexer.FieldSource {
			if tf, ok := f.(index.TextField); ok {
				src = tf.Text()
			} else {
				src = string(f.Value())
			}
		}
	})
	return src, nil
}

// valuesOverAll lists a facet's values counted over every passage.
func (c *columns) valuesOverAll(facet, size int) []FacetValue {
	return topValues(c.facet[facet].values, c.facet[facet].all, size)
}

// countColumns counts one facet's values over the matches of q, without
// scores, and returns at most size of them, most first.
func (s *Searcher) countColumns(ctx context.Context, c *columns, q query.Query, facet, size int) ([]FacetValue, error) {
	r, err := s.reader()
	if err != nil {
		return nil, err
	}
	defer r.Close()
	if r != c.snap {
		return nil, errStale
	}
	p := &pass{cols: c, mapping: s.index.Mapping(), query: q, count: []int{facet}}
	col, err := p.run(ctx, r, nil, false)
	if err != nil {
		return nil, err
	}
	return topValues(c.facet[facet].values, col.counts[facet], size), nil
}

package search

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"sync"
	"sync/atomic"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/blevesearch/bleve/v2/numeric"
	index "github.com/blevesearch/bleve_index_api"

	"zhengce/indexer"
)

// columns hold, for every passage of an index, the values that sorting and
// facets need, by bleve's internal document number: the date, running
// number and ordinal, and the values of each facet's field, interned. They
// are read once from the index's doc values (an index is never written
// after it is opened: a change makes a new generation, and a new Searcher).
//
// bleve reads the same doc values for every hit of every search, sort
// fields and facet fields alike, decompressing their chunks each time; at
// 100,000 passages that alone cost several milliseconds a search. From
// columns a hit costs a few array reads.
type columns struct {
	// snap is the index snapshot the columns were read from. It is only
	// compared with a search's reader (a read-only index hands out the same
	// snapshot every time): document numbers belong to one snapshot.
	snap    index.IndexReader
	n       int // document numbers are below n
	docs    int // live documents
	date    []int64
	running []int32
	ordinal []int32
	facet   []facetColumn // as facets
}

// facetColumn is one facet field's values per document, interned: document
// d has vals[start[d]:start[d+1]], or for a field with at most one value a
// document, one[d] (none when it has none).
type facetColumn struct {
	values []string          // by value number
	number map[string]uint32 // value → number
	start  []uint32
	vals   []uint32
	one    []uint32
	all    []int32 // how many documents have each value
	// docs are the documents that have each value.
	docs []*roaring.Bitmap
}

const none = ^uint32(0)

// size returns about how many bytes of memory the columns hold: their
// arrays, and each facet's values with their map entries.
func (c *columns) size() int64 {
	n := int64(cap(c.date))*8 + int64(cap(c.running)+cap(c.ordinal))*4
	for i := range c.facet {
		f := &c.facet[i]
		n += int64(cap(f.start)+cap(f.vals)+cap(f.one)+cap(f.all)) * 4
		for _, b := range f.docs {
			n += int64(b.GetSizeInBytes())
		}
		for _, v := range f.values {
			// the string, its header in values, and a map entry (key
			// header, value, about as much again in overhead)
			n += int64(len(v)) + 16 + 48
		}
	}
	return n
}

func (c *facetColumn) of(d uint32) []uint32 {
	if c.one != nil {
		if c.one[d] == none {
			return nil
		}
		return c.one[d : d+1]
	}
	return c.vals[c.start[d]:c.start[d+1]]
}

// compact keeps a field that has at most one value a document as one
// value a document.
func (c *facetColumn) compact(n int) {
	for d := range n {
		if c.start[d+1]-c.start[d] > 1 {
			return
		}
	}
	c.one = make([]uint32, n)
	for d := range n {
		c.one[d] = none
		if c.start[d+1] > c.start[d] {
			c.one[d] = c.vals[c.start[d]]
		}
	}
	c.start, c.vals = nil, nil
}

// docNumber is the document number a scorch index encodes in an internal
// ID.
func docNumber(id index.IndexInternalID) (uint64, bool) {
	if len(id) != 8 {
		return 0, false
	}
	return id.Value(), true
}

func internalID(d uint32) index.IndexInternalID { return index.NewIndexInternalID(nil, uint64(d)) }

var errNoColumns = errors.New("the index does not number its documents the way columns need")

// readColumns reads the columns of the index r is a snapshot of.
func readColumns(ctx context.Context, r index.IndexReader) (*columns, error) {
	c := &columns{snap: r, facet: make([]facetColumn, len(facets))}
	fields := []string{indexer.FieldDate, indexer.FieldRunning, indexer.FieldOrdinal}
	facetOf := map[string]int{}
	for i, f := range facets {
		fields = append(fields, f.field)
		facetOf[f.field] = i
		c.facet[i].number = map[string]uint32{}
		c.facet[i].start = []uint32{0}
	}
	docs, err := r.DocIDReaderAll()
	if err != nil {
		return nil, err
	}
	defer docs.Close()
	dv, err := r.DocValueReader(fields)
	if err != nil {
		return nil, err
	}
	var (
		date, running, ordinal int64
		bad                    error
	)
	number := func(term []byte, into *int64) {
		p := numeric.PrefixCoded(term)
		if shift, err := p.Shift(); err != nil || shift != 0 {
			return // the coarser terms of the same number
		}
		v, err := p.Int64()
		if err != nil {
			bad = err
			return
		}
		*into = v
	}
	visit := func(field string, term []byte) {
		switch field {
		case indexer.FieldDate:
			number(term, &date)
		case indexer.FieldRunning:
			number(term, &running)
		case indexer.FieldOrdinal:
			number(term, &ordinal)
		default:
			i, ok := facetOf[field]
			if !ok {
				return
			}
			fc := &c.facet[i]
			v, ok := fc.number[string(term)]
			if !ok {
				v = uint32(len(fc.values))
				fc.values = append(fc.values, string(term))
				fc.number[fc.values[v]] = v
				fc.all = append(fc.all, 0)
			}
			fc.vals = append(fc.vals, v)
			fc.all[v]++
		}
	}
	for i := 0; ; i++ {
		if i%4096 == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		id, err := docs.Next()
		if err != nil {
			return nil, err
		}
		if id == nil {
			break
		}
		d, ok := docNumber(id)
		if !ok || d < uint64(c.n) || d >= 1<<31 {
			return nil, errNoColumns
		}
		// Documents deleted in between have no values.
		for uint64(c.n) < d {
			c.appendDoc(0, 0, 0)
		}
		date, running, ordinal = 0, 0, 0
		if err := dv.VisitDocValues(id, visit); err != nil {
			return nil, err
		}
		if bad != nil {
			return nil, fmt.Errorf("reading the sort values of a passage: %w", bad)
		}
		// Numbers are indexed as float64 (in a sortable int64); dates as
		// nanoseconds.
		r, o := numeric.Int64ToFloat64(running), numeric.Int64ToFloat64(ordinal)
		if r != float64(int32(r)) || o != float64(int32(o)) {
			return nil, fmt.Errorf("a passage's running number %v or ordinal %v is not a small whole number", r, o)
		}
		c.appendDoc(date, int32(r), int32(o))
		c.docs++
	}
	for i := range c.facet {
		c.facet[i].compact(c.n)
		c.facet[i].makeBitmaps(c.n)
	}
	return c, nil
}

// makeBitmaps makes each value's set of documents, from the columns: a
// browse by facets alone is answered by intersecting them (see
// pass.runBitmaps). A deleted document has no values, so it is in no set.
func (c *facetColumn) makeBitmaps(n int) {
	c.docs = make([]*roaring.Bitmap, len(c.values))
	for v := range c.docs {
		c.docs[v] = roaring.New()
	}
	// In document order, each Add appends to its set's last container.
	for d := range uint32(n) {
		for _, v := range c.of(d) {
			c.docs[v].Add(d)
		}
	}
	for _, b := range c.docs {
		b.RunOptimize()
	}
}

// appendDoc adds the next document: its sort values, and the facet values
// visited since the previous one.
func (c *columns) appendDoc(date int64, running, ordinal int32) {
	c.date = append(c.date, date)
	c.running = append(c.running, running)
	c.ordinal = append(c.ordinal, ordinal)
	for i := range c.facet {
		c.facet[i].start = append(c.facet[i].start, uint32(len(c.facet[i].vals)))
	}
	c.n++
}

// columnState is a Searcher's columns: read in the background once the
// Searcher has answered its first search (a command that searches once
// never pays for them), or at once by Warm. Until they are there, searches
// go through bleve's own collector.
type columnState struct {
	searches atomic.Int64
	once     sync.Once
	done     chan struct{}
	cols     atomic.Pointer[columns]
	err      error
	off      bool // tests: always bleve's collector
}

// columns returns the columns when they are there.
func (s *Searcher) columns() *columns {
	if s.col.off {
		return nil
	}
	return s.col.cols.Load()
}

// searched notes a search: from the second on, the columns are read in the
// background.
func (s *Searcher) searched() {
	if !s.col.off && s.col.cols.Load() == nil && s.col.searches.Add(1) > 1 {
		s.startColumns()
	}
}

func (s *Searcher) startColumns() {
	s.col.once.Do(func() {
		s.col.done = make(chan struct{})
		go func() {
			defer close(s.col.done)
			c, err := s.readColumns(context.Background())
			if err != nil {
				s.col.err = err
				return
			}
			s.col.cols.Store(c)
		}()
	})
}

func (s *Searcher) readColumns(ctx context.Context) (c *columns, err error) {
	// Reading runs in the background: whatever bleve does with an index
	// closed meanwhile, it fails this, not the process.
	defer func() {
		if p := recover(); p != nil {
			c, err = nil, fmt.Errorf("reading the columns: %v", p)
		}
	}()
	r, err := s.reader()
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return readColumns(ctx, r)
}

// reader opens a reader of the index's current snapshot; the caller closes
// it. An index closed meanwhile is an error (errStale: the search goes
// through bleve, which says so).
func (s *Searcher) reader() (index.IndexReader, error) {
	adv, err := s.index.Advanced()
	if err != nil {
		return nil, err
	}
	r, err := adv.Reader()
	if err != nil {
		return nil, err
	}
	// scorch hands out a nil snapshot once closed.
	if r == nil || reflect.ValueOf(r).Kind() == reflect.Pointer && reflect.ValueOf(r).IsNil() {
		return nil, errStale
	}
	return r, nil
}

// Warm prepares the Searcher for many searches: it reads, once, what
// sorting and facets need from every passage (at a million passages about
// a second), which a Searcher otherwise starts doing in the background
// after its first search. A server calls it when it opens an index, before
// serving from it. Searches answer the same with or without it.
func (s *Searcher) Warm(ctx context.Context) error {
	if s.col.off {
		return nil
	}
	s.startColumns()
	select {
	case <-s.col.done:
		return s.col.err
	case <-ctx.Done():
		return ctx.Err()
	}
}

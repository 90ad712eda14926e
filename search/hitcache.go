package search

import (
	"container/list"
	"strings"
	"sync"
	"time"
	"unsafe"
)

// hitCache keeps the matches of recent searches, by query: every passage
// that matches a query (and its date range), with its score, by document
// number. A search that has them (the same query with another facet
// ticked, another page, the same topic page again) is answered from them
// and the columns alone, without matching anything: a pass over a list of
// numbers instead of over the index. What a query matches depends on the
// query alone (and the Searcher's index, which never changes), not on
// facet filters, page or size.
type hitCache struct {
	mu    sync.Mutex
	max   int64 // bytes; 0 turns the cache off
	bytes int64
	lru   *list.List // of *hitEntry, most recently used first
	at    map[string]*list.Element
}

type hitEntry struct {
	key  string
	hits []hitRef
}

// hitCacheBytes is how much memory a Searcher's hit cache takes at most:
// at a million passages, the matches of a query saying a common word
// (300,000 passages) take 4.8 MB.
const hitCacheBytes = 64 << 20

func newHitCache(max int64) *hitCache {
	return &hitCache{max: max, lru: list.New(), at: map[string]*list.Element{}}
}

func (c *hitCache) enabled() bool { return c != nil && c.max > 0 }

func entryBytes(hits []hitRef) int64 { return int64(cap(hits)) * int64(unsafe.Sizeof(hitRef{})) }

// hitKey is what a pass's matches depend on: the query (or topic), the
// date range, and whether they carry scores.
func hitKey(req Request, byDate bool) string {
	var b strings.Builder
	b.WriteString(req.Query)
	b.WriteByte(0)
	b.WriteString(req.Topic)
	b.WriteByte(0)
	if !req.From.IsZero() {
		b.WriteString(req.From.Format(time.DateOnly))
	}
	b.WriteByte(0)
	if !req.To.IsZero() {
		b.WriteString(req.To.Format(time.DateOnly))
	}
	if byDate {
		b.WriteString("\x00date")
	}
	return b.String()
}

func (c *hitCache) get(key string) ([]hitRef, bool) {
	if !c.enabled() {
		return nil, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.at[key]
	if !ok {
		return nil, false
	}
	c.lru.MoveToFront(e)
	return e.Value.(*hitEntry).hits, true
}

func (c *hitCache) put(key string, hits []hitRef) {
	if !c.enabled() {
		return
	}
	if entryBytes(hits[:len(hits):len(hits)]) > c.max/4 {
		return // one query would push out too many others
	}
	hits = append(make([]hitRef, 0, len(hits)), hits...) // no spare capacity
	n := entryBytes(hits)
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.at[key]; ok {
		c.bytes -= entryBytes(e.Value.(*hitEntry).hits)
		c.lru.Remove(e)
	}
	c.at[key] = c.lru.PushFront(&hitEntry{key: key, hits: hits})
	c.bytes += n
	for c.bytes > c.max {
		last := c.lru.Back()
		e := last.Value.(*hitEntry)
		c.lru.Remove(last)
		delete(c.at, e.key)
		c.bytes -= entryBytes(e.hits)
	}
}

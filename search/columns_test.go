package search

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
)

// bleveSearcher is a Searcher over the test index that never reads columns:
// every search goes through bleve's collector.
func bleveSearcher(t *testing.T) *Searcher {
	s := testSearcher(t)
	b := New(s.index, s.aliases)
	b.col.off = true
	return b
}

// disableHitCache turns s's hit cache off.
func disableHitCache(s *Searcher) { s.hits = newHitCache(0) }

// columnSearcher is a Searcher over the test index with its columns read,
// and a hit cache when cache is set.
func columnSearcher(t *testing.T, cache bool) *Searcher {
	s := testSearcher(t)
	c := New(s.index, s.aliases)
	if !cache {
		c.hits = newHitCache(0)
	}
	if err := c.Warm(context.Background()); err != nil {
		t.Fatal(err)
	}
	return c
}

// TestColumnsAnswerAsBleve checks that a search answered from the columns
// (collect.go), with or without the hit cache, in one pass or in two halves
// at once, is the one bleve's collector gives: the same hits in the same
// order, highlights, totals and facets, scores but for their last bits.
func TestColumnsAnswerAsBleve(t *testing.T) {
	reqs := goldenRequests(t)
	if testing.Short() {
		reqs = reqs[:len(reqs)/4]
	}
	want := goldenAnswers(t, bleveSearcher(t), reqs)
	for _, halves := range []bool{false, true} {
		name := "whole"
		if halves {
			name = "halves"
		}
		t.Run(name, func(t *testing.T) {
			if halves {
				// The test index is small: make it search in two halves
				// at once, as a large index does.
				defer func(n int) { parallelMin = n }(parallelMin)
				parallelMin = 1
			}
			t.Run("uncached", func(t *testing.T) {
				compareGolden(t, want, goldenAnswers(t, columnSearcher(t, false), reqs))
			})
			t.Run("cached", func(t *testing.T) {
				// The requests come by query, so that most find the
				// query's matches in the cache; a second round finds all.
				s := columnSearcher(t, true)
				compareGolden(t, want, goldenAnswers(t, s, reqs))
				compareGolden(t, want, goldenAnswers(t, s, reqs))
			})
		})
	}
}

func TestTopValues(t *testing.T) {
	values := []string{"a", "b", "c", "d", "e", "f", "g", "h"}
	counts := []int32{3, 0, 5, 3, 1, 5, 2, 3}
	all := topValues(values, counts, 100)
	want := []FacetValue{{"c", 5}, {"f", 5}, {"a", 3}, {"d", 3}, {"h", 3}, {"g", 2}, {"e", 1}}
	if len(all) != len(want) {
		t.Fatalf("topValues = %v, want %v", all, want)
	}
	for size := 0; size <= len(want)+1; size++ {
		got := topValues(values, counts, size)
		if n := min(size, len(want)); len(got) != n || (n > 0 && got[n-1] != want[n-1]) {
			t.Errorf("topValues(size %d) = %v, want %v", size, got, want[:n])
		}
		for i := range got {
			if got[i] != want[i] {
				t.Errorf("topValues(size %d) = %v, want %v", size, got, want[:min(size, len(want))])
				break
			}
		}
	}
}

func TestTopValuesAgainstSort(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for round := range 50 {
		n := 1 + rng.IntN(3000)
		values := make([]string, n)
		counts := make([]int32, n)
		for i := range values {
			values[i] = fmt.Sprintf("v%05d", rng.IntN(100000))
			counts[i] = int32(rng.IntN(1 + round%7))
		}
		full := topValues(values, counts, n+1)
		for _, size := range []int{0, 1, 2, 10, n / 3, n / 2, n - 1, n} {
			got := topValues(values, counts, size)
			if !slices.Equal(got, full[:min(size, len(full))]) {
				t.Fatalf("round %d: topValues(size %d) differs from the sorted list's first %d", round, size, size)
			}
		}
	}
}

func TestHitCacheKeepsTheRecentWithinItsBudget(t *testing.T) {
	hits := func(n int) []hitRef { return make([]hitRef, n) }
	size := entryBytes(hits(100))
	c := newHitCache(4 * size)
	for _, key := range []string{"a", "b", "c", "d"} {
		c.put(key, hits(100))
	}
	if _, ok := c.get("a"); !ok { // a is now the most recently used
		t.Fatal("a was dropped within the budget")
	}
	c.put("e", hits(100)) // drops b, the least recently used
	for key, want := range map[string]bool{"a": true, "b": false, "c": true, "d": true, "e": true} {
		if _, ok := c.get(key); ok != want {
			t.Errorf("after e: %s cached %v, want %v", key, ok, want)
		}
	}
	c.put("huge", hits(1000)) // more than a quarter of the budget: not kept
	if _, ok := c.get("huge"); ok {
		t.Error("an entry over a quarter of the budget was kept")
	}
	if c.bytes > c.max {
		t.Errorf("%d bytes cached, budget %d", c.bytes, c.max)
	}
	off := newHitCache(0)
	off.put("a", hits(1))
	if _, ok := off.get("a"); ok {
		t.Error("a cache of budget 0 keeps entries")
	}
}

// TestConcurrentSearchesAnswerAlike runs searches at once on one Searcher,
// with its caches, as a server does (run it with -race).
func TestConcurrentSearchesAnswerAlike(t *testing.T) {
	reqs := goldenRequests(t)
	reqs = reqs[:len(reqs)/3]
	want := goldenAnswers(t, bleveSearcher(t), reqs)
	s := columnSearcher(t, true)
	defer func(n int) { parallelMin = n }(parallelMin)
	parallelMin = 1
	got := make([][]goldenAnswer, 4)
	var wg sync.WaitGroup
	for i := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got[i] = goldenAnswers(t, s, reqs)
		}()
	}
	wg.Wait()
	for _, g := range got {
		compareGolden(t, want, g)
	}
}

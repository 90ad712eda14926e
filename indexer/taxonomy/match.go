package taxonomy

import (
	"cmp"
	"slices"
	"strings"
	"unicode/utf8"
)

// matcher counts keywords in running text the way the areas.toml header
// describes: left to right, each stretch of text at most once, the longest
// word at a position winning. Except words take part in that contest but do
// not count, so 人力资源社会保障部 hides the 社会保障 inside it.
//
// Counting each keyword separately with strings.Count would count 住房 again
// inside 保障性住房, and an editor tuning `min` would have to know that.
type matcher struct {
	byFirst map[rune][]word // candidates by first rune, longest first
}

type word struct {
	text  string
	count bool
}

func newMatcher(keywords, except []string) *matcher {
	m := &matcher{byFirst: map[rune][]word{}}
	add := func(ws []string, count bool) {
		for _, w := range ws {
			r, _ := utf8.DecodeRuneInString(w)
			m.byFirst[r] = append(m.byFirst[r], word{w, count})
		}
	}
	add(except, false)
	add(keywords, true)
	for _, ws := range m.byFirst {
		// Longest first; on a tie (a word in both lists) except wins.
		slices.SortStableFunc(ws, func(a, b word) int {
			if c := cmp.Compare(len(b.text), len(a.text)); c != 0 {
				return c
			}
			if a.count == b.count {
				return 0
			}
			if !a.count {
				return -1
			}
			return 1
		})
	}
	return m
}

// count returns how many keyword occurrences s holds, stopping early once it
// reaches limit (0 means no limit).
func (m *matcher) count(s string, limit int) int {
	n := 0
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		step := size
		for _, w := range m.byFirst[r] {
			if strings.HasPrefix(s[i:], w.text) {
				if w.count {
					n++
				}
				step = len(w.text)
				break
			}
		}
		if limit > 0 && n >= limit {
			return n
		}
		i += step
	}
	return n
}

// textIndex holds the text keywords and except words of every rule, so that
// a section's text is read once for all of them (find) and each rule then
// visits only the places where one of its words starts (count), instead of
// every rule reading the whole text.
type textIndex struct {
	byFirst map[rune][]int32 // word numbers by first rune, longest first
	words   []string
	// rules that have the word as a keyword, and as an except word, as bit
	// sets by rule number.
	keyword, except [][]uint64
	nrules          int
}

func newTextIndex() *textIndex { return &textIndex{byFirst: map[rune][]int32{}} }

// add registers rule number r's text keywords and except words.
func (x *textIndex) add(r int, keywords, except []string) {
	x.nrules = max(x.nrules, r+1)
	for _, list := range []struct {
		ws    []string
		count bool
	}{{except, false}, {keywords, true}} {
		for _, w := range list.ws {
			n := x.number(w)
			bits := &x.keyword[n]
			if !list.count {
				bits = &x.except[n]
			}
			for len(*bits) <= r/64 {
				*bits = append(*bits, 0)
			}
			(*bits)[r/64] |= 1 << (r % 64)
		}
	}
}

func (x *textIndex) number(w string) int32 {
	r, _ := utf8.DecodeRuneInString(w)
	for _, n := range x.byFirst[r] {
		if x.words[n] == w {
			return n
		}
	}
	n := int32(len(x.words))
	x.words = append(x.words, w)
	x.keyword = append(x.keyword, nil)
	x.except = append(x.except, nil)
	ns := append(x.byFirst[r], n)
	slices.SortStableFunc(ns, func(a, b int32) int { return cmp.Compare(len(x.words[b]), len(x.words[a])) })
	x.byFirst[r] = ns
	return n
}

func has(bits []uint64, r int) bool { return r/64 < len(bits) && bits[r/64]&(1<<(r%64)) != 0 }

// textHits are the places in a text where some rule's word starts: at is
// the byte offset, words[from:to] the words starting there, longest first.
type textHits struct {
	at       []int
	from, to []int
	words    []int32
}

// find reads s once and returns where each word starts.
func (x *textIndex) find(s string) *textHits {
	h := &textHits{}
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if ns := x.byFirst[r]; len(ns) > 0 {
			from := len(h.words)
			for _, n := range ns {
				if strings.HasPrefix(s[i:], x.words[n]) {
					h.words = append(h.words, n)
				}
			}
			if len(h.words) > from {
				h.at = append(h.at, i)
				h.from = append(h.from, from)
				h.to = append(h.to, len(h.words))
			}
		}
		i += size
	}
	return h
}

// count is rule r's matcher's count over the text h was found in: left to
// right, at each place the longest of r's words wins and the text it
// covers is passed over; except words win a tie and do not count.
func (x *textIndex) count(h *textHits, r, limit int) int {
	n, next := 0, 0
	for k, at := range h.at {
		if at < next {
			continue
		}
		for _, w := range h.words[h.from[k]:h.to[k]] {
			except := has(x.except[w], r)
			if !except && !has(x.keyword[w], r) {
				continue
			}
			if !except {
				n++
			}
			next = at + len(x.words[w])
			break
		}
		if limit > 0 && n >= limit {
			return n
		}
	}
	return n
}

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

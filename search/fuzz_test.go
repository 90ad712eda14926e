package search

import (
	"strings"
	"testing"
)

// FuzzParseQuery: any string gives terms or an error, never a panic, and no
// term is empty.
func FuzzParseQuery(f *testing.F) {
	for _, s := range []string{`技能人才评价`, `"普惠托育" -托育`, `“双减” 人社部`, `"unclosed`, `- -- "" “”`, "\x00\xff", `a"b"c`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		terms, err := ParseQuery(s)
		if err != nil {
			return
		}
		for _, term := range terms {
			if strings.TrimSpace(term.Text) == "" {
				t.Fatalf("ParseQuery(%q) gave an empty term", s)
			}
		}
	})
}

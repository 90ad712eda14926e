// Package verbatim tells whether a passage says a query's words as they
// are: the judge of recall in the evaluation (package eval) and in the
// search package's substring-recall test.
package verbatim

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Contains reports whether text contains sub where a number or a Latin
// word at either end of sub is not part of a longer one: 2 万名 is in
// 到 2 万名 but not in 12 万名.
func Contains(text, sub string) bool {
	alnum := func(r rune) bool {
		return r < utf8.RuneSelf && (unicode.IsDigit(r) || unicode.IsLetter(r)) || r == '.'
	}
	first, _ := utf8.DecodeRuneInString(sub)
	last, _ := utf8.DecodeLastRuneInString(sub)
	for from := 0; ; {
		i := strings.Index(text[from:], sub)
		if i < 0 {
			return false
		}
		i += from
		before, _ := utf8.DecodeLastRuneInString(text[:i])
		after, _ := utf8.DecodeRuneInString(text[i+len(sub):])
		if !(alnum(first) && alnum(before)) && !(alnum(last) && alnum(after)) {
			return true
		}
		from = i + len(sub)
	}
}

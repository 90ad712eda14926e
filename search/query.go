package search

import (
	"strings"
	"unicode"

	"zhengce"
)

// Term is one unit of a user's query: a word, or a quoted phrase, possibly
// excluded with a leading minus.
type Term struct {
	Text    string
	Phrase  bool // written in quotes: must match exactly as typed
	Exclude bool // written with a leading -: passages containing it are dropped
}

// quotePairs are the quotes a researcher may type: ASCII, and the Chinese
// curly quotes an input method produces.
var quotePairs = map[rune]rune{'"': '"', '“': '”', '「': '」'}

// ParseQuery splits a query into terms. Words are separated by white space
// (including the ideographic space); "…" or “…” is a phrase; a leading - or
// － excludes the word or phrase after it. An unclosed quote is an error.
func ParseQuery(s string) ([]Term, error) {
	var terms []Term
	runes := []rune(s)
	for i := 0; i < len(runes); {
		r := runes[i]
		if unicode.IsSpace(r) {
			i++
			continue
		}
		exclude := false
		if (r == '-' || r == '－') && i+1 < len(runes) && !unicode.IsSpace(runes[i+1]) {
			exclude = true
			i++
			r = runes[i]
		}
		if closing, ok := quotePairs[r]; ok {
			end := -1
			for j := i + 1; j < len(runes); j++ {
				if runes[j] == closing || (closing == '"' && runes[j] == '”') || (closing == '”' && runes[j] == '"') {
					end = j
					break
				}
			}
			if end < 0 {
				return nil, zhengce.Errorf(zhengce.EINVALID, "query: the quote %q at character %d is not closed", string(r), i+1)
			}
			if text := strings.TrimSpace(string(runes[i+1 : end])); hasContent(text) {
				terms = append(terms, Term{Text: text, Phrase: true, Exclude: exclude})
			}
			i = end + 1
			continue
		}
		j := i
		for j < len(runes) && !unicode.IsSpace(runes[j]) {
			if _, isQuote := quotePairs[runes[j]]; isQuote && j > i {
				break
			}
			j++
		}
		word := string(runes[i:j])
		if hasContent(word) {
			terms = append(terms, Term{Text: word, Exclude: exclude})
		}
		i = j
	}
	return terms, nil
}

// hasContent reports whether s has a letter or a number: a term of
// punctuation alone would match nothing and is dropped.
func hasContent(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsNumber(r) {
			return true
		}
	}
	return false
}

// Package cjkfilter holds bleve token filters that do in one pass what
// bleve's cjk_width and lowercase filters (Fold), and those and cjk_bigram
// without unigrams (Ngram), do one after the other: they give the same
// tokens — terms, offsets, positions and types — for any input, with far
// fewer allocations (bleve's width filter copies every term, its bigram
// filter allocates every character and every bigram on its own).
//
// The common token (CJK characters, or ASCII already in lower case) is
// passed through untouched; any other — full-width or half-width forms, a
// letter with a lower case, invalid UTF-8 — goes through bleve's own width
// and lowercase filters, so the rare cases stay bleve's by construction.
// The bigram step is bleve's algorithm. cjkfilter_test.go compares both
// filters with bleve's chains on the corpus and on random text.
package cjkfilter

import (
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/lang/cjk"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/registry"
)

// The filters' types in a bleve mapping.
const (
	FoldName  = "zhengce_cjk_fold"  // cjk_width, lowercase
	NgramName = "zhengce_cjk_ngram" // cjk_width, lowercase, cjk_bigram
)

// Fold is bleve's cjk_width and lowercase filters in one.
type Fold struct{}

// Filter implements analysis.TokenFilter.
func (Fold) Filter(input analysis.TokenStream) analysis.TokenStream {
	for _, t := range input {
		normalise(t)
	}
	return input
}

// Ngram is bleve's cjk_width, lowercase and cjk_bigram filters in one.
type Ngram struct{}

var (
	width = cjk.NewCJKWidthFilter()
	lower = lowercase.NewLowerCaseFilter()
)

// Filter implements analysis.TokenFilter.
func (Ngram) Filter(input analysis.TokenStream) analysis.TokenStream {
	// Room for every output token: at most one per character of an
	// ideographic token, one per other token.
	n, grams := 0, 0
	for _, t := range input {
		if t.Type == analysis.Ideographic {
			c := utf8.RuneCount(t.Term)
			n += c
			grams += 2 * len(t.Term)
		} else {
			n++
		}
	}
	slab := make([]analysis.Token, 0, n)
	bytes := make([]byte, 0, grams)
	out := make(analysis.TokenStream, 0, n)
	emit := func(t analysis.Token) {
		slab = append(slab, t)
		out = append(out, &slab[len(slab)-1])
	}

	// The characters waiting to pair, as bleve's ring of two: prev and
	// curr, held is how many (0, 1 or 2).
	var prev, curr analysis.Token
	held := 0
	pos := 1 // the next output position
	flush := func() {
		if held == 1 {
			emit(analysis.Token{Type: analysis.Single, Term: curr.Term, Position: pos, Start: curr.Start, End: curr.End})
			pos++
		}
		held = 0
	}
	for _, t := range input {
		normalise(t)
		if t.Type != analysis.Ideographic {
			flush()
			t.Position = pos
			out = append(out, t)
			pos++
			continue
		}
		for sofar := 0; sofar < len(t.Term); {
			_, size := utf8.DecodeRune(t.Term[sofar:])
			c := analysis.Token{
				Term:  t.Term[sofar : sofar+size : sofar+size],
				Start: t.Start + sofar,
				End:   t.Start + sofar + size,
			}
			sofar += size
			if held > 0 && c.Start != curr.End {
				flush()
			}
			prev, curr = curr, c
			if held < 2 {
				held++
			}
			if held == 2 {
				from := len(bytes)
				bytes = append(bytes, prev.Term...)
				bytes = append(bytes, curr.Term...)
				emit(analysis.Token{Type: analysis.Double, Term: bytes[from:len(bytes):len(bytes)], Position: pos, Start: prev.Start, End: curr.End})
				pos++
			}
		}
	}
	if held == 1 {
		emit(analysis.Token{Type: analysis.Single, Term: curr.Term, Position: pos, Start: curr.Start, End: curr.End})
	}
	return out
}

// normalise applies bleve's width and lowercase filters to t, unless they
// would leave it as it is.
func normalise(t *analysis.Token) {
	if plain(t.Term) {
		// As bleve's filters leave it, but for the capacity: the term
		// stays in the input; capping it keeps an append to it from
		// writing there.
		t.Term = t.Term[:len(t.Term):len(t.Term)]
		return
	}
	// bleve's width filter rewrites every term into a new slice, so the
	// lowercase filter after it never writes into the input: copy first.
	t.Term = append([]byte(nil), t.Term...)
	one := analysis.TokenStream{t}
	lower.Filter(width.Filter(one))
}

// plain reports whether the width and lowercase filters leave term as it
// is: valid UTF-8 with no full-width or half-width form and nothing with a
// lower case.
func plain(term []byte) bool {
	for i := 0; i < len(term); {
		b := term[i]
		if b < utf8.RuneSelf {
			if 'A' <= b && b <= 'Z' {
				return false
			}
			i++
			continue
		}
		r, size := utf8.DecodeRune(term[i:])
		if r == utf8.RuneError && size == 1 {
			return false
		}
		if r >= 0xFF01 && r <= 0xFF9F || unicode.ToLower(r) != r {
			return false
		}
		i += size
	}
	return true
}

func init() {
	for name, f := range map[string]analysis.TokenFilter{FoldName: Fold{}, NgramName: Ngram{}} {
		err := registry.RegisterTokenFilter(name, func(map[string]interface{}, *registry.Cache) (analysis.TokenFilter, error) {
			return f, nil
		})
		if err != nil {
			panic(err)
		}
	}
}

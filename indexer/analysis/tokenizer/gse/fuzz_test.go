package gse

import (
	"bytes"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/width"

	"zhengce/indexer/analysis/segmenter"
)

// FuzzTokenize: every token's offsets lie inside the input, on rune
// boundaries, and input[start:end] is the token's text (up to full-width
// folding); positions never go down.
func FuzzTokenize(f *testing.F) {
	for _, s := range []string{"国家奖助学金政策", "审计工作，PCT 申请“1+1+4”", "Ｗｏｒｌｄ ２０２４年", "从 2024 年起", "\xff\xfe托育", ""} {
		f.Add(s)
	}
	seg, err := segmenter.Load(domainWords(f))
	if err != nil {
		f.Fatal(err)
	}
	tokenizers := []*Tokenizer{NewTokenizer(seg, ModeIndex), NewTokenizer(seg, ModeQuery)}
	f.Fuzz(func(t *testing.T, s string) {
		input := []byte(s)
		// Rune boundaries as a decoder sees them (an invalid byte is a rune).
		boundary := map[int]bool{len(input): true}
		for i := 0; i < len(input); {
			boundary[i] = true
			_, size := utf8.DecodeRune(input[i:])
			i += size
		}
		for _, tk := range tokenizers {
			last := 0
			for _, tok := range tk.Tokenize(input) {
				if tok.Start < 0 || tok.End > len(input) || tok.Start >= tok.End {
					t.Fatalf("%q: token %q at [%d:%d] outside the input", s, tok.Term, tok.Start, tok.End)
				}
				if !boundary[tok.Start] || !boundary[tok.End] {
					t.Fatalf("%q: token %q at [%d:%d] splits a rune", s, tok.Term, tok.Start, tok.End)
				}
				if got := input[tok.Start:tok.End]; !bytes.Equal(got, tok.Term) && width.Narrow.String(string(got)) != string(tok.Term) {
					t.Fatalf("%q: token %q but input[%d:%d] is %q", s, tok.Term, tok.Start, tok.End, got)
				}
				if tok.Position < last {
					t.Fatalf("%q: position %d after %d", s, tok.Position, last)
				}
				last = tok.Position
			}
		}
	})
}

package gse

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"unicode"

	"github.com/blevesearch/bleve/v2/analysis"

	"zhengce/indexer/analysis/segmenter"
)

// The shipped domain dictionary: the tests check the analysis users get.
func domainWords(t testing.TB) []segmenter.Word {
	t.Helper()
	words, err := segmenter.ReadDict("../../../../corpus/data/dict.txt")
	if err != nil {
		t.Fatal(err)
	}
	return words
}

func tok(term string, pos, start, end int, typ analysis.TokenType) *analysis.Token {
	return &analysis.Token{Term: []byte(term), Position: pos, Start: start, End: end, Type: typ}
}

const (
	cjk   = analysis.Ideographic
	alnum = analysis.AlphaNumeric
)

func TestTokenize(t *testing.T) {
	seg, err := segmenter.Load(domainWords(t))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		mode  Mode
		input string
		want  analysis.TokenStream
	}{
		{"sub-words stacked at the word's position", ModeIndex, "国家奖助学金政策", analysis.TokenStream{
			tok("国家", 1, 0, 6, cjk),
			tok("奖助学金", 2, 6, 18, cjk), tok("助学金", 2, 9, 18, cjk), tok("助学", 2, 9, 15, cjk),
			tok("政策", 3, 18, 24, cjk),
		}},
		{"query mode is the standard cut", ModeQuery, "国家奖助学金政策", analysis.TokenStream{
			tok("国家", 1, 0, 6, cjk), tok("奖助学金", 2, 6, 18, cjk), tok("政策", 3, 18, 24, cjk),
		}},
		{"punctuation dropped, Latin and numbers kept", ModeQuery, "审计工作，PCT 申请“1+1+4”", analysis.TokenStream{
			tok("审计工作", 1, 0, 12, cjk), tok("PCT", 2, 15, 18, alnum), tok("申请", 3, 19, 25, cjk),
			tok("1", 4, 28, 29, alnum), tok("1", 5, 30, 31, alnum), tok("4", 6, 32, 33, alnum),
		}},
		{"sub-words of a domain word", ModeIndex, "审计工作", analysis.TokenStream{
			tok("审计工作", 1, 0, 12, cjk), tok("审计", 1, 0, 6, cjk), tok("工作", 1, 6, 12, cjk),
		}},
		{"domain dictionary words stay whole", ModeQuery, "人社部普惠托育", analysis.TokenStream{
			tok("人社部", 1, 0, 9, cjk), tok("普惠托育", 2, 9, 21, cjk),
		}},
		{"full-width letters and digits fold, offsets stay in the input", ModeQuery, "Ｗｏｒｌｄ ２０２４年", analysis.TokenStream{
			tok("World", 1, 0, 15, alnum), tok("2024", 2, 16, 28, alnum), tok("年", 3, 28, 31, cjk),
		}},
		{"spaces around numbers", ModeQuery, "从 2024 年起", analysis.TokenStream{
			tok("从", 1, 0, 3, cjk), tok("2024", 2, 4, 8, alnum), tok("年", 3, 9, 12, cjk), tok("起", 4, 12, 15, cjk),
		}},
		{"empty", ModeIndex, "", analysis.TokenStream{}},
		{"punctuation only", ModeIndex, "，。、“”", analysis.TokenStream{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := NewTokenizer(seg, tt.mode).Tokenize([]byte(tt.input))
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Tokenize(%q)\n got %s\nwant %s", tt.input, show(got), show(tt.want))
			}
		})
	}
}

// The same word in one text twice: each token points at its own occurrence.
func TestOffsetsPointAtEachOccurrence(t *testing.T) {
	seg, err := segmenter.Load(domainWords(t))
	if err != nil {
		t.Fatal(err)
	}
	input := []byte("托育服务，发展托育。")
	var starts []int
	for _, tk := range NewTokenizer(seg, ModeIndex).Tokenize(input) {
		if string(input[tk.Start:tk.End]) != string(tk.Term) {
			t.Errorf("token %q has offsets [%d:%d] reading %q", tk.Term, tk.Start, tk.End, input[tk.Start:tk.End])
		}
		if string(tk.Term) == "托育" {
			starts = append(starts, tk.Start)
		}
	}
	if !reflect.DeepEqual(starts, []int{0, 21}) {
		t.Errorf("托育 at %v, want [0 21]", starts)
	}
}

func TestConstructor(t *testing.T) {
	words := domainWords(t)
	list := make([]interface{}, len(words))
	for i, w := range words {
		list[i] = w.String()
	}
	if _, err := Constructor(map[string]interface{}{ConfigMode: "query", ConfigWords: list}, nil); err != nil {
		t.Fatal(err)
	}
	before := segmenter.Loads()
	tk, err := Constructor(map[string]interface{}{ConfigMode: "index", ConfigWords: list}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if segmenter.Loads() != before {
		t.Errorf("a second tokenizer over the same words loaded the dictionary again")
	}
	if got := show(tk.Tokenize([]byte("托育"))); got != "托育@1[0:6]" {
		t.Errorf("domain word from config: got %s", got)
	}
	for _, bad := range []map[string]interface{}{
		{ConfigMode: "fast"},
		{ConfigWords: "托育 100"},
		{ConfigWords: []interface{}{"托育 many"}},
	} {
		if _, err := Constructor(bad, nil); err == nil {
			t.Errorf("Constructor(%v) gave no error", bad)
		}
	}
}

func show(ts analysis.TokenStream) string {
	parts := make([]string, len(ts))
	for i, t := range ts {
		parts[i] = fmt.Sprintf("%s@%d[%d:%d]", t.Term, t.Position, t.Start, t.End)
	}
	return strings.Join(parts, " ")
}

func BenchmarkTokenize(b *testing.B) {
	seg, err := segmenter.Load(domainWords(b))
	if err != nil {
		b.Fatal(err)
	}
	text := benchText(b)
	for _, mode := range []Mode{ModeIndex, ModeQuery} {
		b.Run(string(mode), func(b *testing.B) {
			tk := NewTokenizer(seg, mode)
			b.SetBytes(int64(len(text)))
			for i := 0; i < b.N; i++ {
				tk.Tokenize(text)
			}
		})
	}
	// The baseline: gse's own Segment on the same text.
	b.Run("gse-Segment", func(b *testing.B) {
		b.SetBytes(int64(len(text)))
		for i := 0; i < b.N; i++ {
			seg.Segment(text)
		}
	})
}

// TestTokenTypeAgreesWithUnicodeTables: tokenType's shortcuts (ASCII, the
// CJK Unified Ideographs block, stop at the first Han character) give what
// the Unicode tables alone give, for every script the bulletins can hold.
func TestTokenTypeAgreesWithUnicodeTables(t *testing.T) {
	byTables := func(term string) (analysis.TokenType, bool) {
		cjk, alnum := false, false
		for _, r := range term {
			switch {
			case unicode.Is(unicode.Han, r):
				cjk = true
			case unicode.IsLetter(r) || unicode.IsNumber(r):
				alnum = true
			}
		}
		switch {
		case cjk:
			return analysis.Ideographic, true
		case alnum:
			return analysis.AlphaNumeric, true
		}
		return 0, false
	}
	for _, term := range []string{
		"托育", "PCT", "2024", "5G", "第5代", "GDP增长", "、", "——", " ", "“", "%",
		"㐀", "𠀀", "豈", "〇", "々", "é", "Ⅷ", "٣", "あ", "ア", "한", "½", "²", "_", "-",
		"ｐｃｔ", "２０２４", "\xff", "a\xff托", "😀", "托😀", "",
	} {
		wantType, wantOK := byTables(term)
		gotType, gotOK := tokenType([]byte(term))
		if gotType != wantType || gotOK != wantOK {
			t.Errorf("tokenType(%q) = %v, %v; the Unicode tables say %v, %v", term, gotType, gotOK, wantType, wantOK)
		}
	}
}

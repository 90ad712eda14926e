package cjkfilter

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/lang/cjk"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
)

// bleveChain is what Ngram replaces: the unicode tokenizer, then bleve's
// cjk_width, lowercase and cjk_bigram filters.
func bleveChain(input []byte) analysis.TokenStream {
	ts := unicode.NewUnicodeTokenizer().Tokenize(input)
	ts = cjk.NewCJKWidthFilter().Filter(ts)
	ts = lowercase.NewLowerCaseFilter().Filter(ts)
	return cjk.NewCJKBigramFilter(false).Filter(ts)
}

func ours(input []byte) analysis.TokenStream {
	return Ngram{}.Filter(unicode.NewUnicodeTokenizer().Tokenize(input))
}

// bleveFold is what Fold replaces, after the unicode tokenizer (any
// tokenizer would do: the filters see one token at a time).
func bleveFold(input []byte) analysis.TokenStream {
	ts := unicode.NewUnicodeTokenizer().Tokenize(input)
	ts = cjk.NewCJKWidthFilter().Filter(ts)
	return lowercase.NewLowerCaseFilter().Filter(ts)
}

func oursFold(input []byte) analysis.TokenStream {
	return Fold{}.Filter(unicode.NewUnicodeTokenizer().Tokenize(input))
}

func show(ts analysis.TokenStream) string {
	var b strings.Builder
	for _, t := range ts {
		fmt.Fprintf(&b, "%q@%d[%d:%d]t%d k%v ", t.Term, t.Position, t.Start, t.End, t.Type, t.KeyWord)
	}
	return b.String()
}

func same(t *testing.T, input string) {
	t.Helper()
	for _, c := range []struct {
		name        string
		ours, bleve func([]byte) analysis.TokenStream
	}{{"Ngram", ours, bleveChain}, {"Fold", oursFold, bleveFold}} {
		// Each side gets its own copy: bleve's filters may write into it.
		want := show(c.bleve([]byte(input)))
		in := []byte(input)
		got := show(c.ours(in))
		if got != want {
			t.Fatalf("%s on %q\n got %s\nwant %s", c.name, input, got, want)
		}
		if string(in) != input {
			t.Fatalf("%s changed its input %q to %q", c.name, input, in)
		}
	}
}

func TestAsBleveChainOnTheCorpus(t *testing.T) {
	files, _ := filepath.Glob("../../../testdata/issues/*.txt")
	files = append(files, "../../../corpus/issue-089.txt")
	n := 0
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		same(t, string(b))
		for _, l := range strings.Split(string(b), "\n") {
			same(t, l)
			n++
		}
	}
	if n < 500 {
		t.Errorf("%d lines", n)
	}
}

func TestAsBleveChainOnRandomText(t *testing.T) {
	alphabet := []string{
		"技", "能", "人", "才", "评", "价", "〇", "の", "カ", "ナ", "한", "글",
		"a", "B", "z", "Q", "0", "7", "x", "Σ", "σ", "Ⱥ", "İ", "ß", "é",
		"Ａ", "ｂ", "１", "＋", "！", "ｶ", "ﾞ", "ﾟ", "ﾊ", "･", "ｰ",
		" ", "\n", "\t", "，", "。", "、", "“", "”", "《", "》", "（", "）", "-", "+", ".", "'", "_", "/", "%", ":", "@",
		"😀", "\u200b", "\u3000", "\xff", "\xe6\x8a", "\xed\xa0\x80",
	}
	rng := rand.New(rand.NewPCG(3, 4))
	same(t, "")
	for range 20000 {
		var b strings.Builder
		for range rng.IntN(24) {
			b.WriteString(alphabet[rng.IntN(len(alphabet))])
		}
		same(t, b.String())
	}
}

func FuzzAsBleveChain(f *testing.F) {
	f.Add("技能人才评价体系研究 PCT 2024年 ＡＩ ｶﾞ")
	f.Fuzz(func(t *testing.T, s string) { same(t, s) })
}

func BenchmarkNgram(b *testing.B) {
	text, err := os.ReadFile("../../../corpus/issue-089.txt")
	if err != nil {
		b.Fatal(err)
	}
	lines := strings.Split(string(text), "\n")
	for _, c := range []struct {
		name string
		f    func([]byte) analysis.TokenStream
	}{{"ours", ours}, {"bleve-chain", bleveChain}} {
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(len(text)))
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				for _, l := range lines {
					c.f([]byte(l))
				}
			}
		})
	}
}

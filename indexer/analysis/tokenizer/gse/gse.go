// Package gse is a bleve tokenizer that segments Chinese text with gse.
//
// Tokens carry the byte offsets gse's Segment computed, so a highlight lands
// on the occurrence that matched. Punctuation and spaces are dropped; Latin
// words and numbers are kept. In index mode every word is followed by its
// dictionary sub-words stacked at the word's position (奖助学金 also yields
// 助学金), so a query for a sub-word finds it while phrases still match the
// words a standard cut produces at query time.
package gse

import (
	"fmt"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/registry"
	gselib "github.com/go-ego/gse"

	"zhengce/indexer/analysis/segmenter"
)

// Name is the tokenizer's type in a bleve mapping.
const Name = "zhengce_gse"

// Mode selects how text is cut.
type Mode string

const (
	// ModeIndex emits each word and, at the same position, its sub-words.
	ModeIndex Mode = "index"
	// ModeQuery emits the standard cut only.
	ModeQuery Mode = "query"
)

// Tokenizer cuts text with a shared, read-only gse segmenter.
type Tokenizer struct {
	seg  *gselib.Segmenter
	mode Mode
}

// NewTokenizer returns a tokenizer over seg, which must not be changed after.
func NewTokenizer(seg *gselib.Segmenter, mode Mode) *Tokenizer {
	return &Tokenizer{seg: seg, mode: mode}
}

// Tokenize implements analysis.Tokenizer.
func (t *Tokenizer) Tokenize(input []byte) analysis.TokenStream {
	text, offsets := foldWidth(input)
	segs := t.seg.Segment(text)
	// Tokens live in one slab rather than one allocation each.
	size := len(segs)
	if t.mode == ModeIndex {
		size += size / 2 // room for sub-words
	}
	slab := make([]analysis.Token, 0, size)
	stream := make(analysis.TokenStream, 0, cap(slab))
	emit := func(start, end, pos int, typ analysis.TokenType) {
		if len(slab) == cap(slab) {
			slab = make([]analysis.Token, 0, cap(slab))
		}
		slab = append(slab, analysis.Token{Term: text[start:end], Start: start, End: end, Position: pos, Type: typ})
		stream = append(stream, &slab[len(slab)-1])
	}
	pos := 0
	for i := range segs {
		s := &segs[i]
		start, end := s.Start(), s.End()
		typ, ok := tokenType(text[start:end])
		if !ok {
			continue
		}
		pos++
		emit(start, end, pos, typ)
		if t.mode == ModeIndex && typ == analysis.Ideographic {
			for _, sub := range subwordsOf(text, s.Token(), start, end) {
				emit(start+int(sub.start), start+int(sub.end), pos, sub.typ)
			}
		}
	}
	if offsets != nil {
		for _, tok := range stream {
			tok.Start, tok.End = offsets[tok.Start], offsets[tok.End]
		}
	}
	return stream
}

// subword is a sub-word of a dictionary word, by its byte offsets in the
// word.
type subword struct {
	start, end int32
	typ        analysis.TokenType
}

// subwords holds each dictionary word's sub-words (*gselib.Token →
// wordSubwords), worked out the first time the word is met: a word's
// sub-words depend on the word alone, and the dictionary's words live as
// long as the process (the segmenter is loaded once, see package
// segmenter). Only words with segments (the dictionary's) are kept, so it
// grows no larger than the words of the text met so far.
var subwords sync.Map

type wordSubwords struct {
	len  int // the word's length in bytes
	subs []subword
}

// subwordsOf returns the sub-words of tok, the word text[start:end], in the
// order walkSubwords finds them, each once and the word itself left out.
func subwordsOf(text []byte, tok *gselib.Token, start, end int) []subword {
	if len(tok.Segments()) == 0 {
		return nil
	}
	if v, ok := subwords.Load(tok); ok {
		if w := v.(*wordSubwords); w.len == end-start {
			return w.subs
		}
	}
	var subs []subword
	walkSubwords(text, tok, start, start, end, func(s, e int, typ analysis.TokenType) {
		if s == start && e == end {
			return
		}
		for _, sub := range subs {
			if int(sub.start) == s-start && int(sub.end) == e-start {
				return
			}
		}
		subs = append(subs, subword{int32(s - start), int32(e - start), typ})
	})
	subwords.Store(tok, &wordSubwords{len: end - start, subs: subs})
	return subs
}

// walkSubwords calls emit for each dictionary sub-word of tok, which starts at
// base and lies within the word [start, end), depth first, skipping single
// characters: they match too much to help ranking, and the bigram field
// already finds any substring.
func walkSubwords(text []byte, tok *gselib.Token, base, start, end int, emit func(s, e int, typ analysis.TokenType)) {
	for _, sub := range tok.Segments() {
		s, e := base+sub.Start(), base+sub.End()
		if e > end || s < start {
			continue // defensive: never emit offsets outside the word
		}
		if utf8.RuneCount(text[s:e]) > 1 {
			if typ, ok := tokenType(text[s:e]); ok {
				emit(s, e, typ)
			}
		}
		walkSubwords(text, sub.Token(), s, start, end, emit)
	}
}

// foldWidth turns full-width Latin letters and digits (ＰＣＴ, ２０２４) into
// ASCII so that gse keeps them together as one word, the way it does for
// half-width ones. offsets maps each byte of the folded text (and its end) to
// the input, so tokens still point into the original; it is nil when there
// was nothing to fold.
func foldWidth(input []byte) (text []byte, offsets []int) {
	const first, last, shift = 0xFF01, 0xFF5E, 0xFF01 - 0x21
	for i := 0; i < len(input); {
		r, size := utf8.DecodeRune(input[i:])
		if r >= first && r <= last && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			break
		}
		i += size
		if i == len(input) {
			return input, nil
		}
	}
	text = make([]byte, 0, len(input))
	offsets = make([]int, 0, len(input)+1)
	for i := 0; i < len(input); {
		r, size := utf8.DecodeRune(input[i:])
		if r >= first && r <= last && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			text = append(text, byte(r-shift))
			offsets = append(offsets, i)
		} else {
			text = append(text, input[i:i+size]...)
			for k := 0; k < size; k++ {
				offsets = append(offsets, i+k)
			}
		}
		i += size
	}
	offsets = append(offsets, len(input))
	return text, offsets
}

// tokenType classifies a segment; ok is false for punctuation and spaces.
// One Han character makes a segment ideographic, so the loop stops at the
// first; the common cases (ASCII, the CJK Unified Ideographs block) skip
// the Unicode tables, which cost more than segmenting.
func tokenType(term []byte) (typ analysis.TokenType, ok bool) {
	alnum := false
	for i := 0; i < len(term); {
		if c := term[i]; c < utf8.RuneSelf {
			if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' {
				alnum = true
			}
			i++
			continue
		}
		r, size := utf8.DecodeRune(term[i:])
		i += size
		switch {
		case 0x4E00 <= r && r <= 0x9FFF || unicode.Is(unicode.Han, r):
			return analysis.Ideographic, true
		case unicode.IsLetter(r) || unicode.IsNumber(r):
			alnum = true
		}
	}
	if alnum {
		return analysis.AlphaNumeric, true
	}
	return 0, false
}

// Config keys in a bleve mapping's custom tokenizer definition.
const (
	ConfigMode  = "mode"  // "index" or "query"
	ConfigWords = "words" // domain words, one `word freq pos` string each
)

// Constructor builds the tokenizer from a mapping's definition. The domain
// words travel inside the mapping, so an index opens with the dictionary it
// was built with, wherever the corpus folder is.
func Constructor(config map[string]interface{}, _ *registry.Cache) (analysis.Tokenizer, error) {
	mode := ModeIndex
	if m, ok := config[ConfigMode].(string); ok {
		mode = Mode(m)
	}
	if mode != ModeIndex && mode != ModeQuery {
		return nil, fmt.Errorf("%s tokenizer: mode %q is neither %q nor %q", Name, mode, ModeIndex, ModeQuery)
	}
	var words []segmenter.Word
	if raw, ok := config[ConfigWords]; ok {
		list, ok := raw.([]interface{})
		if !ok {
			if strs, ok2 := raw.([]string); ok2 {
				for _, s := range strs {
					list = append(list, s)
				}
			} else {
				return nil, fmt.Errorf("%s tokenizer: %q must be a list of strings", Name, ConfigWords)
			}
		}
		for _, item := range list {
			s, ok := item.(string)
			if !ok {
				return nil, fmt.Errorf("%s tokenizer: %q must be a list of strings", Name, ConfigWords)
			}
			w, err := segmenter.ParseWord(s)
			if err != nil {
				return nil, fmt.Errorf("%s tokenizer: %w", Name, err)
			}
			words = append(words, w)
		}
	}
	seg, err := segmenter.Load(words)
	if err != nil {
		return nil, err
	}
	return NewTokenizer(seg, mode), nil
}

func init() {
	if err := registry.RegisterTokenizer(Name, Constructor); err != nil {
		panic(err)
	}
}

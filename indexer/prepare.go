package indexer

import (
	"fmt"
	"strings"
	"unsafe"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/document"
	"github.com/blevesearch/bleve/v2/mapping"
	bleveSize "github.com/blevesearch/bleve/v2/size"
	index "github.com/blevesearch/bleve_index_api"

	"zhengce"
)

// Text analysis done ahead of bleve.
//
// A build analyses each passage's text once, while reading its issue: the
// research directions are linked on those tokens (LinkDirections), and the
// index gets the very same tokens instead of analysing the text again. The
// context (policy title and headings) is the same for every paragraph under
// one heading, so it is analysed once per issue rather than once per
// passage. bleve is handed the analysis in a field that is analysed already
// (usePrepared, preparedField); what it indexes is what its own analysis of
// the same field would give (prepare_test.go compares the two, field by
// field, and TestAnalyzersAsBleveFilters the analyzers with bleve's own
// filters).

// The text fields, in the order of a prepared value.
const (
	fText = iota
	fTextNgram
	fContext
	fContextNgram
	numTextFields
)

var textFieldNames = [numTextFields]string{FieldText, FieldTextNgram, FieldContext, FieldContextNgram}

// prepared is a passage's text fields analysed, in the order above.
type prepared [numTextFields]analysis.TokenStream

// fieldAnalyzers are the analyzers a mapping gives the text fields.
type fieldAnalyzers [numTextFields]analysis.Analyzer

// analyzersOf returns m's analyzers of the text fields, or nil when m is not
// this engine's mapping (one without the n-gram fields: the benchmarks'
// bleve baseline), whose documents bleve analyses itself.
func analyzersOf(m mapping.IndexMapping) (*fieldAnalyzers, error) {
	if m.AnalyzerNameForPath(FieldText) != AnalyzerWords {
		return nil, nil
	}
	var a fieldAnalyzers
	for i, name := range textFieldNames {
		an := m.AnalyzerNameForPath(name)
		if a[i] = m.AnalyzerNamed(an); a[i] == nil {
			return nil, fmt.Errorf("mapping: no analyzer %q for %s", an, name)
		}
	}
	return &a, nil
}

// prepare analyses the text fields of passages.
func (a *fieldAnalyzers) prepare(passages []zhengce.Passage) []prepared {
	out := make([]prepared, len(passages))
	contexts := map[string]int{} // context → first passage with it
	for i := range passages {
		p := &passages[i]
		out[i][fText] = a[fText].Analyze([]byte(p.Text))
		out[i][fTextNgram] = a[fTextNgram].Analyze([]byte(p.Text))
		ctx := contextOf(p)
		if first, ok := contexts[ctx]; ok {
			// Shared, never changed: bleve reads tokens and copies what
			// it keeps.
			out[i][fContext], out[i][fContextNgram] = out[first][fContext], out[first][fContextNgram]
			continue
		}
		contexts[ctx] = i
		out[i][fContext] = a[fContext].Analyze([]byte(ctx))
		out[i][fContextNgram] = a[fContextNgram].Analyze([]byte(ctx))
	}
	return out
}

// contextOf is what a passage's context fields index: the policy title and
// the headings above it, a line each.
func contextOf(p *zhengce.Passage) string {
	if p.Section.PolicyTitle == "" {
		return strings.Join(p.Path, "\n")
	}
	if len(p.Path) == 0 {
		return p.Section.PolicyTitle
	}
	return p.Section.PolicyTitle + "\n" + strings.Join(p.Path, "\n")
}

// usePrepared swaps the text fields of doc, as the mapping made them, for
// fields of the same name, value and options whose analysis is pre.
func usePrepared(doc *document.Document, pre *prepared) error {
	swapped := 0
	for i, f := range doc.Fields {
		tf, ok := f.(*document.TextField)
		if !ok || len(tf.ArrayPositions()) > 0 {
			continue
		}
		for k, name := range textFieldNames {
			if tf.Name() == name {
				doc.Fields[i] = newPreparedField(tf, pre[k])
				swapped++
				break
			}
		}
	}
	if swapped != numTextFields {
		return fmt.Errorf("document %s: %d text fields where the mapping makes %d", doc.ID(), swapped, numTextFields)
	}
	return nil
}

// preparedField is a text field analysed ahead: bleve's field of the same
// name, value and options, whose analysis (the term frequencies bleve makes
// of the tokens, see tokenFrequencies) is done when it is made rather than
// when bleve calls Analyze.
type preparedField struct {
	*document.TextField // not analysed: name, value, options, positions
	length              int
	freqs               index.TokenFrequencies
	freqsSize           int
}

func newPreparedField(f *document.TextField, tokens analysis.TokenStream) *preparedField {
	// A field without an analyzer, or its value, would not be analysed:
	// the value stays as bleve keeps it, the analysis comes from tokens.
	plain := document.NewTextFieldCustom(f.Name(), f.ArrayPositions(), f.Value(), f.Options(), nil)
	p := &preparedField{TextField: plain, length: len(tokens)}
	p.freqs, p.freqsSize = tokenFrequencies(tokens, f.ArrayPositions(), f.Options())
	return p
}

func (f *preparedField) Analyze()                                         {}
func (f *preparedField) AnalyzedLength() int                              { return f.length }
func (f *preparedField) AnalyzedTokenFrequencies() index.TokenFrequencies { return f.freqs }

// Size is what bleve's analysed TextField reports (bleve counts it in its
// statistics of memory in use), computed once.
func (f *preparedField) Size() int { return f.TextField.Size() + f.freqsSize }

var (
	sizeOfTokenFreq     = int(unsafe.Sizeof(index.TokenFreq{}))
	sizeOfTokenLocation = int(unsafe.Sizeof(index.TokenLocation{}))
)

// tokenFrequencies is bleve's analysis.TokenFrequency — each term with its
// frequency and, with term vectors, its locations in token order — with its
// TokenFreq values and location lists in three slabs rather than two small
// allocations a term, and the size bleve's TokenFrequencies.Size would
// report, without walking them again.
func tokenFrequencies(tokens analysis.TokenStream, arrayPositions []uint64, options index.FieldIndexingOptions) (index.TokenFrequencies, int) {
	if !options.IncludeTermVectors() || options.SkipFreqNorm() {
		tf := analysis.TokenFrequency(tokens, arrayPositions, options)
		return tf, tf.Size()
	}
	n := len(tokens)
	rv := make(index.TokenFrequencies, n)
	locs := make([]index.TokenLocation, n)
	terms := make([]index.TokenFreq, 0, n)
	of := make([]*index.TokenFreq, n) // each token's term
	for i, t := range tokens {
		locs[i] = index.TokenLocation{ArrayPositions: arrayPositions, Start: t.Start, End: t.End, Position: t.Position}
		tf, ok := rv[string(t.Term)]
		if !ok {
			terms = append(terms, index.TokenFreq{Term: t.Term}) // never grows: no term moves
			tf = &terms[len(terms)-1]
			rv[string(t.Term)] = tf
		}
		tf.SetFrequency(tf.Frequency() + 1)
		of[i] = tf
	}
	// Each term's locations, in one slab: a term's share is as long as
	// its frequency.
	ptrs := make([]*index.TokenLocation, n)
	size := bleveSize.SizeOfMap + len(rv)*(bleveSize.SizeOfString+bleveSize.SizeOfPtr)
	next := 0
	for k := range terms {
		tf := &terms[k]
		f := tf.Frequency()
		tf.Locations = ptrs[next : next : next+f]
		next += f
		size += 2*len(tf.Term) + sizeOfTokenFreq + f*(sizeOfTokenLocation+len(arrayPositions)*bleveSize.SizeOfUint64)
	}
	for i, tf := range of {
		tf.Locations = append(tf.Locations, &locs[i])
	}
	return rv, size
}

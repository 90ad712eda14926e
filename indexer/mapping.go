package indexer

import (
	"fmt"

	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/mapping"
	index "github.com/blevesearch/bleve_index_api"

	"zhengce/indexer/analysis/cjkfilter"
	"zhengce/indexer/analysis/segmenter"
	"zhengce/indexer/analysis/tokenizer/gse"
)

// MappingVersion is written into every index. Change it whenever the mapping,
// the analysis or the document layout changes: an index with another version
// is rebuilt rather than searched with the wrong assumptions.
const MappingVersion = "zhengce-4"

// Analyzer names used in the mapping and by queries.
const (
	AnalyzerWords      = "zh_words"       // gse words plus stacked sub-words, for indexing
	AnalyzerWordsQuery = "zh_words_query" // gse standard cut, for queries
	// AnalyzerNgram makes CJK bigrams (a lone character stays a unigram),
	// at index and query time alike so that phrase positions line up.
	AnalyzerNgram = "zh_ngram"
)

// Field names of a passage document. Text fields come in pairs: the word field
// ranks, the n-gram field guarantees that any substring is found.
const (
	FieldText         = "text"
	FieldTextNgram    = "text_ngram"
	FieldContext      = "context" // policy title and heading path: what the passage is about
	FieldContextNgram = "context_ngram"
	FieldKind         = "kind"
	FieldIssue        = "issue" // running number as a keyword, for facets and filters
	FieldRunning      = "running"
	FieldOrdinal      = "ordinal"
	FieldSection      = "section"
	FieldBodies       = "bodies"
	FieldDocType      = "doc_type"
	FieldAreas        = "areas"
	FieldDirections   = "directions"
	FieldDate         = "date"
	FieldMonth        = "month"
	FieldSource       = "source" // the passage as JSON, the only stored field
)

const docType = "passage"

// NewMapping returns the index mapping: every field explicit, nothing dynamic.
// The domain words are part of the mapping so that an index always reopens
// with the dictionary it was built with.
func NewMapping(words []segmenter.Word) (*mapping.IndexMappingImpl, error) {
	im := mapping.NewIndexMapping()
	// TF-IDF, not BM25: bleve 2.6 estimates BM25's average field length as
	// distinct terms per document, far below a paragraph's length, which
	// buries long paragraphs (see README, "How results are ranked").
	im.ScoringModel = index.DefaultScoringModel
	im.DefaultType = docType
	im.TypeField = "_type"
	im.StoreDynamic = false
	im.IndexDynamic = false
	im.DocValuesDynamic = false

	wordList := make([]interface{}, len(words))
	for i, w := range words {
		wordList[i] = w.String()
	}
	defs := []struct {
		add    func(string, map[string]interface{}) error
		name   string
		config map[string]interface{}
	}{
		{im.AddCustomTokenizer, "zh_words_index", map[string]interface{}{
			"type": gse.Name, gse.ConfigMode: string(gse.ModeIndex), gse.ConfigWords: wordList}},
		{im.AddCustomTokenizer, "zh_words_query", map[string]interface{}{
			"type": gse.Name, gse.ConfigMode: string(gse.ModeQuery), gse.ConfigWords: wordList}},
		// cjkfilter.FoldName is bleve's cjk_width and lowercase filters in
		// one pass; NgramName those and cjk_bigram (see package cjkfilter).
		{im.AddCustomAnalyzer, AnalyzerWords, map[string]interface{}{
			"type": custom.Name, "tokenizer": "zh_words_index",
			"token_filters": []interface{}{cjkfilter.FoldName}}},
		{im.AddCustomAnalyzer, AnalyzerWordsQuery, map[string]interface{}{
			"type": custom.Name, "tokenizer": "zh_words_query",
			"token_filters": []interface{}{cjkfilter.FoldName}}},
		{im.AddCustomAnalyzer, AnalyzerNgram, map[string]interface{}{
			"type": custom.Name, "tokenizer": unicode.Name,
			"token_filters": []interface{}{cjkfilter.NgramName}}},
	}
	for _, d := range defs {
		if err := d.add(d.name, d.config); err != nil {
			return nil, fmt.Errorf("mapping: %s: %w", d.name, err)
		}
	}
	im.DefaultAnalyzer = AnalyzerWords

	doc := mapping.NewDocumentStaticMapping()
	text := func(name, analyzer string) {
		f := mapping.NewTextFieldMapping()
		f.Name, f.Analyzer = name, analyzer
		f.Store, f.IncludeInAll, f.DocValues = false, false, false
		f.IncludeTermVectors = true // positions for phrases, offsets for highlights
		doc.AddFieldMappingsAt(name, f)
	}
	keywordField := func(name string) {
		f := mapping.NewKeywordFieldMapping()
		f.Name, f.Analyzer = name, keyword.Name
		f.Store, f.IncludeInAll, f.IncludeTermVectors = false, false, false
		f.DocValues = true // facets
		doc.AddFieldMappingsAt(name, f)
	}
	numeric := func(name string) {
		f := mapping.NewNumericFieldMapping()
		f.Name = name
		f.Store, f.IncludeInAll, f.DocValues = false, false, true
		doc.AddFieldMappingsAt(name, f)
	}
	text(FieldText, AnalyzerWords)
	text(FieldTextNgram, AnalyzerNgram)
	text(FieldContext, AnalyzerWords)
	text(FieldContextNgram, AnalyzerNgram)
	for _, k := range []string{FieldKind, FieldIssue, FieldBodies, FieldDocType, FieldAreas, FieldDirections, FieldMonth} {
		keywordField(k)
	}
	for _, n := range []string{FieldRunning, FieldOrdinal, FieldSection} {
		numeric(n)
	}
	date := mapping.NewDateTimeFieldMapping()
	date.Name = FieldDate
	date.Store, date.IncludeInAll, date.DocValues = false, false, true
	doc.AddFieldMappingsAt(FieldDate, date)

	source := mapping.NewTextFieldMapping()
	source.Name = FieldSource
	source.Store, source.Index, source.IncludeInAll, source.DocValues = true, false, false, false
	doc.AddFieldMappingsAt(FieldSource, source)

	im.AddDocumentMapping(docType, doc)
	im.DefaultMapping = doc
	return im, nil
}

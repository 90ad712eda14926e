package eval

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/lang/cjk"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search/query"

	"zhengce"
	"zhengce/indexer"
	"zhengce/indexer/analysis/segmenter"
	"zhengce/indexer/analysis/tokenizer/gse"
	"zhengce/search"
)

// Bench is the engine and the baselines over one set of issues.
type Bench struct {
	Passages  []zhengce.Passage
	Engine    Engine   // this engine, through search.Searcher
	Baselines []Engine // bleve's cjk analyzer; gse words alone
	dir       string
	closers   []func() error
}

// Engines returns the engine first, then the baselines.
func (b *Bench) Engines() []Engine { return append([]Engine{b.Engine}, b.Baselines...) }

// Close closes the indexes and removes the engine's temporary index.
func (b *Bench) Close() error {
	var first error
	for _, c := range b.closers {
		if err := c(); err != nil && first == nil {
			first = err
		}
	}
	if b.dir != "" {
		os.RemoveAll(b.dir)
	}
	return first
}

// Build indexes files with this engine (in a temporary directory, exactly as
// `zhengce index` does) and the same passages into the two baselines, in
// memory. The segmenter's dictionary is loaded once for all of them.
func Build(ctx context.Context, files []string, dataDir string) (*Bench, error) {
	b := &Bench{}
	ok := false
	defer func() {
		if !ok {
			b.Close()
		}
	}()
	dir, err := os.MkdirTemp("", "zhengce-eval-")
	if err != nil {
		return nil, err
	}
	b.dir = dir
	indexDir := filepath.Join(dir, "index")
	if _, err := indexer.BuildFiles(files, dataDir, indexDir); err != nil {
		return nil, err
	}
	idx, err := indexer.Open(indexDir)
	if err != nil {
		return nil, err
	}
	b.closers = append(b.closers, idx.Close)
	aliases, err := idx.Aliases()
	if err != nil {
		return nil, err
	}
	s := search.New(idx, aliases)
	b.Engine = ours{s}
	if b.Passages, err = AllPassages(ctx, s); err != nil {
		return nil, err
	}

	data, err := indexer.LoadData(dataDir)
	if err != nil {
		return nil, err
	}
	for _, bl := range []struct {
		name     string
		analyzer func(*mapping.IndexMappingImpl) (string, error)
	}{
		{"bleve cjk analyzer", func(*mapping.IndexMappingImpl) (string, error) { return cjk.AnalyzerName, nil }},
		{"gse words only", func(m *mapping.IndexMappingImpl) (string, error) { return gseWordsAnalyzer(m, data.Words) }},
	} {
		e, err := newBaseline(bl.name, b.Passages, bl.analyzer)
		if err != nil {
			return nil, fmt.Errorf("baseline %s: %w", bl.name, err)
		}
		b.closers = append(b.closers, e.index.Close)
		b.Baselines = append(b.Baselines, e)
	}
	ok = true
	return b, nil
}

// AllPassages lists every passage the searcher holds, newest first.
func AllPassages(ctx context.Context, s *search.Searcher) ([]zhengce.Passage, error) {
	var out []zhengce.Passage
	for page := 1; ; page++ {
		res, err := s.Search(ctx, search.Request{Page: page, Size: search.MaxSize})
		if err != nil {
			return nil, fmt.Errorf("listing passages: %w", err)
		}
		for _, h := range res.Hits {
			out = append(out, h.Passage)
		}
		if len(res.Hits) < search.MaxSize || uint64(len(out)) >= res.Total {
			return out, nil
		}
	}
}

// ours is this engine as users get it.
type ours struct{ s *search.Searcher }

func (ours) Name() string { return "zhengce" }

func (e ours) Search(ctx context.Context, q string) ([]string, error) {
	var ids []string
	for page := 1; ; page++ {
		res, err := e.s.Search(ctx, search.Request{Query: q, Page: page, Size: search.MaxSize})
		if err != nil {
			return nil, err
		}
		for _, h := range res.Hits {
			ids = append(ids, h.ID)
		}
		if len(res.Hits) < search.MaxSize || uint64(len(ids)) >= res.Total {
			return ids, nil
		}
	}
}

// baseline is a plain bleve index of the passages' text with one analyzer,
// scored with bleve's defaults and queried with a match query per term.
type baseline struct {
	name  string
	index bleve.Index
	size  int
}

const baselineField = "text"

func newBaseline(name string, passages []zhengce.Passage, analyzer func(*mapping.IndexMappingImpl) (string, error)) (*baseline, error) {
	m := bleve.NewIndexMapping()
	a, err := analyzer(m)
	if err != nil {
		return nil, err
	}
	doc := mapping.NewDocumentStaticMapping()
	f := mapping.NewTextFieldMapping()
	f.Analyzer = a
	f.Store, f.IncludeInAll = false, false
	doc.AddFieldMappingsAt(baselineField, f)
	m.DefaultMapping = doc
	idx, err := bleve.NewMemOnly(m)
	if err != nil {
		return nil, err
	}
	batch := idx.NewBatch()
	for _, p := range passages {
		if err := batch.Index(p.ID, map[string]interface{}{baselineField: p.Text}); err != nil {
			idx.Close()
			return nil, err
		}
	}
	if err := idx.Batch(batch); err != nil {
		idx.Close()
		return nil, err
	}
	return &baseline{name: name, index: idx, size: len(passages)}, nil
}

func (b *baseline) Name() string { return b.name }

// Search reads the query with the engine's own syntax, so that both sides
// get the same terms: each word is a bleve match query (any of its tokens),
// a quoted phrase a match-phrase query; every term must match, an excluded
// one must not.
func (b *baseline) Search(ctx context.Context, q string) ([]string, error) {
	terms, err := search.ParseQuery(q)
	if err != nil {
		return nil, err
	}
	var must, mustNot []query.Query
	for _, t := range terms {
		var tq query.Query
		if t.Phrase || t.Exclude {
			pq := query.NewMatchPhraseQuery(t.Text)
			pq.SetField(baselineField)
			tq = pq
		} else {
			mq := query.NewMatchQuery(t.Text)
			mq.SetField(baselineField)
			tq = mq
		}
		if t.Exclude {
			mustNot = append(mustNot, tq)
		} else {
			must = append(must, tq)
		}
	}
	if len(must) == 0 {
		return nil, nil
	}
	req := bleve.NewSearchRequestOptions(query.NewBooleanQuery(must, nil, mustNot), b.size, 0, false)
	req.SortBy([]string{"-_score", "_id"})
	res, err := b.index.SearchInContext(ctx, req)
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(res.Hits))
	for i, h := range res.Hits {
		ids[i] = h.ID
	}
	return ids, nil
}

// gseWordsAnalyzer adds to m an analyzer that cuts text with gse and the
// domain dictionary, standard cut only: no sub-words, no n-grams.
func gseWordsAnalyzer(m *mapping.IndexMappingImpl, words []segmenter.Word) (string, error) {
	list := make([]interface{}, len(words))
	for i, w := range words {
		list[i] = w.String()
	}
	if err := m.AddCustomTokenizer("gse_words", map[string]interface{}{
		"type": gse.Name, gse.ConfigMode: string(gse.ModeQuery), gse.ConfigWords: list}); err != nil {
		return "", err
	}
	if err := m.AddCustomAnalyzer("gse_words", map[string]interface{}{
		"type": custom.Name, "tokenizer": "gse_words",
		"token_filters": []interface{}{cjk.WidthName, lowercase.Name}}); err != nil {
		return "", err
	}
	return "gse_words", nil
}

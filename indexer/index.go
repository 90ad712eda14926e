package indexer

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/document"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"

	"zhengce"
	"zhengce/indexer/taxonomy"
)

// Keys of what the index keeps besides passages.
var (
	internalVersionKey = []byte("zhengce_mapping_version") // MappingVersion
	internalAliasesKey = []byte("zhengce_aliases")         // the aliases.toml it was built with
)

// batchSize is how many passages go into one bleve batch. bleve analyses a
// batch's documents in parallel and then builds one segment of them on the
// goroutine that hands it the batch; bigger batches make fewer segments to
// merge, smaller ones less memory in flight and more batches to share
// between the cores on a small corpus (1,000 measured no worse than 2,000 on
// 20,000 passages, with 20 % less memory, and better than 500).
const batchSize = 1000

// batchesInFlight is how many batches a bulk write hands bleve at once:
// while one builds its segment (single-threaded), the other is being
// analysed, so that every core works.
var batchesInFlight = max(2, runtime.GOMAXPROCS(0))

// Index is an open passage index.
type Index struct {
	bleve.Index
	Dir string
	// Generation is the generation that was opened (index.g000007; see
	// LiveGeneration): the index path is resolved once, and that directory
	// opened, so a writer swapping the symlink meanwhile cannot mix two.
	Generation string
}

// Open opens the index at dir for searching. An index written by another
// mapping version is refused with a message that says to rebuild it.
func Open(dir string) (*Index, error) {
	path, gen, err := resolve(dir)
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(path); err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, noIndex(dir)
		}
		return nil, fmt.Errorf("opening index: %w", err)
	}
	idx, err := bleve.OpenUsing(path, map[string]interface{}{"read_only": true})
	if err != nil {
		return nil, fmt.Errorf("opening index %s: %w", dir, err)
	}
	v, err := idx.GetInternal(internalVersionKey)
	if err != nil {
		idx.Close()
		return nil, fmt.Errorf("reading index version of %s: %w", dir, err)
	}
	if string(v) != MappingVersion {
		idx.Close()
		return nil, zhengce.Errorf(zhengce.EINVALID,
			"index %s has mapping version %q, this program writes %q: run `zhengce index` to rebuild it", dir, v, MappingVersion)
	}
	return &Index{Index: idx, Dir: dir, Generation: gen}, nil
}

// Aliases returns the body and term aliases the index was built with, so a
// search expands 人社部 the way the index canonicalised it, wherever it runs.
func (i *Index) Aliases() (*taxonomy.Aliases, error) {
	src, err := i.GetInternal(internalAliasesKey)
	if err != nil {
		return nil, fmt.Errorf("reading aliases from index %s: %w", i.Dir, err)
	}
	return taxonomy.ParseAliases(i.Dir+"#"+taxonomy.AliasesFile, src)
}

// create makes a new, empty index at dir (or in memory when dir is "").
func create(dir string, m mapping.IndexMapping) (bleve.Index, error) {
	var (
		idx bleve.Index
		err error
	)
	if dir == "" {
		// scorch in memory: several times faster than bleve's default
		// in-memory index (upsidedown over a treap), for small throwaway
		// indexes (the tests check LinkDirections against one per issue).
		idx, err = bleve.NewUsing("", m, scorch.Name, scorch.Name, nil)
	} else {
		idx, err = bleve.New(dir, m)
	}
	if err != nil {
		return nil, fmt.Errorf("creating index %s: %w", dir, err)
	}
	if err := idx.SetInternal(internalVersionKey, []byte(MappingVersion)); err != nil {
		idx.Close()
		return nil, fmt.Errorf("writing index version: %w", err)
	}
	return idx, nil
}

// write indexes passages in batches.
func write(idx bleve.Index, passages []zhengce.Passage) error {
	return writeBatches(idx, passages, nil, nil)
}

// writeBatches deletes the documents with the IDs in deletes and indexes
// passages (replacing any document of the same ID), in batches of
// batchSize, several at once (see batchWriter). It calls progress, when
// set, with the number of passages written so far: first with 0, then after
// each batch.
func writeBatches(idx bleve.Index, passages []zhengce.Passage, deletes []string, progress func(int)) error {
	w, err := newBatchWriter(idx, deletes)
	if err != nil {
		return err
	}
	w.setProgress(progress)
	if err := w.add(passages, nil); err != nil {
		w.abort()
		return err
	}
	return w.close()
}

// batchWriter indexes passages as they are handed to it, in batches of
// batchSize, up to batchesInFlight of them at once. A passage's ID must not
// be added twice, nor be one of the deletes: batches in flight together are
// applied in any order.
type batchWriter struct {
	idx     bleve.Index
	an      *fieldAnalyzers // nil: bleve analyses the documents itself
	pending []zhengce.Passage
	pre     []prepared // the pending passages' analysis, when given
	deletes []string   // go with the first batch
	slots   chan struct{}
	wg      sync.WaitGroup

	mu       sync.Mutex // guards what follows
	err      error      // the first batch that failed
	done     int        // passages written
	progress func(int)
}

func newBatchWriter(idx bleve.Index, deletes []string) (*batchWriter, error) {
	an, err := analyzersOf(idx.Mapping())
	if err != nil {
		return nil, err
	}
	return &batchWriter{idx: idx, an: an, deletes: deletes, slots: make(chan struct{}, batchesInFlight)}, nil
}

// setProgress has progress called with the number of passages written so
// far, now and after each batch. Calls never overlap, but they come from
// the goroutines writing the batches.
func (w *batchWriter) setProgress(progress func(int)) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.progress = progress
	if progress != nil {
		progress(w.done)
	}
}

// add queues passages, writing each batch as it fills; pre, when not nil,
// is their text fields' analysis (see prepare). It returns the error of any
// batch that has failed so far.
func (w *batchWriter) add(passages []zhengce.Passage, pre []prepared) error {
	for len(passages) > 0 {
		if w.pending == nil {
			w.pending = make([]zhengce.Passage, 0, batchSize)
			w.pre = make([]prepared, 0, batchSize)
		}
		n := min(batchSize-len(w.pending), len(passages))
		w.pending = append(w.pending, passages[:n]...)
		passages = passages[n:]
		if pre != nil {
			w.pre = append(w.pre, pre[:n]...)
			pre = pre[n:]
		} else {
			w.pre = append(w.pre, make([]prepared, n)...)
		}
		if len(w.pending) == batchSize {
			w.flush()
		}
	}
	return w.failed()
}

// flush writes the pending passages (and deletes) as one batch, in the
// background once a slot is free.
func (w *batchWriter) flush() {
	if len(w.pending) == 0 && len(w.deletes) == 0 {
		return
	}
	passages, pre, deletes := w.pending, w.pre, w.deletes
	w.pending, w.pre, w.deletes = nil, nil, nil
	w.slots <- struct{}{}
	w.wg.Add(1)
	go func() {
		defer func() { <-w.slots; w.wg.Done() }()
		err := w.failed()
		if err == nil {
			err = writeBatch(w.idx, w.an, passages, pre, deletes)
		}
		w.mu.Lock()
		defer w.mu.Unlock()
		if err != nil {
			if w.err == nil {
				w.err = err
			}
			return
		}
		w.done += len(passages)
		if w.progress != nil {
			w.progress(w.done)
		}
	}()
}

func (w *batchWriter) failed() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.err
}

// close writes what is pending, waits for every batch and returns the
// first error.
func (w *batchWriter) close() error {
	w.flush()
	w.wg.Wait()
	return w.failed()
}

// abort drops what is pending and waits for the batches in flight.
func (w *batchWriter) abort() {
	w.pending, w.pre, w.deletes = nil, nil, nil
	w.wg.Wait()
}

// writeBatch indexes passages and deletes the IDs deletes in one batch.
// With an, the passages' text fields are analysed here (unless pre holds
// them already, see prepare) rather than by bleve.
func writeBatch(idx bleve.Index, an *fieldAnalyzers, passages []zhengce.Passage, pre []prepared, deletes []string) error {
	b := idx.NewBatch()
	for _, id := range deletes {
		b.Delete(id)
	}
	m := idx.Mapping()
	for i := range passages {
		p := &passages[i]
		data, err := Document(p)
		if err != nil {
			return err
		}
		if an == nil {
			if err := b.Index(p.ID, data); err != nil {
				return fmt.Errorf("indexing passage %s: %w", p.ID, err)
			}
			continue
		}
		if pre[i][fText] == nil && pre[i][fContext] == nil {
			// Not analysed yet: this passage and the rest of the batch
			// without analysis, sharing their contexts.
			j := i
			for j < len(passages) && pre[j][fText] == nil && pre[j][fContext] == nil {
				j++
			}
			copy(pre[i:j], an.prepare(passages[i:j]))
		}
		doc := document.NewDocument(p.ID)
		if err := m.MapDocument(doc, data); err != nil {
			return fmt.Errorf("indexing passage %s: %w", p.ID, err)
		}
		if err := usePrepared(doc, &pre[i]); err != nil {
			return err
		}
		if err := b.IndexAdvanced(doc); err != nil {
			return fmt.Errorf("indexing passage %s: %w", p.ID, err)
		}
	}
	if err := idx.Batch(b); err != nil {
		return fmt.Errorf("writing batch: %w", err)
	}
	return nil
}

// Document is the bleve document for a passage: the fields the mapping
// indexes, and the passage itself as JSON, stored for display.
func Document(p *zhengce.Passage) (map[string]interface{}, error) {
	src, err := json.Marshal(p)
	if err != nil {
		return nil, fmt.Errorf("encoding passage %s: %w", p.ID, err)
	}
	date, err := time.Parse(time.DateOnly, p.Date)
	if err != nil {
		return nil, fmt.Errorf("passage %s: date %q: %w", p.ID, p.Date, err)
	}
	ctx := contextOf(p)
	doc := map[string]interface{}{
		"_type":           docType,
		FieldText:         p.Text,
		FieldTextNgram:    p.Text,
		FieldContext:      ctx,
		FieldContextNgram: ctx,
		FieldKind:         string(p.Kind),
		FieldIssue:        fmt.Sprint(p.Issue.Running),
		FieldRunning:      float64(p.Issue.Running),
		FieldOrdinal:      float64(p.Ordinal),
		FieldSection:      float64(p.Section.Ordinal),
		FieldBodies:       p.Section.Bodies,
		FieldAreas:        AreaValues(p.Areas),
		FieldDirections:   p.Directions,
		FieldDate:         date,
		FieldMonth:        p.Date[:7],
		FieldSource:       string(src),
	}
	if p.Section.DocType != "" {
		// An empty keyword would show up as an empty facet value.
		doc[FieldDocType] = p.Section.DocType
	}
	return doc, nil
}

// AreaValues returns what the areas field indexes: each area and, for a
// second-level area 科技、教育/知识产权, its top level too, so that a filter on
// the top level finds the passages filed under its second levels.
func AreaValues(areas []string) []string {
	out := make([]string, 0, len(areas)*2)
	for _, a := range areas {
		if top, _, ok := strings.Cut(a, "/"); ok {
			out = appendNew(out, top)
		}
		out = appendNew(out, a)
	}
	return out
}

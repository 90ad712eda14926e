package indexer

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2"
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

// batchSize keeps a batch's memory small; bleve indexes a batch in one segment.
const batchSize = 500

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
		// in-memory index (upsidedown over a treap) for the small indexes
		// LinkDirections makes, one per issue.
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

// write indexes passages in small batches.
func write(idx bleve.Index, passages []zhengce.Passage) error {
	return writeBatches(idx, passages, nil, nil)
}

// writeBatches deletes the documents with the IDs in deletes and indexes
// passages (replacing any document of the same ID), in batches of
// batchSize. After each batch it calls progress, when set, with the number
// of passages written so far.
func writeBatches(idx bleve.Index, passages []zhengce.Passage, deletes []string, progress func(int)) error {
	b := idx.NewBatch()
	flush := func(done int) error {
		if err := idx.Batch(b); err != nil {
			return fmt.Errorf("writing batch: %w", err)
		}
		b.Reset()
		if progress != nil {
			progress(done)
		}
		return nil
	}
	for _, id := range deletes {
		b.Delete(id)
	}
	for i := range passages {
		doc, err := Document(&passages[i])
		if err != nil {
			return err
		}
		if err := b.Index(passages[i].ID, doc); err != nil {
			return fmt.Errorf("indexing passage %s: %w", passages[i].ID, err)
		}
		if b.Size() >= batchSize {
			if err := flush(i + 1); err != nil {
				return err
			}
		}
	}
	if b.Size() > 0 {
		return flush(len(passages))
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
	context := make([]string, 0, len(p.Path)+1)
	if p.Section.PolicyTitle != "" {
		context = append(context, p.Section.PolicyTitle)
	}
	context = append(context, p.Path...)
	ctx := strings.Join(context, "\n")
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

package indexer

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"sort"

	"github.com/blevesearch/bleve/v2"

	"zhengce"
)

// internalCatalogueKey holds the index's catalogue: one IssueSummary per
// issue. Listing issues and topics reads it instead of walking passages, which
// would cost a pass over a million documents.
var internalCatalogueKey = []byte("zhengce_catalogue")

// IssueSummary describes one indexed issue: what the list of issues and the
// head of an issue's page show.
type IssueSummary struct {
	Number    int    `json:"number"`  // 第 N 期
	Running   int    `json:"running"` // 总第 N 期
	Date      string `json:"date"`
	Weekday   string `json:"weekday,omitempty"`
	Title     string `json:"title"`
	Publisher string `json:"publisher,omitempty"`
	// Sections are the issue's policy sections in order, bodies canonical.
	Sections []zhengce.SectionRef `json:"sections"`
	// Directions are the recommended research directions, in order.
	Directions []string `json:"directions"`
	Passages   int      `json:"passages"`
	Source     string   `json:"source,omitempty"` // the file's name in the corpus
}

// Summarise describes iss, whose passages are passages.
func Summarise(iss *zhengce.Issue, passages []zhengce.Passage, bodies BodyNames) IssueSummary {
	s := IssueSummary{
		Number: iss.Number, Running: iss.Running, Date: iss.Date.String(), Weekday: iss.Weekday,
		Title: iss.Title, Publisher: iss.Publisher, Passages: len(passages),
		Sections: make([]zhengce.SectionRef, 0, len(iss.Sections)), Directions: make([]string, 0, len(iss.Directions)),
	}
	if iss.Source != "" {
		s.Source = filepath.Base(iss.Source)
	}
	for _, sec := range iss.Sections {
		s.Sections = append(s.Sections, sectionRef(sec, bodies))
	}
	for _, d := range iss.Directions {
		s.Directions = append(s.Directions, d.Name)
	}
	return s
}

// sortCatalogue orders issues newest first.
func sortCatalogue(c []IssueSummary) {
	sort.Slice(c, func(i, j int) bool { return c[i].Running > c[j].Running })
}

func writeCatalogue(idx bleve.Index, c []IssueSummary) error {
	sortCatalogue(c)
	b, err := json.Marshal(c)
	if err != nil {
		return fmt.Errorf("encoding the catalogue: %w", err)
	}
	if err := idx.SetInternal(internalCatalogueKey, b); err != nil {
		return fmt.Errorf("writing the catalogue: %w", err)
	}
	return nil
}

// Catalogue returns a summary of every issue in the index, newest first.
func (i *Index) Catalogue() ([]IssueSummary, error) {
	b, err := i.GetInternal(internalCatalogueKey)
	if err != nil {
		return nil, fmt.Errorf("reading the catalogue of index %s: %w", i.Dir, err)
	}
	var c []IssueSummary
	if err := json.Unmarshal(b, &c); err != nil {
		return nil, fmt.Errorf("decoding the catalogue of index %s: %w", i.Dir, err)
	}
	sortCatalogue(c)
	return c, nil
}

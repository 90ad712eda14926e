package indexer

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/blevesearch/bleve/v2/mapping"

	"zhengce"
	"zhengce/indexer/analysis/segmenter"
	"zhengce/indexer/parser"
	"zhengce/indexer/taxonomy"
)

// Data is the editable domain knowledge under corpus/data: the domain
// dictionary, body aliases and the policy-area rules.
type Data struct {
	Words    []segmenter.Word
	Taxonomy *taxonomy.Taxonomy
	Aliases  []byte // aliases.toml as read, kept in the index
	// Fingerprint is the SHA-256 of each data file, kept in the index: add
	// refuses to analyse a new issue with other data than the rest's.
	Fingerprint map[string]string
}

// DictFile is the domain dictionary's name inside the data folder.
const DictFile = "dict.txt"

// LoadData reads the data folder.
func LoadData(dir string) (*Data, error) {
	words, err := segmenter.ReadDict(filepath.Join(dir, DictFile))
	if err != nil {
		return nil, err
	}
	// The aliases are read once: parsed here, and kept as read for the index.
	aliasesPath := filepath.Join(dir, taxonomy.AliasesFile)
	aliases, err := os.ReadFile(aliasesPath)
	if err != nil {
		return nil, fmt.Errorf("reading aliases: %w", err)
	}
	parsed, err := taxonomy.ParseAliases(aliasesPath, aliases)
	if err != nil {
		return nil, err
	}
	areas, err := taxonomy.LoadAreas(filepath.Join(dir, taxonomy.AreasFile))
	if err != nil {
		return nil, err
	}
	fp, err := dataFingerprint(dir)
	if err != nil {
		return nil, err
	}
	tax := &taxonomy.Taxonomy{Aliases: parsed, Areas: areas}
	return &Data{Words: words, Taxonomy: tax, Aliases: aliases, Fingerprint: fp}, nil
}

// Mapping is the index mapping for this data.
func (d *Data) Mapping() (*mapping.IndexMappingImpl, error) { return NewMapping(d.Words) }

// IsIssueFile says whether a file of this name is an issue: *.txt or
// *.docx, but not a hidden file or the ~$name.docx owner file Word leaves
// beside an open document.
func IsIssueFile(name string) bool {
	if strings.HasPrefix(name, ".") || strings.HasPrefix(name, "~$") {
		return false
	}
	ext := strings.ToLower(filepath.Ext(name))
	return ext == ".txt" || ext == ".docx"
}

// IssueFiles lists the issue files directly inside dir, sorted by name. A
// folder named like an issue file (issue-092.txt/) is an error: most likely
// an issue unpacked or saved in the wrong place, which would silently go
// missing.
func IssueFiles(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("reading corpus: %w", err)
	}
	var files []string
	for _, e := range entries {
		if !IsIssueFile(e.Name()) {
			continue
		}
		path := filepath.Join(dir, e.Name())
		if e.IsDir() {
			return nil, zhengce.Errorf(zhengce.EINVALID, "%s: is a directory, not an issue file", path)
		}
		files = append(files, path)
	}
	sort.Strings(files)
	return files, nil
}

// ReadIssues parses files; two files with the same running number are an
// error naming both.
func ReadIssues(files []string) ([]*zhengce.Issue, error) {
	seen := map[int]string{}
	issues := make([]*zhengce.Issue, 0, len(files))
	for _, f := range files {
		iss, err := parser.ParseFile(f)
		if err != nil {
			return nil, err
		}
		if other, dup := seen[iss.Running]; dup {
			return nil, zhengce.Errorf(zhengce.EINVALID, "%s: running number 总第 %d 期 is also that of %s", f, iss.Running, other)
		}
		seen[iss.Running] = f
		issues = append(issues, iss)
	}
	return issues, nil
}

// IssuePassages turns one issue into its passages, research directions linked.
func (d *Data) IssuePassages(m mapping.IndexMapping, iss *zhengce.Issue) ([]zhengce.Passage, error) {
	areas, bodies := d.Taxonomy.Areas, d.Taxonomy.Aliases
	first := Passages(iss, areas, bodies, nil)
	links, err := LinkDirections(m, iss, first)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", iss.Source, err)
	}
	return Passages(iss, areas, bodies, links), nil
}

// Stats summarises a build.
type Stats struct {
	Issues   int
	Passages int
	Duration time.Duration
	Dir      string // the generation directory written
}

// Options tune a build.
type Options struct {
	// Progress, when set, is called as the build goes: after each file is
	// read and after each batch of passages is written. It is called from
	// the building goroutine; the indexer itself prints nothing.
	Progress func(Progress)
}

// Progress is how far a build has gone in one of its stages.
type Progress struct {
	Stage Stage
	Done  int // files read, or passages written, so far
	Total int
}

// Stage is a stage of a build.
type Stage string

const (
	StageRead  Stage = "read"  // files parsed into passages
	StageWrite Stage = "write" // passages written into the new generation
)

func (o Options) report(stage Stage, done, total int) {
	if o.Progress != nil {
		o.Progress(Progress{Stage: stage, Done: done, Total: total})
	}
}

func firstOptions(opts []Options) Options {
	if len(opts) > 0 {
		return opts[0]
	}
	return Options{}
}

// Build parses every issue in corpusDir and writes a complete new index
// beside indexDir, then points indexDir at it in one rename. Until that
// rename the previous index stays as it was; a failed or killed build leaves
// only a stray generation directory, removed by the next writer (see
// lifecycle.go). Only one writer runs at a time: Build fails at once when
// another index, add or remove holds the index's lock.
func Build(corpusDir, dataDir, indexDir string, opts ...Options) (Stats, error) {
	files, err := IssueFiles(corpusDir)
	if err != nil {
		return Stats{}, err
	}
	if len(files) == 0 {
		return Stats{}, zhengce.Errorf(zhengce.EINVALID, "no issue files (*.txt, *.docx) in %s", corpusDir)
	}
	return BuildFiles(files, dataDir, indexDir, opts...)
}

// BuildFiles is Build over a list of issue files.
func BuildFiles(files []string, dataDir, indexDir string, opts ...Options) (Stats, error) {
	start := time.Now()
	opt := firstOptions(opts)
	unlock, err := lockWriter(indexDir)
	if err != nil {
		return Stats{}, err
	}
	defer unlock()
	data, err := LoadData(dataDir)
	if err != nil {
		return Stats{}, err
	}
	m, err := data.Mapping()
	if err != nil {
		return Stats{}, err
	}
	issues, passages, err := data.readAll(m, files, opt)
	if err != nil {
		return Stats{}, err
	}
	catalogue := make([]IssueSummary, 0, len(issues))
	total := 0
	for i, iss := range issues {
		catalogue = append(catalogue, Summarise(iss, passages[i], data.Taxonomy.Aliases))
		total += len(passages[i])
	}

	gen, err := newGeneration(indexDir)
	if err != nil {
		return Stats{}, err
	}
	fail := func(err error) (Stats, error) {
		os.RemoveAll(gen)
		return Stats{}, err
	}
	idx, err := create(gen, m)
	if err != nil {
		return fail(err)
	}
	if err := idx.SetInternal(internalAliasesKey, data.Aliases); err != nil {
		idx.Close()
		return fail(fmt.Errorf("writing aliases into the index: %w", err))
	}
	if err := writeFingerprint(idx, data.Fingerprint); err != nil {
		idx.Close()
		return fail(err)
	}
	if err := writeCatalogue(idx, catalogue); err != nil {
		idx.Close()
		return fail(err)
	}
	all := make([]zhengce.Passage, 0, total)
	for _, ps := range passages {
		all = append(all, ps...)
	}
	opt.report(StageWrite, 0, total)
	if err := writeBatches(idx, all, nil, func(n int) { opt.report(StageWrite, n, total) }); err != nil {
		idx.Close()
		return fail(err)
	}
	if err := idx.Close(); err != nil {
		return fail(fmt.Errorf("closing new index: %w", err))
	}
	if err := swap(indexDir, gen); err != nil {
		return fail(err)
	}
	return Stats{Issues: len(issues), Passages: total, Duration: time.Since(start), Dir: gen}, nil
}

// readAll parses files and turns each into its passages, on every CPU, in
// the files' order. Two files with the same running number are an error
// naming both; of several bad files the first in order is reported.
func (d *Data) readAll(m mapping.IndexMapping, files []string, opt Options) ([]*zhengce.Issue, [][]zhengce.Passage, error) {
	type result struct {
		iss *zhengce.Issue
		ps  []zhengce.Passage
		err error
	}
	results := make([]result, len(files))
	done := make(chan int)
	next := make(chan int)
	workers := min(runtime.GOMAXPROCS(0), len(files))
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				r := &results[i]
				if r.iss, r.err = parser.ParseFile(files[i]); r.err == nil {
					r.ps, r.err = d.IssuePassages(m, r.iss)
				}
				done <- i
			}
		}()
	}
	go func() {
		defer close(next)
		for i := range files {
			next <- i
		}
	}()
	go func() { wg.Wait(); close(done) }()
	opt.report(StageRead, 0, len(files))
	n := 0
	for range done {
		n++
		opt.report(StageRead, n, len(files))
	}

	seen := map[int]string{}
	issues := make([]*zhengce.Issue, len(files))
	passages := make([][]zhengce.Passage, len(files))
	for i, r := range results {
		if r.err != nil {
			return nil, nil, r.err
		}
		if other, dup := seen[r.iss.Running]; dup {
			return nil, nil, zhengce.Errorf(zhengce.EINVALID, "%s: running number 总第 %d 期 is also that of %s", files[i], r.iss.Running, other)
		}
		seen[r.iss.Running] = files[i]
		issues[i], passages[i] = r.iss, r.ps
	}
	return issues, passages, nil
}

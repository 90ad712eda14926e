package indexer

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
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
	ps, _, err := d.issuePassages(m, iss, nil)
	return ps, err
}

// issuePassages is IssuePassages; with an (m's analyzers), it also returns
// the passages' analysis, which the links were computed on, for the index.
func (d *Data) issuePassages(m mapping.IndexMapping, iss *zhengce.Issue, an *fieldAnalyzers) ([]zhengce.Passage, []prepared, error) {
	areas, bodies := d.Taxonomy.Areas, d.Taxonomy.Aliases
	// Linking reads only the passages' text, kind and section: no areas.
	first := Passages(iss, nil, bodies, nil)
	var pre []prepared
	if an != nil {
		pre = an.prepare(first)
	}
	links, err := linkDirections(m, iss, first, pre)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", iss.Source, err)
	}
	ps := Passages(iss, areas, bodies, links)
	if pre != nil {
		// The same passages, with areas and directions: same text, same
		// context.
		for i := range ps {
			if ps[i].ID != first[i].ID || ps[i].Text != first[i].Text || contextOf(&ps[i]) != contextOf(&first[i]) {
				return nil, nil, fmt.Errorf("%s: passage %s changed between linking and indexing", iss.Source, ps[i].ID)
			}
		}
	}
	return ps, pre, nil
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
//
// Reading and writing overlap: the files are parsed and their passages
// made on every CPU, and each issue's passages are handed, in the files'
// order, to a writer that indexes them in batches (see batchWriter) while
// the next files are read. A bad file stops the build wherever it is; the
// half-written generation is removed.
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
	defer bulkGC()()

	gen, err := newGeneration(indexDir)
	if err != nil {
		return Stats{}, err
	}
	idx, err := create(gen, m)
	if err != nil {
		os.RemoveAll(gen)
		return Stats{}, err
	}
	w, err := newBatchWriter(idx, nil)
	if err != nil {
		idx.Close()
		os.RemoveAll(gen)
		return Stats{}, err
	}
	fail := func(err error) (Stats, error) {
		w.abort()
		idx.Close()
		os.RemoveAll(gen)
		return Stats{}, err
	}
	issues, passages, err := data.readAll(m, files, opt, w.an, w.add)
	if err != nil {
		return fail(err)
	}
	catalogue := make([]IssueSummary, 0, len(issues))
	total := 0
	for i, iss := range issues {
		catalogue = append(catalogue, Summarise(iss, passages[i], data.Taxonomy.Aliases))
		total += len(passages[i])
	}
	w.setProgress(func(n int) { opt.report(StageWrite, n, total) })
	if err := w.close(); err != nil {
		return fail(err)
	}
	if err := idx.SetInternal(internalAliasesKey, data.Aliases); err != nil {
		return fail(fmt.Errorf("writing aliases into the index: %w", err))
	}
	if err := writeFingerprint(idx, data.Fingerprint); err != nil {
		return fail(err)
	}
	if err := writeCatalogue(idx, catalogue); err != nil {
		return fail(err)
	}
	if err := idx.Close(); err != nil {
		os.RemoveAll(gen)
		return Stats{}, fmt.Errorf("closing new index: %w", err)
	}
	if err := swap(indexDir, gen); err != nil {
		os.RemoveAll(gen)
		return Stats{}, err
	}
	return Stats{Issues: len(issues), Passages: total, Duration: time.Since(start), Dir: gen}, nil
}

// readAll parses files and turns each into its passages, on every CPU, and
// calls each with the passages of every file in the files' order, as soon
// as they and those of the files before are ready. Two files with the same
// running number are an error naming both; of several bad files the first
// in order is reported.
func (d *Data) readAll(m mapping.IndexMapping, files []string, opt Options, an *fieldAnalyzers, each func([]zhengce.Passage, []prepared) error) ([]*zhengce.Issue, [][]zhengce.Passage, error) {
	type result struct {
		iss *zhengce.Issue
		ps  []zhengce.Passage
		pre []prepared
		err error
	}
	results := make([]result, len(files))
	done := make(chan int, len(files))
	next := make(chan int)
	stop := make(chan struct{})
	workers := min(runtime.GOMAXPROCS(0), len(files))
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				r := &results[i]
				if r.iss, r.err = parser.ParseFile(files[i]); r.err == nil {
					r.ps, r.pre, r.err = d.issuePassages(m, r.iss, an)
				}
				done <- i
			}
		}()
	}
	// Files read but not yet handed on hold their passages and analysis:
	// reading keeps at most readAhead of them ahead of the writer.
	ahead := make(chan struct{}, readAhead*workers)
	go func() {
		defer close(next)
		for i := range files {
			select {
			case ahead <- struct{}{}:
			case <-stop:
				return
			}
			select {
			case next <- i:
			case <-stop:
				return
			}
		}
	}()
	// On an early return, stop handing out files and let the workers end.
	defer func() { close(stop); wg.Wait() }()

	opt.report(StageRead, 0, len(files))
	seen := map[int]string{}
	issues := make([]*zhengce.Issue, len(files))
	passages := make([][]zhengce.Passage, len(files))
	ready := make([]bool, len(files))
	inOrder := 0 // files before this one have been handed on
	for n := 1; n <= len(files); n++ {
		ready[<-done] = true
		opt.report(StageRead, n, len(files))
		for ; inOrder < len(files) && ready[inOrder]; inOrder++ {
			i, r := inOrder, &results[inOrder]
			if r.err != nil {
				return nil, nil, r.err
			}
			if other, dup := seen[r.iss.Running]; dup {
				return nil, nil, zhengce.Errorf(zhengce.EINVALID, "%s: running number 总第 %d 期 is also that of %s", files[i], r.iss.Running, other)
			}
			seen[r.iss.Running] = files[i]
			issues[i], passages[i] = r.iss, r.ps
			if each != nil {
				if err := each(r.ps, r.pre); err != nil {
					return nil, nil, err
				}
				r.pre = nil // the writer has it now
			}
			<-ahead
		}
	}
	return issues, passages, nil
}

// readAhead is how many files per worker reading may run ahead of writing.
const readAhead = 8

// bulkGCPercent is the garbage collector's target during a build. A build
// allocates about 150 KB per passage, nearly all of it short-lived, while
// the segmenter's dictionary and the batches in flight stay live: letting
// the heap grow to 3× the live heap rather than 2× takes the collector
// from about 11 % of a build's CPU time to about 5 % (GODEBUG=gctrace=1 on
// BenchmarkBuildFiles), for a peak some hundreds of MB higher (about 2 GB
// on 20,000 passages; 400 % saved 2 % more for another 300 MB).
const bulkGCPercent = 200

var (
	bulkMu    sync.Mutex
	bulkUsers int
	bulkPrev  int
)

// bulkGC raises the collector's target for a build, unless GOGC already
// sets it higher (or off), and returns the function that restores it when
// the last build running in the process ends.
func bulkGC() (restore func()) {
	bulkMu.Lock()
	defer bulkMu.Unlock()
	if bulkUsers == 0 {
		bulkPrev = debug.SetGCPercent(bulkGCPercent)
		if bulkPrev < 0 || bulkPrev > bulkGCPercent {
			debug.SetGCPercent(bulkPrev)
		}
	}
	bulkUsers++
	return func() {
		bulkMu.Lock()
		defer bulkMu.Unlock()
		if bulkUsers--; bulkUsers == 0 {
			debug.SetGCPercent(bulkPrev)
		}
	}
}

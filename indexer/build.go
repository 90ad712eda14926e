package indexer

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
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
	tax := &taxonomy.Taxonomy{Aliases: parsed, Areas: areas}
	return &Data{Words: words, Taxonomy: tax, Aliases: aliases}, nil
}

// Mapping is the index mapping for this data.
func (d *Data) Mapping() (*mapping.IndexMappingImpl, error) { return NewMapping(d.Words) }

// IssueFiles lists the issue files directly inside dir, sorted by name.
func IssueFiles(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("reading corpus: %w", err)
	}
	var files []string
	for _, e := range entries {
		if e.IsDir() || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		if ext := strings.ToLower(filepath.Ext(e.Name())); ext == ".txt" {
			files = append(files, filepath.Join(dir, e.Name()))
		}
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

// Build parses every issue in corpusDir and writes a complete new index
// beside indexDir, then points indexDir at it in one rename. Until that
// rename the previous index stays as it was; a failed build leaves only a
// stray generation directory, removed by the next build.
func Build(corpusDir, dataDir, indexDir string) (Stats, error) {
	files, err := IssueFiles(corpusDir)
	if err != nil {
		return Stats{}, err
	}
	if len(files) == 0 {
		return Stats{}, zhengce.Errorf(zhengce.EINVALID, "no issue files (*.txt) in %s", corpusDir)
	}
	return BuildFiles(files, dataDir, indexDir)
}

// BuildFiles is Build over a list of issue files.
func BuildFiles(files []string, dataDir, indexDir string) (Stats, error) {
	start := time.Now()
	data, err := LoadData(dataDir)
	if err != nil {
		return Stats{}, err
	}
	m, err := data.Mapping()
	if err != nil {
		return Stats{}, err
	}
	issues, err := ReadIssues(files)
	if err != nil {
		return Stats{}, err
	}
	var passages []zhengce.Passage
	catalogue := make([]IssueSummary, 0, len(issues))
	for _, iss := range issues {
		ps, err := data.IssuePassages(m, iss)
		if err != nil {
			return Stats{}, err
		}
		passages = append(passages, ps...)
		catalogue = append(catalogue, Summarise(iss, ps, data.Taxonomy.Aliases))
	}

	gen, err := newGeneration(indexDir)
	if err != nil {
		return Stats{}, err
	}
	idx, err := create(gen, m)
	if err != nil {
		return Stats{}, err
	}
	if err := idx.SetInternal(internalAliasesKey, data.Aliases); err != nil {
		idx.Close()
		os.RemoveAll(gen)
		return Stats{}, fmt.Errorf("writing aliases into the index: %w", err)
	}
	if err := writeCatalogue(idx, catalogue); err != nil {
		idx.Close()
		os.RemoveAll(gen)
		return Stats{}, err
	}
	if err := write(idx, passages); err != nil {
		idx.Close()
		os.RemoveAll(gen)
		return Stats{}, err
	}
	if err := idx.Close(); err != nil {
		os.RemoveAll(gen)
		return Stats{}, fmt.Errorf("closing new index: %w", err)
	}
	if err := swap(indexDir, gen); err != nil {
		os.RemoveAll(gen)
		return Stats{}, err
	}
	return Stats{Issues: len(issues), Passages: len(passages), Duration: time.Since(start), Dir: gen}, nil
}

// Generation directories sit beside the index path: data/index is a symlink
// to data/index.g000007.
const genSep = ".g"

// newGeneration removes generation directories that the index path does not
// point to (left by a failed or killed build) and returns a fresh one's path.
func newGeneration(indexDir string) (string, error) {
	parent, base := filepath.Split(filepath.Clean(indexDir))
	if parent == "" {
		parent = "."
	}
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return "", fmt.Errorf("creating %s: %w", parent, err)
	}
	live, _ := os.Readlink(indexDir)
	entries, err := os.ReadDir(parent)
	if err != nil {
		return "", fmt.Errorf("reading %s: %w", parent, err)
	}
	next := 1
	for _, e := range entries {
		rest, ok := strings.CutPrefix(e.Name(), base+genSep)
		if !ok {
			continue
		}
		n, err := strconv.Atoi(rest)
		if err != nil {
			continue
		}
		if n >= next {
			next = n + 1
		}
		if e.Name() != filepath.Base(live) {
			os.RemoveAll(filepath.Join(parent, e.Name()))
		}
	}
	return filepath.Join(parent, fmt.Sprintf("%s%s%06d", base, genSep, next)), nil
}

// swap points indexDir at gen atomically (a symlink renamed over the old one)
// and removes the generation it replaced.
func swap(indexDir, gen string) error {
	indexDir = filepath.Clean(indexDir)
	old, _ := os.Readlink(indexDir)
	if fi, err := os.Lstat(indexDir); err == nil && fi.Mode()&os.ModeSymlink == 0 {
		// An index from before generations: a plain directory. It cannot be
		// replaced atomically, so move it aside first.
		if err := os.RemoveAll(indexDir); err != nil {
			return fmt.Errorf("removing old index %s: %w", indexDir, err)
		}
	}
	tmp := indexDir + ".link-tmp"
	os.Remove(tmp)
	if err := os.Symlink(filepath.Base(gen), tmp); err != nil {
		return fmt.Errorf("linking new index: %w", err)
	}
	if err := os.Rename(tmp, indexDir); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("switching to new index: %w", err)
	}
	if old != "" && filepath.Base(old) != filepath.Base(gen) {
		os.RemoveAll(filepath.Join(filepath.Dir(indexDir), filepath.Base(old)))
	}
	return nil
}

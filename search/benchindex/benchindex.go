// Package benchindex builds the large indexes the search benchmarks run on,
// once per corpus, indexed exactly as `zhengce index` does: synthetic issues
// that package gen (zhengce gen) recombines from the six test issues (the
// shipped issue and the five fixtures), or copies of the six issues, each
// copy moved in time and renumbered. An index is kept on disk under the
// temporary directory, named after a hash of everything it is built from
// ($TMPDIR/zhengce-bench-<hash>), so that a second benchmark run opens it
// instead of rebuilding it. Set ZHENGCE_BENCH_REBUILD=1 to rebuild anyway
// (after an indexer change that did not change indexer.MappingVersion).
package benchindex

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"time"

	"zhengce/indexer"
	"zhengce/indexer/gen"
	"zhengce/indexer/parser"
	"zhengce/indexer/taxonomy"
)

// version changes whenever what this package writes changes, so that a
// cached index from an older version is not reused.
const version = "benchindex-1"

// SourceIssues lists the shipped issue and the fixture issues under the
// module root.
func SourceIssues(root string) ([]string, error) {
	files := []string{filepath.Join(root, "corpus", "issue-089.txt")}
	fixtures, err := filepath.Glob(filepath.Join(root, "testdata", "issues", "*.txt"))
	if err != nil {
		return nil, err
	}
	files = append(files, fixtures...)
	if len(files) < 6 {
		return nil, fmt.Errorf("found %d issue files, want the shipped issue and the five fixtures: %v", len(files), files)
	}
	return files, nil
}

// Built is a benchmark index on disk.
type Built struct {
	Index    string // the index path, for indexer.Open
	Copies   int    // of the six issues; 0 for generated issues
	Issues   int
	Passages int
	// Build is how long building it took (when it was built by an earlier
	// run, by that run).
	Build  time.Duration
	Cached bool // opened from an earlier run
}

// PassagesPerCopy is how many passages one copy of the six issues holds
// (137): copies for a target size are about size / PassagesPerCopy.
const PassagesPerCopy = 137

// PassagesPerIssue is about how many passages a generated issue holds.
const PassagesPerIssue = 100

// Copies returns the index of copies × the six issues under root (the
// module root), building it when no earlier run left it in the cache.
// progress, when not nil, is told about a build as it goes.
func Copies(root string, copies int, progress func(string)) (*Built, error) {
	if copies < 1 {
		return nil, fmt.Errorf("copies must be 1 or more, not %d", copies)
	}
	files, err := SourceIssues(root)
	if err != nil {
		return nil, err
	}
	key := strconv.Itoa(copies)
	b, err := build(root, key, copies, files, progress, func(corpus string) ([]string, error) {
		if copies == 1 {
			return files, nil
		}
		if progress != nil {
			progress(fmt.Sprintf("writing %d copies of the six issues", copies))
		}
		return WriteCopies(corpus, files, copies, ShiftFor(copies))
	})
	return b, err
}

// Generated returns the index of issues synthetic issues that package gen
// (zhengce gen) makes from the six issues with seed, about a hundred
// passages each, building it when no earlier run left it in the cache.
func Generated(root string, issues int, seed uint64, progress func(string)) (*Built, error) {
	if issues < 1 {
		return nil, fmt.Errorf("issues must be 1 or more, not %d", issues)
	}
	sources, err := SourceIssues(root)
	if err != nil {
		return nil, err
	}
	// What the generator makes depends on its code too.
	code, err := filepath.Glob(filepath.Join(root, "indexer", "gen", "*.go"))
	if err != nil {
		return nil, err
	}
	aliases := filepath.Join(root, "corpus", "data", taxonomy.AliasesFile)
	key := fmt.Sprintf("gen %d %d", issues, seed)
	return build(root, key, 0, append(sources, code...), progress, func(corpus string) ([]string, error) {
		m, err := gen.LoadMaterial([]string{filepath.Join(root, "corpus"), filepath.Join(root, "testdata", "issues")}, aliases)
		if err != nil {
			return nil, err
		}
		g, err := gen.New(m, gen.Options{Issues: issues, Seed: seed})
		if err != nil {
			return nil, err
		}
		if progress != nil {
			progress(fmt.Sprintf("generating %d issues", issues))
		}
		if _, err := g.Write(corpus, false, nil); err != nil {
			return nil, err
		}
		return indexer.IssueFiles(corpus)
	})
}

// build returns the index of the issue files that write puts in corpus (a
// folder of its own), from the cache when an earlier run built it from the
// same inputs: key, the files inputs, the data files and the mapping
// version.
func build(root, key string, copies int, inputs []string, progress func(string), write func(corpus string) ([]string, error)) (*Built, error) {
	dataDir := filepath.Join(root, "corpus", "data")
	hash, err := cacheKey(key, inputs, dataDir)
	if err != nil {
		return nil, err
	}
	dir := filepath.Join(os.TempDir(), "zhengce-bench-"+hash)
	stamp := filepath.Join(dir, "built")
	if os.Getenv("ZHENGCE_BENCH_REBUILD") == "" {
		if b, err := readStamp(stamp); err == nil {
			b.Index = filepath.Join(dir, "index")
			b.Cached = true
			return b, nil
		}
	}
	// Build beside the final place and rename: a killed build leaves a
	// stray temporary directory, never a half-built cached index.
	tmp, err := os.MkdirTemp(os.TempDir(), "zhengce-bench-building-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	corpus := filepath.Join(tmp, "corpus")
	if err := os.Mkdir(corpus, 0o755); err != nil {
		return nil, err
	}
	files, err := write(corpus)
	if err != nil {
		return nil, err
	}
	var opts indexer.Options
	if progress != nil {
		last := time.Now()
		opts.Progress = func(p indexer.Progress) {
			if time.Since(last) > 30*time.Second || p.Done == p.Total {
				last = time.Now()
				progress(fmt.Sprintf("%s %d/%d", p.Stage, p.Done, p.Total))
			}
		}
	}
	st, err := indexer.BuildFiles(files, dataDir, filepath.Join(tmp, "index"), opts)
	if err != nil {
		return nil, err
	}
	os.RemoveAll(corpus)
	b := &Built{Copies: copies, Issues: st.Issues, Passages: st.Passages, Build: st.Duration}
	if err := writeStamp(filepath.Join(tmp, "built"), b); err != nil {
		return nil, err
	}
	os.RemoveAll(dir) // a rebuild, or an unfinished earlier one
	if err := os.Rename(tmp, dir); err != nil {
		return nil, fmt.Errorf("keeping the benchmark index: %w", err)
	}
	b.Index = filepath.Join(dir, "index")
	return b, nil
}

// cacheKey hashes what an index is built from: this package's version,
// the mapping version, key, and every input and data file.
func cacheKey(key string, files []string, dataDir string) (string, error) {
	h := sha256.New()
	fmt.Fprintf(h, "%s\n%s\n%s\n", version, indexer.MappingVersion, key)
	data, err := filepath.Glob(filepath.Join(dataDir, "*"))
	if err != nil {
		return "", err
	}
	for _, f := range append(slices.Clone(files), data...) {
		fi, err := os.Stat(f)
		if err != nil {
			return "", err
		}
		if fi.IsDir() {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			return "", err
		}
		fmt.Fprintf(h, "%s %d\n", filepath.Base(f), len(b))
		h.Write(b)
	}
	return hex.EncodeToString(h.Sum(nil))[:16], nil
}

func writeStamp(path string, b *Built) error {
	return os.WriteFile(path, fmt.Appendf(nil, "%d %d %d %d\n", b.Copies, b.Issues, b.Passages, b.Build.Milliseconds()), 0o644)
}

func readStamp(path string) (*Built, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var b Built
	var ms int64
	if _, err := fmt.Fscan(f, &b.Copies, &b.Issues, &b.Passages, &ms); err != nil && !errors.Is(err, io.EOF) {
		return nil, err
	}
	if b.Passages == 0 {
		return nil, fs.ErrNotExist
	}
	b.Build = time.Duration(ms) * time.Millisecond
	return &b, nil
}

var (
	// The masthead's 第 9 期·总第 89 期 (number within the year, running
	// number), as the parser reads it.
	reMastheadNumber = regexp.MustCompile(`第\s*(\d+)\s*期\s*[·・•.．\s（(]*\s*总第\s*(\d+)\s*期`)
	// A full date, 2024 年 11 月 13 日 or 2024年11月13日.
	reFullDate = regexp.MustCompile(`(\d{4})(\s*年\s*)(\d{1,2})(\s*月\s*)(\d{1,2})(\s*日)`)
)

// CopyShift is how far each copy of the six issues moves in time: 22 weeks,
// so a copy's weekdays stay right and its first issue (2024-09-18 + 22 weeks)
// follows the previous copy's last (2025-02-12) by a week.
const CopyShift = 22 * week

const week = 7 * 24 * time.Hour

// ShiftFor returns the shift between copies for this many: CopyShift, or
// for many copies fewer whole weeks (copies then overlap in time), so that
// the last copy is dated before 2200: bleve keeps dates as nanoseconds
// since 1970, which end in 2262.
func ShiftFor(copies int) time.Duration {
	weeks := 175 * 52 / max(copies, 1)
	return time.Duration(min(max(weeks, 1), 22)) * week
}

// WriteCopies writes copies × the given issues into dir as distinct issues
// and returns their paths. Copy 0 is the issues as they are; copy k has
// every full date moved k × shift later (masthead and policy dates alike)
// and running number + k × len(issues), and numbers within a year carry on
// from the year's previous issue. The copies are written as UTF-8 whatever
// the source's encoding.
func WriteCopies(dir string, issues []string, copies int, shift time.Duration) ([]string, error) {
	type src struct {
		text            string
		running, number int
		date            time.Time
	}
	var srcs []src
	for _, f := range issues {
		iss, err := parser.ParseFile(f)
		if err != nil {
			return nil, err
		}
		raw, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		text, err := parser.Decode(raw)
		if err != nil {
			return nil, fmt.Errorf("%s: %v", f, err)
		}
		srcs = append(srcs, src{text: text, running: iss.Running, number: iss.Number, date: iss.Date.Time})
	}
	slices.SortFunc(srcs, func(a, b src) int { return a.running - b.running })
	for i := 1; i < len(srcs); i++ {
		if srcs[i].running != srcs[0].running+i {
			return nil, fmt.Errorf("source issues' running numbers are not consecutive: %d after %d", srcs[i].running, srcs[i-1].running)
		}
	}

	type out struct {
		src     src
		running int
		date    time.Time
		shift   time.Duration
	}
	var all []out
	for k := range copies {
		for _, s := range srcs {
			d := time.Duration(k) * shift
			all = append(all, out{src: s, running: s.running + k*len(srcs), date: s.date.Add(d), shift: d})
		}
	}
	// Number within the year: copy 0 keeps its own; a later copy's issue
	// follows the year's previous issue (copies come after the sources).
	slices.SortFunc(all, func(a, b out) int { return a.date.Compare(b.date) })
	files := make([]string, 0, len(all))
	year, number := 0, 0
	for _, o := range all {
		if o.date.Year() != year {
			year, number = o.date.Year(), 0
		}
		number++
		if o.shift == 0 {
			number = o.src.number
		}
		text := o.src.text
		if o.shift != 0 {
			text = shiftDates(text, o.shift)
		}
		text, err := renumber(text, number, o.running)
		if err != nil {
			return nil, err
		}
		path := filepath.Join(dir, fmt.Sprintf("issue-%06d.txt", o.running))
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			return nil, err
		}
		files = append(files, path)
	}
	return files, nil
}

// renumber rewrites the masthead's 第 N 期·总第 M 期, keeping its spacing.
func renumber(text string, number, running int) (string, error) {
	m := reMastheadNumber.FindStringSubmatchIndex(text)
	if m == nil {
		return "", errors.New("no 第 N 期·总第 M 期 in an issue")
	}
	return text[:m[2]] + strconv.Itoa(number) + text[m[3]:m[4]] + strconv.Itoa(running) + text[m[5]:], nil
}

// shiftDates moves every full date in text by d, keeping each date's
// spacing. A date that is not a calendar day is left as it is.
func shiftDates(text string, d time.Duration) string {
	return reFullDate.ReplaceAllStringFunc(text, func(s string) string {
		m := reFullDate.FindStringSubmatch(s)
		y, _ := strconv.Atoi(m[1])
		mo, _ := strconv.Atoi(m[3])
		day, _ := strconv.Atoi(m[5])
		t := time.Date(y, time.Month(mo), day, 12, 0, 0, 0, time.UTC)
		if t.Year() != y || int(t.Month()) != mo || t.Day() != day {
			return s
		}
		t = t.Add(d)
		return fmt.Sprintf("%d%s%d%s%d%s", t.Year(), m[2], int(t.Month()), m[4], t.Day(), m[6])
	})
}

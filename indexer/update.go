package indexer

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"

	"zhengce"
	"zhengce/indexer/parser"
)

// Change is what adding or removing one issue does to the index.
type Change struct {
	Running int
	File    string // the file given to Add; for Remove the issue's corpus file
	Source  string // the issue's file name in the corpus
	// OldSource is the corpus file of the issue being replaced when its name
	// differs from Source: Add removes it, so that the corpus holds one file
	// per issue, like the index.
	OldSource string
	Old, New  int // passages before and after: Old 0 adds an issue, New 0 removes one
	// Added, Gone and Changed compare a replaced issue's passages by ID:
	// new IDs, IDs no longer there, and IDs whose passage differs.
	Added, Gone, Changed int

	oldIDs []string // the passages' IDs in the live index
	iss    *zhengce.Issue
	ps     []zhengce.Passage
}

// String describes the change in one line:
//
//	add 总第 92 期 (issue-092.txt): 23 passages
//	replace 总第 89 期 (issue-089.txt): 45 passages → 47 passages (+3 new, -1 gone, 12 changed)
//	remove 总第 89 期 (issue-089.txt): 45 passages
func (c Change) String() string {
	switch {
	case c.New == 0:
		return fmt.Sprintf("remove 总第 %d 期 (%s): %d passages", c.Running, c.Source, c.Old)
	case c.Old == 0:
		return fmt.Sprintf("add 总第 %d 期 (%s): %d passages", c.Running, c.Source, c.New)
	}
	s := fmt.Sprintf("replace 总第 %d 期 (%s): %d passages → %d passages (+%d new, -%d gone, %d changed)",
		c.Running, c.Source, c.Old, c.New, c.Added, c.Gone, c.Changed)
	if c.OldSource != "" {
		s += fmt.Sprintf(", replacing %s", c.OldSource)
	}
	return s
}

// UpdateStats summarises an Add or a Remove.
type UpdateStats struct {
	Changes  []Change
	Issues   int // issues in the index after
	Passages int // passages in the index after
	Duration time.Duration
	Dir      string // the generation written; "" for a dry run
	// Warnings are things that went wrong after the index was switched,
	// which the index does not depend on (a corpus file that could not be
	// removed).
	Warnings []string
}

// Add indexes the issue files files into the index at indexDir and copies
// them into corpusDir, so that the next Build finds them. An issue whose
// running number is already indexed is replaced: its passages are deleted
// and the new ones indexed, so none is duplicated and none is left stale.
//
// Every file is parsed first; a bad file, two files with the same running
// number, data files changed since the index was built (see
// checkFingerprint) or an index of another mapping version change nothing.
// The live index is not written: Add copies it into a new generation
// (cloneGeneration: cheap, the segments are hard-linked), changes that, and
// switches to it as Build does. With dryRun it only reports the changes.
func Add(corpusDir, dataDir, indexDir string, files []string, dryRun bool) (UpdateStats, error) {
	start := time.Now()
	if len(files) == 0 {
		return UpdateStats{}, zhengce.Errorf(zhengce.EINVALID, "no files to add")
	}
	if !dryRun {
		unlock, err := lockWriter(indexDir)
		if err != nil {
			return UpdateStats{}, err
		}
		defer unlock()
	}
	// The files first: reading them costs little, and a bad one is the
	// likeliest mistake.
	given := map[string]bool{}
	for _, f := range files {
		if abs, err := filepath.Abs(f); err == nil {
			if given[abs] {
				return UpdateStats{}, zhengce.Errorf(zhengce.EINVALID, "%s: given twice", f)
			}
			given[abs] = true
		}
	}
	issues, err := ReadIssues(files)
	if err != nil {
		return UpdateStats{}, err
	}
	for _, f := range files {
		if err := checkIssueName(f); err != nil {
			return UpdateStats{}, err
		}
	}
	data, err := LoadData(dataDir)
	if err != nil {
		return UpdateStats{}, err
	}
	live, err := openLive(indexDir)
	if err != nil {
		return UpdateStats{}, err
	}
	changes, cat, err := planAdd(live, data, dataDir, corpusDir, files, issues)
	liveDir := live.dir
	live.Close()
	if err != nil {
		return UpdateStats{}, err
	}
	st := UpdateStats{Changes: changes, Issues: len(cat)}
	for _, s := range cat {
		st.Passages += s.Passages
	}
	if dryRun {
		st.Duration = time.Since(start)
		return st, nil
	}

	var passages []zhengce.Passage
	var deletes []string
	for _, c := range changes {
		passages = append(passages, c.ps...)
		keep := make(map[string]bool, len(c.ps))
		for _, p := range c.ps {
			keep[p.ID] = true
		}
		for _, id := range c.oldIDs {
			if !keep[id] {
				deletes = append(deletes, id)
			}
		}
	}
	gen, err := updateGeneration(indexDir, liveDir, passages, deletes, cat)
	if err != nil {
		return UpdateStats{}, err
	}
	// The corpus is written after the new generation is complete and before
	// the switch to it. Copying first would leave, if the build failed, a
	// corpus that the index does not match; switching first would leave, if
	// the copy failed, an index serving an issue the corpus lacks, which the
	// next `zhengce index` would silently drop. In this order a failure at
	// any point loses nothing: until the switch the live index is the old
	// one, and a corpus that already holds the new files is what the editor
	// asked for — the next add or index brings the index up to it.
	if err := copyIntoCorpus(corpusDir, changes); err != nil {
		os.RemoveAll(gen)
		return UpdateStats{}, err
	}
	if err := swap(indexDir, gen); err != nil {
		os.RemoveAll(gen)
		return UpdateStats{}, err
	}
	for _, c := range changes {
		if c.OldSource == "" {
			continue
		}
		if err := os.Remove(filepath.Join(corpusDir, c.OldSource)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			st.Warnings = append(st.Warnings, fmt.Sprintf(
				"%s replaces %s in the index, but %s could not be removed from the corpus (%v): remove it, or `zhengce index` will find two files for 总第 %d 期",
				c.Source, c.OldSource, c.OldSource, err, c.Running))
		}
	}
	st.Dir, st.Duration = gen, time.Since(start)
	return st, nil
}

// liveIndex is the live generation, open for reading, and its directory.
type liveIndex struct {
	*Index
	dir string
}

// openLive opens the live generation of indexDir. The caller holds the
// lock, so the generation it names stays the live one.
func openLive(indexDir string) (liveIndex, error) {
	dir, _, err := resolve(indexDir)
	if err != nil {
		return liveIndex{}, err
	}
	idx, err := Open(indexDir)
	if err != nil {
		return liveIndex{}, err
	}
	return liveIndex{idx, dir}, nil
}

// checkIssueName refuses a file that the corpus would not list as an issue
// (a .bin, a .md): copied into the corpus, the next Build would not see it.
func checkIssueName(file string) error {
	if !IsIssueFile(filepath.Base(file)) {
		return zhengce.Errorf(zhengce.EINVALID, "%s: not an issue file (the corpus holds *.txt and *.docx issues)", file)
	}
	return nil
}

// planAdd works out what adding issues (parsed from files) to the live index
// changes, and the catalogue after it.
func planAdd(live liveIndex, data *Data, dataDir, corpusDir string, files []string, issues []*zhengce.Issue) ([]Change, []IssueSummary, error) {
	if err := live.checkFingerprint(data, dataDir); err != nil {
		return nil, nil, err
	}
	cat, err := live.Catalogue()
	if err != nil {
		return nil, nil, err
	}
	byRunning := make(map[int]IssueSummary, len(cat))
	bySource := make(map[string]IssueSummary, len(cat))
	for _, s := range cat {
		byRunning[s.Running] = s
		bySource[s.Source] = s
	}
	m, err := data.Mapping()
	if err != nil {
		return nil, nil, err
	}
	changes := make([]Change, len(issues))
	adding := map[string]bool{}
	for i, iss := range issues {
		c := &changes[i]
		c.Running, c.File, c.Source, c.iss = iss.Running, files[i], filepath.Base(files[i]), iss
		if adding[c.Source] {
			return nil, nil, zhengce.Errorf(zhengce.EINVALID, "%s: another file given is also named %s", files[i], c.Source)
		}
		adding[c.Source] = true
		if c.ps, err = data.IssuePassages(m, iss); err != nil {
			return nil, nil, err
		}
		c.New = len(c.ps)
		if err := checkCorpusName(corpusDir, files[i], iss.Running, bySource); err != nil {
			return nil, nil, err
		}
		old, indexed := byRunning[iss.Running]
		if indexed {
			if old.Source != "" && old.Source != c.Source {
				c.OldSource = old.Source
			}
			if err := diffIssue(live.Index, c); err != nil {
				return nil, nil, err
			}
		}
		iss.Source = c.Source
		byRunning[iss.Running] = Summarise(iss, c.ps, data.Taxonomy.Aliases)
	}
	// Files given to replace one another's old names are not removed.
	for i := range changes {
		if adding[changes[i].OldSource] {
			changes[i].OldSource = ""
		}
	}
	out := make([]IssueSummary, 0, len(byRunning))
	for _, s := range byRunning {
		out = append(out, s)
	}
	sortCatalogue(out)
	return changes, out, nil
}

// checkCorpusName refuses to overwrite, in the corpus, a file of the same
// name that is another issue (or none): only the same issue's file is
// replaced.
func checkCorpusName(corpusDir, file string, running int, bySource map[string]IssueSummary) error {
	dest := filepath.Join(corpusDir, filepath.Base(file))
	destInfo, err := os.Stat(dest)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("%s: %w", dest, err)
	}
	if srcInfo, err := os.Stat(file); err == nil && os.SameFile(srcInfo, destInfo) {
		return nil // the file is already in the corpus: it is indexed in place
	}
	other := -1
	if s, ok := bySource[filepath.Base(file)]; ok {
		other = s.Running
	} else if iss, err := parser.ParseFile(dest); err == nil {
		other = iss.Running
	}
	switch {
	case other == running:
		return nil
	case other < 0:
		return zhengce.Errorf(zhengce.EINVALID, "%s: the corpus already has a file %s that is not an issue: rename one of them", file, dest)
	default:
		return zhengce.Errorf(zhengce.EINVALID, "%s: the corpus already has %s, which is 总第 %d 期, not %d: rename one of them", file, dest, other, running)
	}
}

// diffIssue reads the live index's passages of c's issue and compares them
// with c's by ID.
func diffIssue(live *Index, c *Change) error {
	old, err := issuePassages(live, c.Running, true)
	if err != nil {
		return err
	}
	c.Old = len(old)
	for id := range old {
		c.oldIDs = append(c.oldIDs, id)
	}
	slices.Sort(c.oldIDs)
	seen := make(map[string]bool, len(c.ps))
	for i := range c.ps {
		p := &c.ps[i]
		seen[p.ID] = true
		src, ok := old[p.ID]
		if !ok {
			c.Added++
			continue
		}
		doc, err := Document(p)
		if err != nil {
			return err
		}
		if doc[FieldSource] != src {
			c.Changed++
		}
	}
	for id := range old {
		if !seen[id] {
			c.Gone++
		}
	}
	return nil
}

// issuePassages returns the IDs of the passages of issue running in idx,
// with their stored source when withSource is set.
func issuePassages(idx *Index, running int, withSource bool) (map[string]string, error) {
	q := query.NewTermQuery(strconv.Itoa(running))
	q.SetField(FieldIssue)
	count, err := idx.Search(bleve.NewSearchRequestOptions(q, 0, 0, false))
	if err != nil {
		return nil, fmt.Errorf("listing the passages of 总第 %d 期: %w", running, err)
	}
	out := make(map[string]string, count.Total)
	if count.Total == 0 {
		return out, nil
	}
	req := bleve.NewSearchRequestOptions(q, int(count.Total), 0, false)
	if withSource {
		req.Fields = []string{FieldSource}
	}
	res, err := idx.Search(req)
	if err != nil {
		return nil, fmt.Errorf("listing the passages of 总第 %d 期: %w", running, err)
	}
	for _, h := range res.Hits {
		src, _ := h.Fields[FieldSource].(string)
		out[h.ID] = src
	}
	return out, nil
}

// updateGeneration writes a new generation: a copy of the live generation
// liveDir with the documents deletes removed, passages indexed and the
// catalogue cat. It returns the new generation's path; on error it leaves
// nothing behind.
func updateGeneration(indexDir, liveDir string, passages []zhengce.Passage, deletes []string, cat []IssueSummary) (string, error) {
	gen, err := newGeneration(indexDir)
	if err != nil {
		return "", err
	}
	fail := func(err error) (string, error) {
		os.RemoveAll(gen)
		return "", err
	}
	if err := cloneGeneration(liveDir, gen); err != nil {
		return fail(err)
	}
	idx, err := bleve.Open(gen)
	if err != nil {
		return fail(fmt.Errorf("opening the copy of index %s: %w", liveDir, err))
	}
	if err := writeBatches(idx, passages, deletes, nil); err != nil {
		idx.Close()
		return fail(err)
	}
	if err := writeCatalogue(idx, cat); err != nil {
		idx.Close()
		return fail(err)
	}
	if err := idx.Close(); err != nil {
		return fail(fmt.Errorf("closing new index: %w", err))
	}
	return gen, nil
}

// copyIntoCorpus copies each change's file into corpusDir under its own
// name, each atomically (a temporary file renamed over the name), and
// after every temporary file is written, so that a full disk leaves the
// corpus as it was.
func copyIntoCorpus(corpusDir string, changes []Change) error {
	if err := os.MkdirAll(corpusDir, 0o755); err != nil {
		return fmt.Errorf("creating corpus %s: %w", corpusDir, err)
	}
	// Temporary files an add that was killed left (IssueFiles passes over
	// them: they start with a dot). The caller holds the lock.
	if strays, err := filepath.Glob(filepath.Join(corpusDir, corpusTempPattern)); err == nil {
		for _, f := range strays {
			os.Remove(f)
		}
	}
	type pending struct{ tmp, dest string }
	var todo []pending
	cleanup := func() {
		for _, p := range todo {
			os.Remove(p.tmp)
		}
	}
	for _, c := range changes {
		dest := filepath.Join(corpusDir, c.Source)
		if same(c.File, dest) {
			continue
		}
		tmp, err := os.CreateTemp(corpusDir, corpusTempPattern)
		if err != nil {
			cleanup()
			return fmt.Errorf("copying %s into the corpus: %w", c.File, err)
		}
		todo = append(todo, pending{tmp.Name(), dest})
		if err := tmp.Chmod(0o644); err != nil {
			tmp.Close()
			cleanup()
			return fmt.Errorf("copying %s into the corpus: %w", c.File, err)
		}
		if err := fillFile(tmp, c.File); err != nil {
			cleanup()
			return fmt.Errorf("copying %s into the corpus: %w", c.File, err)
		}
	}
	for i, p := range todo {
		if err := os.Rename(p.tmp, p.dest); err != nil {
			todo = todo[i:]
			cleanup()
			return fmt.Errorf("copying into the corpus: %w", err)
		}
	}
	return nil
}

// corpusTempPattern names the temporary files Add writes into the corpus.
const corpusTempPattern = ".zhengce-add-*"

// same reports whether a and b are one file.
func same(a, b string) bool {
	ai, err := os.Stat(a)
	if err != nil {
		return false
	}
	bi, err := os.Stat(b)
	return err == nil && os.SameFile(ai, bi)
}

// Remove takes the issues with the given running numbers out of the index at
// indexDir (a new generation, as Add writes) and removes their files from
// corpusDir. A running number that is not indexed changes nothing; so does
// removing every issue, which would leave an index that `zhengce index`
// could not rebuild (it refuses an empty corpus). A corpus file that is
// already gone is a warning. With dryRun it only reports the changes.
func Remove(corpusDir, indexDir string, running []int, dryRun bool) (UpdateStats, error) {
	start := time.Now()
	if len(running) == 0 {
		return UpdateStats{}, zhengce.Errorf(zhengce.EINVALID, "no issues to remove")
	}
	if !dryRun {
		unlock, err := lockWriter(indexDir)
		if err != nil {
			return UpdateStats{}, err
		}
		defer unlock()
	}
	live, err := openLive(indexDir)
	if err != nil {
		return UpdateStats{}, err
	}
	changes, cat, err := planRemove(live, running)
	liveDir := live.dir
	live.Close()
	if err != nil {
		return UpdateStats{}, err
	}
	st := UpdateStats{Changes: changes, Issues: len(cat)}
	for _, s := range cat {
		st.Passages += s.Passages
	}
	if dryRun {
		st.Duration = time.Since(start)
		return st, nil
	}
	var deletes []string
	for _, c := range changes {
		deletes = append(deletes, c.oldIDs...)
	}
	gen, err := updateGeneration(indexDir, liveDir, nil, deletes, cat)
	if err != nil {
		return UpdateStats{}, err
	}
	// The switch comes first, the corpus after: if removing a file fails,
	// the file is still there to index again; removing it first and then
	// failing to switch would leave an index serving an issue whose file is
	// gone.
	if err := swap(indexDir, gen); err != nil {
		os.RemoveAll(gen)
		return UpdateStats{}, err
	}
	for _, c := range changes {
		if c.Source == "" {
			st.Warnings = append(st.Warnings, fmt.Sprintf("总第 %d 期: the index does not record its corpus file; remove it from %s by hand", c.Running, corpusDir))
			continue
		}
		f := filepath.Join(corpusDir, c.Source)
		switch err := os.Remove(f); {
		case errors.Is(err, fs.ErrNotExist):
			st.Warnings = append(st.Warnings, fmt.Sprintf("%s was not in the corpus", f))
		case err != nil:
			st.Warnings = append(st.Warnings, fmt.Sprintf("%s could not be removed (%v): remove it, or the next `zhengce index` brings 总第 %d 期 back", f, err, c.Running))
		}
	}
	st.Dir, st.Duration = gen, time.Since(start)
	return st, nil
}

func planRemove(live liveIndex, running []int) ([]Change, []IssueSummary, error) {
	cat, err := live.Catalogue()
	if err != nil {
		return nil, nil, err
	}
	gone := map[int]bool{}
	var changes []Change
	for _, r := range running {
		if gone[r] {
			continue
		}
		i := slices.IndexFunc(cat, func(s IssueSummary) bool { return s.Running == r })
		if i < 0 {
			return nil, nil, zhengce.Errorf(zhengce.ENOTFOUND, "总第 %d 期 is not in index %s", r, live.Dir)
		}
		gone[r] = true
		ids, err := issuePassages(live.Index, r, false)
		if err != nil {
			return nil, nil, err
		}
		c := Change{Running: r, File: cat[i].Source, Source: cat[i].Source, Old: len(ids)}
		for id := range ids {
			c.oldIDs = append(c.oldIDs, id)
		}
		slices.Sort(c.oldIDs)
		changes = append(changes, c)
	}
	rest := slices.DeleteFunc(slices.Clone(cat), func(s IssueSummary) bool { return gone[s.Running] })
	if len(rest) == 0 {
		var names []string
		for _, c := range changes {
			names = append(names, fmt.Sprintf("总第 %d 期", c.Running))
		}
		return nil, nil, zhengce.Errorf(zhengce.EINVALID,
			"removing %s would leave index %s without issues: add another issue first, or rebuild it from the corpus with `zhengce index`",
			strings.Join(names, ", "), live.Dir)
	}
	return changes, rest, nil
}

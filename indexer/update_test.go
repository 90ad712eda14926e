package indexer

import (
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/blevesearch/bleve/v2"

	"zhengce"
	"zhengce/indexer/parser"
)

const fixtureDir = "../testdata/issues"

// testCorpus copies files into a new corpus folder and builds an index of
// it; it returns the corpus and the index path.
func testCorpus(t *testing.T, files ...string) (corpus, index string) {
	t.Helper()
	tmp := t.TempDir()
	corpus = filepath.Join(tmp, "corpus")
	if err := os.MkdirAll(corpus, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		copyTestFile(t, f, filepath.Join(corpus, filepath.Base(f)))
	}
	index = filepath.Join(tmp, "data", "index")
	if _, err := Build(corpus, dataDir, index); err != nil {
		t.Fatal(err)
	}
	return corpus, index
}

func copyTestFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// indexState is what a test compares before and after a change: the live
// generation, the passage IDs of each issue and the catalogue.
type indexState struct {
	gen       string
	ids       map[int][]string
	total     uint64
	catalogue []IssueSummary
}

func stateOf(t *testing.T, index string) indexState {
	t.Helper()
	idx, err := Open(index)
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	st := indexState{gen: idx.Generation, ids: map[int][]string{}}
	if st.total, err = idx.DocCount(); err != nil {
		t.Fatal(err)
	}
	if st.catalogue, err = idx.Catalogue(); err != nil {
		t.Fatal(err)
	}
	sum := 0
	for _, s := range st.catalogue {
		ps, err := issuePassages(idx, s.Running, false)
		if err != nil {
			t.Fatal(err)
		}
		for id := range ps {
			st.ids[s.Running] = append(st.ids[s.Running], id)
		}
		slices.Sort(st.ids[s.Running])
		if len(ps) != s.Passages {
			t.Errorf("catalogue says 总第 %d 期 has %d passages, the index holds %d", s.Running, s.Passages, len(ps))
		}
		sum += len(ps)
	}
	if uint64(sum) != st.total {
		t.Errorf("the catalogue's issues hold %d passages, the index %d: stale or duplicate passages", sum, st.total)
	}
	return st
}

func generationsIn(t *testing.T, index string) []string {
	t.Helper()
	entries, err := os.ReadDir(filepath.Dir(index))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		if genNumber(filepath.Base(index), e.Name()) >= 0 {
			out = append(out, e.Name())
		}
	}
	return out
}

func corpusFiles(t *testing.T, corpus string) []string {
	t.Helper()
	files, err := IssueFiles(corpus)
	if err != nil {
		t.Fatal(err)
	}
	for i, f := range files {
		files[i] = filepath.Base(f)
	}
	return files
}

// wantIDs returns the passage IDs that a fresh parse of file gives.
func wantIDs(t *testing.T, file string) []string {
	t.Helper()
	iss, err := parser.ParseFile(file)
	if err != nil {
		t.Fatal(err)
	}
	d := loadData(t)
	m, _ := d.Mapping()
	ps, err := d.IssuePassages(m, iss)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, p := range ps {
		ids = append(ids, p.ID)
	}
	slices.Sort(ids)
	return ids
}

func TestAddNewIssue(t *testing.T) {
	corpus, index := testCorpus(t, seedFile, filepath.Join(fixtureDir, "issue-086.txt"))
	before := stateOf(t, index)
	add := filepath.Join(fixtureDir, "issue-088.txt")

	dry, err := Add(corpus, dataDir, index, []string{add}, true)
	if err != nil {
		t.Fatal(err)
	}
	if len(dry.Changes) != 1 || dry.Dir != "" {
		t.Fatalf("dry run: %+v", dry)
	}
	c := dry.Changes[0]
	if c.Running != 88 || c.Old != 0 || c.New == 0 || c.String() != "add 总第 88 期 (issue-088.txt): "+strconv.Itoa(c.New)+" passages" {
		t.Errorf("dry run change %q (%+v)", c, c)
	}
	if after := stateOf(t, index); after.gen != before.gen || after.total != before.total {
		t.Errorf("a dry run changed the index: %s %d → %s %d", before.gen, before.total, after.gen, after.total)
	}
	if got := corpusFiles(t, corpus); slices.Contains(got, "issue-088.txt") {
		t.Errorf("a dry run copied the file into the corpus: %v", got)
	}

	st, err := Add(corpus, dataDir, index, []string{add}, false)
	if err != nil {
		t.Fatal(err)
	}
	after := stateOf(t, index)
	if after.gen == before.gen || filepath.Base(st.Dir) != after.gen {
		t.Errorf("generation %s → %s, Add wrote %s", before.gen, after.gen, st.Dir)
	}
	if after.total != before.total+uint64(c.New) || st.Passages != int(after.total) || st.Issues != 3 {
		t.Errorf("index holds %d passages (stats %d issues %d passages), was %d, added %d", after.total, st.Issues, st.Passages, before.total, c.New)
	}
	if !slices.Equal(after.ids[88], wantIDs(t, add)) {
		t.Errorf("issue 88's passages %v", after.ids[88])
	}
	for _, r := range []int{86, 89} {
		if !slices.Equal(after.ids[r], before.ids[r]) {
			t.Errorf("issue %d's passages changed", r)
		}
	}
	if got := corpusFiles(t, corpus); !slices.Equal(got, []string{"issue-086.txt", "issue-088.txt", "issue-089.txt"}) {
		t.Errorf("corpus holds %v", got)
	}
	if i := slices.IndexFunc(after.catalogue, func(s IssueSummary) bool { return s.Running == 88 }); i < 0 || after.catalogue[i].Source != "issue-088.txt" {
		t.Errorf("catalogue %+v", after.catalogue)
	}
	// The generation it replaced is kept for a server still reading it.
	if gens := generationsIn(t, index); !slices.Equal(gens, []string{before.gen, after.gen}) {
		t.Errorf("generations %v, want %s and %s", gens, before.gen, after.gen)
	}
	// A full rebuild of the corpus gives the same passages.
	if _, err := Build(corpus, dataDir, index); err != nil {
		t.Fatal(err)
	}
	rebuilt := stateOf(t, index)
	for r, ids := range after.ids {
		if !slices.Equal(rebuilt.ids[r], ids) {
			t.Errorf("issue %d: added %v, rebuilt %v", r, ids, rebuilt.ids[r])
		}
	}
	if gens := generationsIn(t, index); !slices.Equal(gens, []string{after.gen, rebuilt.gen}) {
		t.Errorf("generations %v, want %s and %s", gens, after.gen, rebuilt.gen)
	}
}

// An issue added again, changed and under another name, replaces the old
// one: no duplicate and no stale passage, and the old file leaves the corpus.
func TestAddReplacesAnIssue(t *testing.T) {
	corpus, index := testCorpus(t, seedFile, filepath.Join(fixtureDir, "issue-086.txt"))
	before := stateOf(t, index)

	// The fixed issue: one single-line paragraph dropped, a word changed.
	iss, ps := seedPassages(t)
	raw, err := os.ReadFile(seedFile)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(raw), "\n")
	drop := -1
	for i := len(ps) - 1; i >= 0; i-- {
		p := ps[i]
		if p.Kind == zhengce.KindBody && strings.TrimSpace(lines[p.Line-1]) == p.Text && i+1 < len(ps) && ps[i+1].Section.Ordinal != p.Section.Ordinal {
			drop = p.Line - 1
			break
		}
	}
	if drop < 0 {
		t.Fatalf("no single-line last paragraph of a section in %s (%d sections)", seedFile, len(iss.Sections))
	}
	lines = slices.Delete(lines, drop, drop+1)
	fixed := strings.ReplaceAll(strings.Join(lines, "\n"), "产业工人", "产业职工")
	file := filepath.Join(t.TempDir(), "issue-089-fixed.txt")
	if err := os.WriteFile(file, []byte(fixed), 0o644); err != nil {
		t.Fatal(err)
	}

	dry, err := Add(corpus, dataDir, index, []string{file}, true)
	if err != nil {
		t.Fatal(err)
	}
	st, err := Add(corpus, dataDir, index, []string{file}, false)
	if err != nil {
		t.Fatal(err)
	}
	c := st.Changes[0]
	if c.String() != dry.Changes[0].String() {
		t.Errorf("dry run said %q, the add did %q", dry.Changes[0], c)
	}
	if c.Old != len(before.ids[89]) || c.New != len(before.ids[89])-1 || c.Gone != 1 || c.Added != 0 || c.Changed == 0 || c.OldSource != "issue-089.txt" {
		t.Errorf("change %+v", c)
	}
	if !strings.HasPrefix(c.String(), "replace 总第 89 期 (issue-089-fixed.txt): ") || !strings.Contains(c.String(), "(+0 new, -1 gone, ") {
		t.Errorf("change reads %q", c)
	}
	after := stateOf(t, index)
	if !slices.Equal(after.ids[89], wantIDs(t, file)) {
		t.Errorf("issue 89 holds %v\nwant %v", after.ids[89], wantIDs(t, file))
	}
	if after.total != before.total-1 {
		t.Errorf("index holds %d passages, want %d", after.total, before.total-1)
	}
	idx, err := Open(index)
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	// The n-gram field finds a string wherever it is.
	q := bleve.NewMatchPhraseQuery("产业工人")
	q.SetField(FieldTextNgram)
	res, err := idx.Search(bleve.NewSearchRequest(q))
	if err != nil {
		t.Fatal(err)
	}
	if res.Total != 0 {
		t.Errorf("%d stale passages still say 产业工人", res.Total)
	}
	q = bleve.NewMatchPhraseQuery("产业职工")
	q.SetField(FieldTextNgram)
	if res, err = idx.Search(bleve.NewSearchRequest(q)); err != nil || res.Total < 5 {
		t.Errorf("passages saying 产业职工: %v (%v)", res, err)
	}
	if got := corpusFiles(t, corpus); !slices.Equal(got, []string{"issue-086.txt", "issue-089-fixed.txt"}) {
		t.Errorf("corpus holds %v", got)
	}
}

func TestAddRefuses(t *testing.T) {
	corpus, index := testCorpus(t, seedFile, filepath.Join(fixtureDir, "issue-086.txt"))
	before := stateOf(t, index)
	tmp := t.TempDir()
	// Issue 88 under the name of the corpus's issue 86.
	clash := filepath.Join(tmp, "issue-086.txt")
	copyTestFile(t, filepath.Join(fixtureDir, "issue-088.txt"), clash)
	// Issue 88 twice.
	twin := filepath.Join(tmp, "twin.txt")
	copyTestFile(t, filepath.Join(fixtureDir, "issue-088.txt"), twin)
	// Data changed since the build.
	data := filepath.Join(tmp, "data")
	for _, f := range dataFiles {
		copyTestFile(t, filepath.Join(dataDir, f), filepath.Join(data, f))
	}
	dict, _ := os.ReadFile(filepath.Join(data, DictFile))
	if err := os.WriteFile(filepath.Join(data, DictFile), append(dict, "新词语 100 n\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	// A file the corpus would not list.
	notes := filepath.Join(tmp, "issue-088.md")
	copyTestFile(t, filepath.Join(fixtureDir, "issue-088.txt"), notes)

	for _, tc := range []struct {
		name  string
		data  string
		files []string
		want  []string
	}{
		{"name clash", dataDir, []string{clash}, []string{clash, "总第 86 期, not 88"}},
		{"same running number", dataDir, []string{filepath.Join(fixtureDir, "issue-088.txt"), twin}, []string{"issue-088.txt", twin, "总第 88 期"}},
		{"same file twice", dataDir, []string{twin, twin}, []string{twin, "given twice"}},
		{"changed data", data, []string{twin}, []string{filepath.Join(data, DictFile), "zhengce index"}},
		{"not an issue file", dataDir, []string{notes}, []string{notes, "not an issue file"}},
		{"bad file", dataDir, []string{twin, filepath.Join("..", "testdata", "bad", "no-masthead.txt")}, []string{"no-masthead.txt:1: "}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Add(corpus, tc.data, index, tc.files, false)
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error %q is not one line", err)
			}
			after := stateOf(t, index)
			if after.gen != before.gen || after.total != before.total {
				t.Errorf("index changed: %s %d → %s %d", before.gen, before.total, after.gen, after.total)
			}
			if got := corpusFiles(t, corpus); !slices.Equal(got, []string{"issue-086.txt", "issue-089.txt"}) {
				t.Errorf("corpus holds %v", got)
			}
		})
	}

	// An index that does not record its data files (built before they
	// were recorded) is refused too.
	gen := filepath.Join(filepath.Dir(index), before.gen)
	idx, err := bleve.Open(gen)
	if err != nil {
		t.Fatal(err)
	}
	if err := idx.DeleteInternal(internalDataKey); err != nil {
		t.Fatal(err)
	}
	idx.Close()
	if _, err := Add(corpus, dataDir, index, []string{twin}, false); err == nil || !strings.Contains(err.Error(), "zhengce index") {
		t.Errorf("add to an index without a data fingerprint: %v", err)
	}
}

func TestRemove(t *testing.T) {
	corpus, index := testCorpus(t, seedFile, filepath.Join(fixtureDir, "issue-086.txt"), filepath.Join(fixtureDir, "issue-088.txt"))
	before := stateOf(t, index)

	if _, err := Remove(corpus, index, []int{86, 99}, false); zhengce.ErrorCode(err) != zhengce.ENOTFOUND || !strings.Contains(err.Error(), "总第 99 期") {
		t.Errorf("removing an unknown issue: %v", err)
	}
	if _, err := Remove(corpus, index, []int{86, 88, 89}, false); err == nil || !strings.Contains(err.Error(), "zhengce index") {
		t.Errorf("removing every issue: %v", err)
	}
	dry, err := Remove(corpus, index, []int{86}, true)
	if err != nil {
		t.Fatal(err)
	}
	if got := dry.Changes[0].String(); got != "remove 总第 86 期 (issue-086.txt): "+strconv.Itoa(len(before.ids[86]))+" passages" {
		t.Errorf("dry run: %q", got)
	}
	if after := stateOf(t, index); after.gen != before.gen || len(corpusFiles(t, corpus)) != 3 {
		t.Errorf("a refused or dry remove changed something: %s → %s, corpus %v", before.gen, after.gen, corpusFiles(t, corpus))
	}

	// The corpus file of 88 is already gone: a warning.
	if err := os.Remove(filepath.Join(corpus, "issue-088.txt")); err != nil {
		t.Fatal(err)
	}
	st, err := Remove(corpus, index, []int{86, 88}, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Warnings) != 1 || !strings.Contains(st.Warnings[0], "issue-088.txt") {
		t.Errorf("warnings %q", st.Warnings)
	}
	after := stateOf(t, index)
	if len(after.catalogue) != 1 || after.catalogue[0].Running != 89 || after.total != uint64(len(before.ids[89])) || st.Passages != int(after.total) {
		t.Errorf("after removing 86 and 88: %d passages, catalogue %v", after.total, after.catalogue)
	}
	if got := corpusFiles(t, corpus); !slices.Equal(got, []string{"issue-089.txt"}) {
		t.Errorf("corpus holds %v", got)
	}
}

func TestOneWriterAtATime(t *testing.T) {
	corpus, index := testCorpus(t, seedFile)
	unlock, err := lockWriter(index)
	if err != nil {
		t.Fatal(err)
	}
	want := "another zhengce index/add/remove is running on " + index
	if _, err := Build(corpus, dataDir, index); err == nil || err.Error() != want {
		t.Errorf("Build while locked: %v", err)
	}
	if _, err := Add(corpus, dataDir, index, []string{filepath.Join(fixtureDir, "issue-086.txt")}, false); err == nil || err.Error() != want {
		t.Errorf("Add while locked: %v", err)
	}
	if _, err := Remove(corpus, index, []int{89}, false); err == nil || err.Error() != want {
		t.Errorf("Remove while locked: %v", err)
	}
	unlock()
	if _, err := Add(corpus, dataDir, index, []string{filepath.Join(fixtureDir, "issue-086.txt")}, false); err != nil {
		t.Errorf("Add after the lock is released: %v", err)
	}
}

// Writing the copy of a generation leaves the original as it was: its
// segments are shared by hard links, and never written to.
func TestCloneGenerationLeavesTheOriginal(t *testing.T) {
	_, index := testCorpus(t, seedFile)
	before := stateOf(t, index)
	src := filepath.Join(filepath.Dir(index), before.gen)
	dst := filepath.Join(t.TempDir(), "clone")
	if err := cloneGeneration(src, dst); err != nil {
		t.Fatal(err)
	}
	zaps, _ := filepath.Glob(filepath.Join(src, "store", "*.zap"))
	if len(zaps) == 0 {
		t.Fatalf("no segments in %s", src)
	}
	for _, z := range zaps {
		a, _ := os.Stat(z)
		b, err := os.Stat(filepath.Join(dst, "store", filepath.Base(z)))
		if err != nil {
			t.Fatal(err)
		}
		sa, oka := a.Sys().(*syscall.Stat_t)
		sb, okb := b.Sys().(*syscall.Stat_t)
		if oka && okb && sa.Dev == sb.Dev && sa.Ino != sb.Ino {
			t.Errorf("%s was copied, not linked", z)
		}
	}
	// Delete every passage in the copy and index one; close it.
	idx, err := bleve.Open(dst)
	if err != nil {
		t.Fatal(err)
	}
	_, ps := seedPassages(t)
	var ids []string
	for _, p := range ps {
		ids = append(ids, p.ID)
	}
	if err := writeBatches(idx, ps[:1], ids[1:], nil); err != nil {
		t.Fatal(err)
	}
	if n, _ := idx.DocCount(); n != 1 {
		t.Errorf("copy holds %d passages, want 1", n)
	}
	idx.Close()
	after := stateOf(t, index)
	if after.total != before.total || !slices.Equal(after.ids[89], before.ids[89]) {
		t.Errorf("writing the copy changed the original: %d → %d passages", before.total, after.total)
	}
}

func TestBuildReportsProgress(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(fixtureDir, "*.txt"))
	files = append(files, seedFile)
	var got []Progress
	st, err := BuildFiles(files, dataDir, filepath.Join(t.TempDir(), "index"), Options{Progress: func(p Progress) { got = append(got, p) }})
	if err != nil {
		t.Fatal(err)
	}
	last := map[Stage]Progress{}
	for _, p := range got {
		if prev, ok := last[p.Stage]; ok && (p.Done < prev.Done || p.Total != prev.Total) {
			t.Errorf("progress went from %+v to %+v", prev, p)
		}
		last[p.Stage] = p
	}
	if p := last[StageRead]; p.Done != len(files) || p.Total != len(files) {
		t.Errorf("read stage ended at %+v, want %d files", p, len(files))
	}
	if p := last[StageWrite]; p.Done != st.Passages || p.Total != st.Passages {
		t.Errorf("write stage ended at %+v, want %d passages", p, st.Passages)
	}
	if len(got) == 0 || got[0].Stage != StageRead || got[len(got)-1].Stage != StageWrite {
		t.Errorf("stages out of order: %+v", got)
	}
}

func TestBuildRefusesAFolderNamedLikeAnIssue(t *testing.T) {
	corpus, index := testCorpus(t, seedFile)
	before := stateOf(t, index)
	dir := filepath.Join(corpus, "issue-090.txt")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := Build(corpus, dataDir, index); err == nil || !strings.Contains(err.Error(), dir+": is a directory") {
		t.Errorf("error %v", err)
	}
	if after := stateOf(t, index); after.gen != before.gen {
		t.Errorf("generation %s → %s", before.gen, after.gen)
	}
}

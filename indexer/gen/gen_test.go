package gen

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"zhengce"
	"zhengce/indexer"
	"zhengce/indexer/parser"
)

// Paths as seen from this package's directory, where go test runs.
const (
	corpusDir   = "../../corpus"
	fixturesDir = "../../testdata/issues"
	dataDir     = "../../corpus/data"
)

var shared struct {
	once sync.Once
	m    *Material
	err  error
}

// material is the shipped issue and the fixtures, with aliases.toml's bodies.
func material(t testing.TB) *Material {
	t.Helper()
	shared.once.Do(func() {
		shared.m, shared.err = LoadMaterial([]string{corpusDir, fixturesDir}, filepath.Join(dataDir, "aliases.toml"))
	})
	if shared.err != nil {
		t.Fatal(shared.err)
	}
	return shared.m
}

func generator(t testing.TB, opt Options) *Generator {
	t.Helper()
	g, err := New(material(t), opt)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func write(t testing.TB, g *Generator, dir string) Summary {
	t.Helper()
	sum, err := g.Write(dir, false, nil)
	if err != nil {
		t.Fatal(err)
	}
	return sum
}

// readDir returns the files of dir by name.
func readDir(t testing.TB, dir string) map[string][]byte {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		out[e.Name()] = b
	}
	return out
}

func TestGenMaterial(t *testing.T) {
	m := material(t)
	if m.sources != 6 {
		t.Errorf("read %d source issues, want the shipped one and the 5 fixtures", m.sources)
	}
	if m.title != "高等职业教育动态" || m.publisher != "高等职业教育研究所" {
		t.Errorf("title %q, publisher %q", m.title, m.publisher)
	}
	for name, n := range map[string]int{
		"sub-headings": len(m.subHeadings), "sentences": len(m.plain), "points": len(m.points),
		"questions": len(m.questions), "answers": len(m.answers), "summaries": len(m.summaries),
		"titles": len(m.titles), "directions": len(m.directions), "bodies": len(m.bodies),
		"body sets": len(m.bodySets), "colophon lines": len(m.colophon),
	} {
		if n < 4 {
			t.Errorf("%d %s collected, want more", n, name)
		}
	}
	// A real direction whose subject a sub-heading names is linked to it.
	found := false
	for i, ds := range m.subDirs {
		for _, d := range ds {
			if m.subHeadings[i].source() == "增加普惠托育服务供给" && m.directions[d].source() == "普惠托育服务供给研究" {
				found = true
			}
		}
	}
	if !found {
		t.Error("普惠托育服务供给研究 is not linked to the sub-heading 增加普惠托育服务供给")
	}
}

func TestGenText(t *testing.T) {
	for _, c := range []struct {
		in   string
		src  int
		year int
		want string
	}{
		{"从 2024 年起，到2025年底", 2024, 2031, "从 2031 年起，到2032年底"},
		{"（2024—2035 年）", 2025, 2025, "（2024—2035 年）"},
		{"（2024—2035 年）", 2025, 2030, "（2029—2040 年）"},
		{"8539.9 亿元，12024 年，3000 元，财教〔2021〕310 号", 2024, 2030, "8539.9 亿元，12024 年，3000 元，财教〔2021〕310 号"},
		{"2024至2026年", 2024, 2020, "2020至2022年"},
	} {
		if got := newText(c.in, c.src).in(c.year); got != c.want {
			t.Errorf("newText(%q, %d).in(%d) = %q, want %q", c.in, c.src, c.year, got, c.want)
		}
	}
	h := newText("做好 2025 年审计工作，加强监督", 2025)
	if got := cutText(h, "做好 0 年审计工作").in(2030); got != "做好 2030 年审计工作" {
		t.Errorf("cutText kept %q", got)
	}
}

func TestGenDeterministic(t *testing.T) {
	opt := Options{Issues: 25, Seed: 42, VaryEncoding: true}
	a, b, c := t.TempDir(), t.TempDir(), t.TempDir()
	write(t, generator(t, opt), a)
	write(t, generator(t, opt), b)
	opt.Seed = 43
	write(t, generator(t, opt), c)
	fa, fb, fc := readDir(t, a), readDir(t, b), readDir(t, c)
	if len(fa) != 25 {
		t.Fatalf("wrote %d files, want 25", len(fa))
	}
	differ := 0
	for name, data := range fa {
		if !bytes.Equal(data, fb[name]) {
			t.Errorf("%s differs between two runs with the same seed", name)
		}
		if !bytes.Equal(data, fc[name]) {
			differ++
		}
	}
	if differ != len(fa) {
		t.Errorf("%d of %d issues differ between seeds 42 and 43, want all", differ, len(fa))
	}
	// Issue i is the same alone as in a run.
	g := generator(t, Options{Issues: 25, Seed: 42, VaryEncoding: true})
	if iss := g.Issue(17); !bytes.Equal(iss.Data, fa[iss.Name]) {
		t.Errorf("Issue(17) differs from the file the run wrote")
	}
}

func TestGenPrefix(t *testing.T) {
	short := generator(t, Options{Issues: 10, Seed: 5})
	long := generator(t, Options{Issues: 100, Seed: 5})
	for i := range 10 {
		if !bytes.Equal(short.Issue(i).Data, long.Issue(i).Data) {
			t.Errorf("issue %d of a run of 10 differs from that of a run of 100", i)
		}
	}
}

// TestGenParses generates 300 issues with three seeds, some in GB18030 or
// with CRLF, and reads each back with the parser: it must read what was
// meant, down to every paragraph's text.
func TestGenParses(t *testing.T) {
	total, issues := 0, 0
	for _, seed := range []uint64{1, 2, 3} {
		opt := Options{Issues: 100, Seed: seed, VaryEncoding: seed == 3, FirstRunning: 2000 + int(seed)*100}
		g := generator(t, opt)
		dir := t.TempDir()
		sum := write(t, g, dir)
		if sum.Issues != 100 || sum.Written != 100 {
			t.Fatalf("summary %+v", sum)
		}
		passages := 0
		var prev *zhengce.Issue
		for i := range opt.Issues {
			path := filepath.Join(dir, g.Name(i))
			iss, err := parser.ParseFile(path)
			if err != nil {
				t.Fatalf("seed %d: %v", seed, err)
			}
			want := g.build(i)
			compare(t, fmt.Sprintf("seed %d %s", seed, g.Name(i)), iss, want, g.m)
			n := len(indexer.Passages(iss, nil, nil, nil))
			if n != want.passages() {
				t.Errorf("seed %d %s: %d passages parsed, generator counted %d", seed, g.Name(i), n, want.passages())
			}
			passages += n
			if prev != nil {
				if iss.Running != prev.Running+1 {
					t.Errorf("%s: 总第 %d 期 after 总第 %d 期", path, iss.Running, prev.Running)
				}
				if !iss.Date.After(prev.Date.Time) {
					t.Errorf("%s: dated %s, not after the issue before (%s)", path, iss.Date, prev.Date)
				}
				switch {
				case iss.Date.Year() != prev.Date.Year() && iss.Number != 1:
					t.Errorf("%s: first issue of %d is 第 %d 期", path, iss.Date.Year(), iss.Number)
				case iss.Date.Year() == prev.Date.Year() && iss.Number != prev.Number+1:
					t.Errorf("%s: 第 %d 期 after 第 %d 期", path, iss.Number, prev.Number)
				}
			} else if iss.Running != opt.FirstRunning || iss.Number != 1 || iss.Date.String() != "2015-01-07" {
				t.Errorf("%s: first issue is 第 %d 期·总第 %d 期 of %s", path, iss.Number, iss.Running, iss.Date)
			}
			prev = iss
		}
		if passages != sum.Passages {
			t.Errorf("seed %d: parsed %d passages, the summary says %d", seed, passages, sum.Passages)
		}
		total += passages
		issues += opt.Issues
	}
	mean := float64(total) / float64(issues)
	t.Logf("%d issues, %d passages, %.1f per issue", issues, total, mean)
	if mean < 90 || mean > 110 {
		t.Errorf("%.1f passages per issue, want about 100 (10,000 issues ≈ 1 million passages)", mean)
	}
}

// compare checks that the parser read iss as the generator meant it.
func compare(t *testing.T, name string, iss *zhengce.Issue, want *issue, m *Material) {
	t.Helper()
	errorf := func(format string, args ...any) {
		t.Helper()
		t.Errorf("%s: %s", name, fmt.Sprintf(format, args...))
	}
	if iss.Title != m.title || iss.Publisher != m.publisher {
		errorf("masthead %q %q", iss.Title, iss.Publisher)
	}
	if iss.Running != want.running || iss.Number != want.number || !iss.Date.Equal(want.date) {
		errorf("第 %d 期·总第 %d 期 %s, want 第 %d 期·总第 %d 期 %s", iss.Number, iss.Running, iss.Date, want.number, want.running, want.date.Format(time.DateOnly))
	}
	if iss.Weekday != weekdays[iss.Date.Weekday()] {
		errorf("%s is printed %s", iss.Date, iss.Weekday)
	}
	if n := len(iss.Sections); n < 2 || n > 6 || n != len(want.sections) {
		errorf("%d sections, want %d (2 to 6)", n, len(want.sections))
		return
	}
	if n := len(iss.Directions); n < 1 || n > 4 {
		errorf("%d research directions, want 1 to 4", n)
	}
	var dirs []string
	for k, d := range iss.Directions {
		dirs = append(dirs, d.Name)
		if d.Ordinal != k+1 {
			errorf("direction %q numbered %d", d.Name, d.Ordinal)
		}
	}
	if !slices.Equal(dirs, want.directions) {
		errorf("directions %q, want %q", dirs, want.directions)
	}
	if len(iss.Colophon) != len(m.colophon) {
		errorf("%d colophon lines, want %d", len(iss.Colophon), len(m.colophon))
	}
	if len(iss.Guide) != len(want.sections) {
		errorf("%d guide entries, want %d", len(iss.Guide), len(want.sections))
	}
	for k, s := range iss.Sections {
		w := want.sections[k]
		at := fmt.Sprintf("section %d", k+1)
		if s.Ordinal != k+1 {
			errorf("%s numbered %d", at, s.Ordinal)
		}
		switch {
		case w.monthOnly && !s.Date.IsZero():
			errorf("%s dated %s, want no day", at, s.Date)
		case !w.monthOnly && !s.Date.Equal(w.date):
			errorf("%s dated %s, want %s", at, s.Date, w.date.Format(time.DateOnly))
		case !s.Date.IsZero() && (!s.Date.Before(iss.Date.Time) || iss.Date.Sub(s.Date.Time) > 366*24*time.Hour):
			errorf("%s dated %s, not within the year before the issue (%s)", at, s.Date, iss.Date)
		}
		if s.Heading != w.heading || s.PolicyTitle != w.title || s.LeadIn != w.leadIn ||
			!slices.Equal(s.Bodies, w.bodies) || s.BodiesNote != w.note {
			errorf("%s reads %q (title %q, bodies %q%s, lead-in %q), want %q (title %q, bodies %q%s, lead-in %q)",
				at, s.Heading, s.PolicyTitle, s.Bodies, s.BodiesNote, s.LeadIn, w.heading, w.title, w.bodies, w.note, w.leadIn)
		}
		var texts []string
		for _, p := range w.paras {
			if p.text != "" {
				texts = append(texts, p.text)
			}
		}
		if len(s.Paragraphs) != len(texts) {
			errorf("%s has %d paragraphs, want %d", at, len(s.Paragraphs), len(texts))
		}
		for j := range min(len(s.Paragraphs), len(texts)) {
			if s.Paragraphs[j].Text != texts[j] {
				errorf("%s paragraph %d (line %d) reads\n%q\nwant\n%q", at, j+1, s.Paragraphs[j].Line, s.Paragraphs[j].Text, texts[j])
				break
			}
		}
		if (len(s.Further) == 1) != (w.further != "") || len(s.Further) > 1 {
			errorf("%s has %d further readings, want the one of %q", at, len(s.Further), w.further)
		} else if w.further != "" && s.Further[0].Title != w.further {
			errorf("%s: further reading %q, want %q", at, s.Further[0].Title, w.further)
		}
		if k < len(iss.Guide) {
			ge := iss.Guide[k]
			if ge.PolicyTitle != w.title {
				errorf("guide entry %d is about 《%s》, want 《%s》", k+1, ge.PolicyTitle, w.title)
			}
			var got, want []string
			for _, p := range ge.Paragraphs {
				got = append(got, p.Text)
			}
			for _, p := range w.guide {
				want = append(want, p.text)
			}
			if !slices.Equal(got, want) {
				errorf("guide entry %d reads %q, want %q", k+1, got, want)
			}
		}
	}
}

// TestGenCheck runs zhengce check's checks on generated issues: they must
// look like issues an editor would pass, every research direction linked
// to a section of its issue.
func TestGenCheck(t *testing.T) {
	if testing.Short() {
		t.Skip("loads the segmenter's dictionary")
	}
	data, err := indexer.LoadData(dataDir)
	if err != nil {
		t.Fatal(err)
	}
	mp, err := data.Mapping()
	if err != nil {
		t.Fatal(err)
	}
	g := generator(t, Options{Issues: 15, Seed: 11})
	dir := t.TempDir()
	write(t, g, dir)
	// Warnings the generator's recombination may cause without being
	// wrong: bodies as the fixtures write them (人力资源社会保障部办公厅),
	// a section dated to the month, a policy no area rule files.
	allowed := []string{indexer.WarnUnknownBody, indexer.WarnNoDate, indexer.WarnNoAreas, indexer.WarnWeakDirection}
	counts := map[string]int{}
	directions, linked := 0, 0
	for i := range 15 {
		iss, err := parser.ParseFile(filepath.Join(dir, g.Name(i)))
		if err != nil {
			t.Fatal(err)
		}
		r, err := indexer.Check(data, mp, iss)
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range r.Warnings {
			counts[w.Code]++
			if !slices.Contains(allowed, w.Code) {
				t.Errorf("%s: %s", g.Name(i), w)
			}
		}
		for _, d := range r.Directions {
			directions++
			if len(d.Sections) > 0 {
				linked++
			}
		}
	}
	t.Logf("warnings by code: %v; %d of %d directions linked", counts, linked, directions)
	if linked != directions {
		t.Errorf("%d of %d directions linked to a section", linked, directions)
	}
	if counts[indexer.WarnWeakDirection] > directions/10 {
		t.Errorf("%d of %d directions linked only by chance", counts[indexer.WarnWeakDirection], directions)
	}
}

func TestGenCalendar(t *testing.T) {
	// 10,000 issues every 14 days would run to 2398: they are spread
	// evenly up to the end date instead.
	g := generator(t, Options{Issues: 10000, Seed: 1})
	first, last := g.date(0), g.date(9999)
	if first.Format(time.DateOnly) != "2015-01-07" || last.After(DefaultEnd.Time) || last.Before(DefaultEnd.AddDate(0, 0, -3)) {
		t.Errorf("10,000 issues run from %s to %s, want 2015-01-07 to about %s", first.Format(time.DateOnly), last.Format(time.DateOnly), DefaultEnd)
	}
	prev := first
	for i := 1; i < 10000; i++ {
		d := g.date(i)
		if d.Before(prev) {
			t.Fatalf("issue %d dated %s, before issue %d (%s)", i, d, i-1, prev)
		}
		if d.Year() != prev.Year() && g.number(i) != 1 || d.Year() == prev.Year() && g.number(i) != g.number(i-1)+1 {
			t.Fatalf("issue %d (%s) is 第 %d 期 after 第 %d 期 (%s)", i, d, g.number(i), g.number(i-1), prev)
		}
		prev = d
	}
	// The first issue is dated the start date, whatever the seed.
	for seed := range uint64(20) {
		if d := generator(t, Options{Issues: 3, Seed: seed}).date(0); !d.Equal(DefaultStart.Time) {
			t.Errorf("seed %d: first issue dated %s, want the start date %s", seed, d.Format(time.DateOnly), DefaultStart)
		}
	}
	// Fortnightly when they fit: about 26 a year.
	g = generator(t, Options{Issues: 60, Seed: 1, Start: zhengce.NewDate(2020, 1, 1)})
	if n := g.number(59); g.date(59).Year() != 2022 || n < 5 || n > 10 {
		t.Errorf("issue 60 of a fortnightly run from 2020-01-01 is 第 %d 期 of %s", n, g.date(59))
	}
}

func TestGenWriteExisting(t *testing.T) {
	dir := t.TempDir()
	g := generator(t, Options{Issues: 5, Seed: 9})
	write(t, g, dir)
	// The same run again: nothing to write.
	if sum := write(t, g, dir); sum.Written != 0 || sum.Issues != 5 {
		t.Errorf("second run wrote %d files, want 0", sum.Written)
	}
	// A file the user changed (or another seed's) is not overwritten, and
	// nothing else is written either.
	changed := filepath.Join(dir, g.Name(3))
	if err := os.WriteFile(changed, []byte("edited"), 0o644); err != nil {
		t.Fatal(err)
	}
	longer := generator(t, Options{Issues: 8, Seed: 9})
	_, err := longer.Write(dir, false, nil)
	if err == nil || !strings.Contains(err.Error(), g.Name(3)) || zhengce.ErrorCode(err) != zhengce.EINVALID {
		t.Fatalf("writing over a changed file: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, longer.Name(6))); err == nil {
		t.Error("a refused run wrote new files")
	}
	// -force replaces it.
	sum, err := longer.Write(dir, true, nil)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Written != 4 {
		t.Errorf("forced run wrote %d files, want 4 (the changed one and three new)", sum.Written)
	}
	if b, _ := os.ReadFile(changed); !bytes.Equal(b, g.Issue(3).Data) {
		t.Error("forced run did not restore the changed file")
	}
	// No temporary files are left.
	for name := range readDir(t, dir) {
		if strings.HasPrefix(name, ".") {
			t.Errorf("left %s behind", name)
		}
	}
}

func TestGenOptions(t *testing.T) {
	m := material(t)
	for _, opt := range []Options{
		{Issues: 0},
		{Issues: -1},
		{Issues: 10, FirstRunning: -5},
		{Issues: 10, Every: -1},
		{Issues: 10, Start: zhengce.NewDate(1900, 1, 1)},
		{Issues: 10, End: zhengce.NewDate(2300, 1, 1)},
		{Issues: 10, Start: zhengce.NewDate(2030, 1, 1), End: zhengce.NewDate(2029, 1, 1)},
	} {
		if _, err := New(m, opt); err == nil || zhengce.ErrorCode(err) != zhengce.EINVALID {
			t.Errorf("New(%+v) = %v, want an invalid-input error", opt, err)
		}
	}
	if _, err := NewMaterial(nil, nil); err == nil {
		t.Error("NewMaterial of no issues: no error")
	}
	if _, err := LoadMaterial([]string{"no-such-folder"}, ""); err == nil || zhengce.ErrorCode(err) != zhengce.EINVALID {
		t.Errorf("LoadMaterial of a missing folder: %v", err)
	}
	// Material of one issue without further readings or aliases still
	// generates parseable issues.
	iss, err := parser.ParseFile(filepath.Join(fixturesDir, "issue-087.txt"))
	if err != nil {
		t.Fatal(err)
	}
	small, err := NewMaterial([]*zhengce.Issue{iss}, nil)
	if err != nil {
		t.Fatal(err)
	}
	g, err := New(small, Options{Issues: 20, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 20 {
		if _, err := parser.Parse(g.Name(i), g.Issue(i).Data); err != nil {
			t.Error(err)
		}
	}
}

func BenchmarkGenIssue(b *testing.B) {
	g := generator(b, Options{Issues: 10000, Seed: 1})
	var n int64
	for i := 0; b.Loop(); i++ {
		n += int64(len(g.Issue(i % 10000).Data))
	}
	b.SetBytes(n / int64(b.N))
}

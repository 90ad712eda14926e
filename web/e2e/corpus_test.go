package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"testing"
	"time"

	"zhengce/indexer/parser"
)

// repoRoot is the module root, seen from this package's directory (where go
// test runs the tests).
const repoRoot = "../.."

// sourceIssues lists the shipped issue and the fixture issues: the six
// issues the tests serve.
func sourceIssues(t testing.TB) []string {
	t.Helper()
	files := []string{filepath.Join(repoRoot, "corpus", "issue-089.txt")}
	fixtures, err := filepath.Glob(filepath.Join(repoRoot, "testdata", "issues", "*.txt"))
	if err != nil {
		t.Fatal(err)
	}
	files = append(files, fixtures...)
	if len(files) < 6 {
		t.Fatalf("found %d issue files, want the shipped issue and the five fixtures: %v", len(files), files)
	}
	return files
}

// copyCorpus makes a corpus folder under dir with the six issues and the
// shipped data files (corpus/data), and returns its path.
func copyCorpus(t testing.TB, dir string) string {
	t.Helper()
	corpus := filepath.Join(dir, "corpus")
	if err := os.MkdirAll(filepath.Join(corpus, "data"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, f := range sourceIssues(t) {
		copyFile(t, f, filepath.Join(corpus, filepath.Base(f)))
	}
	data, err := filepath.Glob(filepath.Join(repoRoot, "corpus", "data", "*"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range data {
		copyFile(t, f, filepath.Join(corpus, "data", filepath.Base(f)))
	}
	return corpus
}

func copyFile(t testing.TB, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

var (
	// The masthead's 第 9 期·总第 89 期 (number within the year, running
	// number), as the parser reads it.
	reMastheadNumber = regexp.MustCompile(`第\s*(\d+)\s*期\s*[·・•.．\s（(]*\s*总第\s*(\d+)\s*期`)
	// A full date, 2024 年 11 月 13 日 or 2024年11月13日.
	reFullDate = regexp.MustCompile(`(\d{4})(\s*年\s*)(\d{1,2})(\s*月\s*)(\d{1,2})(\s*日)`)
)

// copyShift is how far each copy of the six issues moves in time: 22 weeks,
// so a copy's weekdays stay right and its first issue (2024-09-18 + 22 weeks)
// follows the previous copy's last (2025-02-12) by a week.
const copyShift = 22 * 7 * 24 * time.Hour

// writeLargeCorpus writes copies × the given issues into dir as distinct
// issues and returns their paths. Copy 0 is the issues as they are; copy k
// has every full date moved k × 22 weeks later (masthead and policy dates
// alike) and running number + k × len(issues), and numbers within a year
// carry on from the year's previous issue. The copies are
// written as UTF-8 whatever the source's encoding.
func writeLargeCorpus(t testing.TB, dir string, issues []string, copies int) []string {
	t.Helper()
	type src struct {
		text            string
		running, number int
		date            time.Time
	}
	var srcs []src
	for _, f := range issues {
		iss, err := parser.ParseFile(f)
		if err != nil {
			t.Fatal(err)
		}
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		text, err := parser.Decode(raw)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		srcs = append(srcs, src{text: text, running: iss.Running, number: iss.Number, date: iss.Date.Time})
	}
	slices.SortFunc(srcs, func(a, b src) int { return a.running - b.running })
	for i := 1; i < len(srcs); i++ {
		if srcs[i].running != srcs[0].running+i {
			t.Fatalf("source issues' running numbers are not consecutive: %d after %d", srcs[i].running, srcs[i-1].running)
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
			shift := time.Duration(k) * copyShift
			all = append(all, out{src: s, running: s.running + k*len(srcs), date: s.date.Add(shift), shift: shift})
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
		text = renumber(t, text, number, o.running)
		path := filepath.Join(dir, fmt.Sprintf("issue-%05d.txt", o.running))
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, path)
	}
	return files
}

// renumber rewrites the masthead's 第 N 期·总第 M 期, keeping its spacing.
func renumber(t testing.TB, text string, number, running int) string {
	t.Helper()
	m := reMastheadNumber.FindStringSubmatchIndex(text)
	if m == nil {
		t.Fatal("no 第 N 期·总第 M 期 in an issue")
	}
	return text[:m[2]] + strconv.Itoa(number) + text[m[3]:m[4]] + strconv.Itoa(running) + text[m[5]:]
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

package main

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

// Generated issues for the tests and benchmarks that need many: copies of
// the shipped issue and the fixtures, moved in time and renumbered. The
// renumbering follows web/e2e/corpus_test.go (a test file of another
// package, so copied here).

var (
	// The masthead's 第 9 期·总第 89 期, as the parser reads it.
	reMastheadNumber = regexp.MustCompile(`第\s*(\d+)\s*期\s*[·・•.．\s（(]*\s*总第\s*(\d+)\s*期`)
	// A full date, 2024 年 11 月 13 日 or 2024年11月13日.
	reFullDate = regexp.MustCompile(`(\d{4})(\s*年\s*)(\d{1,2})(\s*月\s*)(\d{1,2})(\s*日)`)
)

// copyShift is how far each round of copies moves in time: 22 weeks, so
// weekdays stay right and a round's first issue follows the previous
// round's last.
const copyShift = 22 * 7 * 24 * time.Hour

// sourceIssues are the shipped issue and the fixtures: 总第 86–91 期.
func sourceIssues(t testing.TB) []string {
	t.Helper()
	files, err := filepath.Glob(fixtureGlob)
	if err != nil || len(files) != 5 {
		t.Fatalf("fixtures: %v %v", files, err)
	}
	return append(files, shippedIssue)
}

// writeCopies writes n generated issues into dir and returns their paths,
// running numbers from 92 on: round k (from 1) of copies of 总第 86–91 期
// has every full date moved k × 22 weeks and running number + 6k, and its
// numbers within a year carry on from the year's previous issue. The
// copies are UTF-8 whatever the source's encoding.
func writeCopies(t testing.TB, dir string, n int) []string {
	t.Helper()
	type src struct {
		text            string
		running, number int
		date            time.Time
	}
	var srcs []src
	for _, f := range sourceIssues(t) {
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
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	var files []string
	year, number := 0, 0
	for k := 0; len(files) < n; k++ {
		for _, s := range srcs {
			shift := time.Duration(k) * copyShift
			date := s.date.Add(shift)
			if date.Year() != year {
				year, number = date.Year(), 0
			}
			number++
			if k == 0 {
				number = s.number // the sources themselves: not written
				continue
			}
			if len(files) == n {
				break
			}
			running := s.running + k*len(srcs)
			text := renumber(t, shiftDates(s.text, shift), number, running)
			path := filepath.Join(dir, fmt.Sprintf("issue-%03d.txt", running))
			if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
			files = append(files, path)
		}
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

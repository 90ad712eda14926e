package main

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
)

// testdata/real-small.txt is real output of this machine (2 cores, shared):
// the tokenizer (-benchtime 100x -count 3), the CJK filters, BenchmarkIndex
// and BuildFiles (1x), AddOneIssue (1x), BenchmarkSearch at 10k (20x),
// APISearch (200x), CLISearch (3x) and IndexAndAdd (1x).
// testdata/synthetic-scale.txt is hand-written in the same format, for what
// is too heavy to run here: BenchmarkSearch at 100k and 1.0M, BenchmarkLoad,
// and BenchmarkServeMemory (-count 3).

// render runs benchtable on the files, or on stdin when in is not "".
func render(t *testing.T, in string, files ...string) (stdout, stderr string) {
	t.Helper()
	var out, errs bytes.Buffer
	if code := run(files, strings.NewReader(in), &out, &errs); code != 0 {
		t.Fatalf("exit status %d, stderr:\n%s", code, errs.String())
	}
	return out.String(), errs.String()
}

// cells returns the cells of the table's row for the measure and size
// (starting with the n column), failing the test if there is none.
func cells(t *testing.T, out, measure, size string) []string {
	t.Helper()
	prefix := "| " + measure + " | " + size + " | "
	for line := range strings.Lines(out) {
		if rest, ok := strings.CutPrefix(line, prefix); ok {
			return strings.Split(strings.TrimSuffix(strings.TrimSpace(rest), " |"), " | ")
		}
	}
	t.Fatalf("no row %q at %q in\n%s", measure, size, out)
	return nil
}

func want(t *testing.T, got []string, want ...string) {
	t.Helper()
	if strings.Join(got, " | ") != strings.Join(want, " | ") {
		t.Errorf("row\n got: %q\nwant: %q", got, want)
	}
}

const (
	tokenize      = "analysis MB/s: ours (index mode) vs gse Segment"
	query         = "query p50 / p99 ms (cpu ms/op): "
	latencyTarget = "p50 < 10, p99 < 50"
	build         = "whole build passages/s (parse, link, analyse, write)"
	peakRSS       = "server peak RSS MB"
	notInput      = "Not in the input:"
	header        = "| measure | size | n | ours | baseline (same run) | ratio | target | met |\n"
	searchRow     = "BenchmarkSearch/gen=%s/single-2   \t     100\t  5.0 cpu-ms/op\t  %s p50-ms\t  %s p99-ms\n"
)

func TestRealSample(t *testing.T) {
	out, stderr := render(t, "", "testdata/real-small.txt")
	if stderr != "" {
		t.Errorf("stderr: %s", stderr)
	}
	if !strings.HasPrefix(out, header) {
		t.Errorf("the table does not come first:\n%s", out)
	}
	// -count 3: medians of 5.49 (of 8.15, 5.13, 5.49) and 20.26 MB/s.
	want(t, cells(t, out, tokenize, "—"), "3", "5.49", "20.3", "0.27×", "—", "—")
	want(t, cells(t, out, "bulk indexing passages/s: ours vs bleve cjk analyzer", "20,002 passages"), "1", "2,890", "5,025", "0.58×", "—", "—")
	want(t, cells(t, out, "bulk indexing time: ours ÷ cjk", "20,002 passages"), "1", "1.74×", "—", "—", "≤ 1.5×", "no")
	want(t, cells(t, out, build, "20,002 passages"), "1", "3,201", "—", "—", "≥ 10,000", "no")
	// Below 1.0M the latency target is not applied.
	want(t, cells(t, out, query+"multi", "10k"), "1", "6.18 / 9.94 (5.78)", "—", "—", "—", "—")
	// 33.34 MiB over 10,129 passages.
	want(t, cells(t, out, "index size on disk, MB (bytes/passage)", "10k"), "1", "33.3 (3,451)", "—", "—", "—", "—")
	want(t, cells(t, out, "/api/search p50 / p99 ms", "issues=600"), "1", "1.70 / 9.83", "—", "—", "—", "—")
	want(t, cells(t, out, "zhengce search end to end, s (slowest)", "—"), "1", "1.29 (1.43)", "—", "—", "< 1.5 s", "yes")
	want(t, cells(t, out, "zhengce add 1 issue to 100, s: add vs index of 101", "2,357 passages"), "1", "1.74", "3.25", "0.54×", "—", "—")
	// What the sample lacks, in the footnote after the table.
	_, foot, _ := strings.Cut(out, notInput)
	for _, s := range []string{
		"- " + query + "single, multi, phrase, facets, browse, topic at 100k, 1.0M\n",
		"- index size on disk, MB (bytes/passage) at 100k, 1.0M\n",
		"- HTTP load alone: max rps (p50 / p99 ms) at 100k\n",
		"- " + peakRSS + " at 1.0M\n",
	} {
		if !strings.Contains(foot, s) {
			t.Errorf("footnote lacks %q:\n%s", s, foot)
		}
	}
	if strings.Contains(foot, "analysis") || strings.Contains(out, "?") {
		t.Errorf("footnote names figures that are there, or a figure is missing:\n%s", out)
	}
}

func TestFullRun(t *testing.T) {
	out, _ := render(t, "", "testdata/real-small.txt", "testdata/synthetic-scale.txt")
	if strings.Contains(out, notInput) || strings.Contains(out, "Other benchmarks") {
		t.Errorf("a full run misses figures, or has others:\n%s", out)
	}
	want(t, cells(t, out, query+"single", "1.0M"), "1", "8.10 / 40.0 (8.40)", "—", "—", latencyTarget, "yes")
	want(t, cells(t, out, query+"multi", "1.0M"), "1", "9.50 / 60.0 (9.88)", "—", "—", latencyTarget, "no")  // p99
	want(t, cells(t, out, query+"facets", "1.0M"), "1", "12.0 / 45.0 (12.3)", "—", "—", latencyTarget, "no") // p50
	want(t, cells(t, out, query+"multi", "100k"), "1", "10.7 / 22.4 (11.2)", "—", "—", "—", "—")
	// Peak RSS 1000, 1500, 2200 MB: the median meets the target, the mean
	// would not.
	want(t, cells(t, out, peakRSS, "1.0M"), "3", "1,500", "—", "—", "< 1536 (1.5 GB)", "yes")
	want(t, cells(t, out, "HTTP load during re-index: max rps (p50 / p99 ms)", "100k"),
		"1", "610 (3.20 / 31.0), 2 re-indexes", "850 (2.10 / 9.80)", "0.72×", "—", "—")
	want(t, cells(t, out, "index size on disk, MB (bytes/passage)", "1.0M"), "1", "3,190 (3,343)", "—", "—", "—", "—")
}

func TestLatencyTarget(t *testing.T) {
	for _, c := range []struct{ size, p50, p99, met string }{
		{"1.0M", "5.0", "40", "yes"},
		{"1.0M", "5.0", "60", "no"},
		{"1.0M", "5.0", "50", "no"}, // under the target, not at it
		{"1.0M", "10", "20", "no"},
		{"100k", "5.0", "60", "—"},
	} {
		out, _ := render(t, fmt.Sprintf(searchRow, c.size, c.p50, c.p99))
		if got := cells(t, out, query+"single", c.size); got[len(got)-1] != c.met {
			t.Errorf("%s p50 %s p99 %s: met %q, want %q", c.size, c.p50, c.p99, got[len(got)-1], c.met)
		}
	}
}

// A run cut short: one side of a comparison, a figure not reported, a
// line cut in the middle.
func TestPartial(t *testing.T) {
	in := `goos: linux
pkg: zhengce/indexer/analysis/tokenizer/gse
BenchmarkTokenize/index-2         	     100	   3891146 ns/op	   8.15 MB/s
pkg: zhengce/search
BenchmarkSearch/gen=1.0M/single-2  	      20	         2.492 cpu-ms/op	         2.206 p50-ms
BenchmarkSearch/gen=1.0M/multi-2   	      20	         5.782 cpu-ms/op	         6.177
`
	out, stderr := render(t, in)
	want(t, cells(t, out, tokenize, "—"), "1", "8.15", "—", "—", "—", "—")
	want(t, cells(t, out, query+"single", "1.0M"), "1", "2.21 / ? (2.49)", "—", "—", latencyTarget, "?")
	if !strings.Contains(stderr, "missing units") {
		t.Errorf("the line cut short is not reported: %q", stderr)
	}
	for _, s := range []string{
		"? : not reported: Search/gen=1.0M/single p99-ms.\n",
		"- Tokenize/gse-Segment (the baseline of Tokenize/index)\n",
		"- " + build + "\n",
		"- " + query + "single at 10k, 100k\n",
		"- " + query + "multi, phrase, facets, browse, topic at 10k, 100k, 1.0M\n",
	} {
		if !strings.Contains(out, s) {
			t.Errorf("the notes lack %q:\n%s", s, out)
		}
	}
}

func TestCountMedian(t *testing.T) {
	// -count 4: the median is the mean of the middle two, 10,000.
	var in strings.Builder
	for _, v := range []string{"9000", "12000", "11000", "8000"} {
		in.WriteString("BenchmarkBuildFiles-2   \t       1\t6249191873 ns/op\t" + v + " passages/s\t     20002 passages/op\n")
	}
	out, _ := render(t, in.String())
	want(t, cells(t, out, build, "20,002 passages"), "4", "10,000", "—", "—", "≥ 10,000", "yes")
}

func TestOtherBenchmarks(t *testing.T) {
	out, _ := render(t, `BenchmarkBuildFiles   	       1	6249191873 ns/op	      3201 passages/s	     20002 passages/op
BenchmarkGenIssue-2   	    1000	   1234567 ns/op	  2048 B/op	  12 allocs/op
`)
	// GOMAXPROCS=1 has no -N suffix; the row is found all the same.
	cells(t, out, build, "20,002 passages")
	table, other, ok := strings.Cut(out, "Other benchmarks in the input:")
	if !ok || !strings.HasPrefix(table, header) || strings.Contains(table, "GenIssue") {
		t.Fatalf("want the table, then the other benchmarks:\n%s", out)
	}
	if !strings.Contains(other, "- GenIssue (n=1): 2,048 B/op, 12.0 allocs/op, 1,234,567 ns/op\n") {
		t.Errorf("other benchmarks:\n%s", other)
	}
}

func TestNoResults(t *testing.T) {
	var out, errs bytes.Buffer
	if code := run(nil, strings.NewReader("PASS\nok  \tzhengce/search\t0.1s\n"), &out, &errs); code == 0 || out.Len() > 0 {
		t.Errorf("no results: exit status %d, output %q", code, out.String())
	}
	if code := run([]string{"testdata/no-such-file.txt"}, nil, &out, &errs); code == 0 {
		t.Error("a missing file: exit status 0")
	}
}

func TestNum(t *testing.T) {
	for x, s := range map[float64]string{
		1234567: "1,234,567", -1500: "-1,500", 1000: "1,000", 999.6: "1,000", 318.4: "318",
		33.34: "33.3", 1.739: "1.74", 0.6026: "0.60", 0.0692: "0.069", 0: "0.00",
	} {
		if got := num(x); got != s {
			t.Errorf("num(%v) = %q, want %q", x, got, s)
		}
	}
}

// Command benchtable reads the output of `go test -bench` (files, or stdin)
// and prints one Markdown table of the figures the project tracks: ours
// against the baseline measured in the same run, and the spec's targets.
//
//	go run ./cmd/benchtable bench.txt
//
// A benchmark run more than once (-count) shows the median of its runs,
// with their number in the n column. Expected figures missing from the
// input are named in a footnote, and benchmarks the table does not know
// are listed after it.
package main

import (
	"fmt"
	"io"
	"math"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/perf/benchfmt"
)

// val returns a benchmark's median for a unit as the benchmark reported it
// (p50-ms, MB/s), NaN if the benchmark did not report it.
type val func(unit string) float64

// A row is one measure of the table, a row per benchmark its name matches.
type row struct {
	measure string
	// name matches benchmark names without "Benchmark" and -GOMAXPROCS;
	// its group "size", if any, is the size column.
	name   string
	size   func(v val) string // the size column when name has no size
	expect []string           // the sizes a full `make bench` reports; nil: one, without a size
	ours   func(v val) string
	// base names the baseline's benchmark: a template over name's match
	// ("$0" the same benchmark); "" when the row has no baseline.
	base     string
	baseCell func(b val) string
	ratio    func(v, b val) float64 // ours ÷ baseline
	target   string
	at       string // the size the target is for; "": every size
	met      func(v val) bool
}

// The table's rows in order, with the spec's targets; searchSizes are the
// sizes of a full `make bench`, classes BenchmarkSearch's kinds of request.
var (
	searchSizes = []string{"10k", "100k", "1.0M"}
	classes     = []string{"single", "multi", "phrase", "facets", "browse", "topic"}
	rows        = slices.Concat([]row{
		{measure: "analysis MB/s: ours (index mode) vs gse Segment", name: `^Tokenize/index$`,
			ours: one("MB/s"), base: "Tokenize/gse-Segment", baseCell: one("MB/s"), ratio: over("MB/s", "MB/s")},
		{measure: "analysis MB/s: ours (query mode) vs gse Segment", name: `^Tokenize/query$`,
			ours: one("MB/s"), base: "Tokenize/gse-Segment", baseCell: one("MB/s"), ratio: over("MB/s", "MB/s")},
		{measure: "CJK filters MB/s: ours (fused) vs bleve's chain", name: `^Ngram/ours$`,
			ours: one("MB/s"), base: "Ngram/bleve-chain", baseCell: one("MB/s"), ratio: over("MB/s", "MB/s")},
		{measure: "bulk indexing passages/s: ours vs bleve cjk analyzer", name: `^Index$`, size: passages("passages/op"),
			ours: one("passages/s"), base: "$0", baseCell: one("cjk-passages/s"), ratio: over("passages/s", "cjk-passages/s")},
		{measure: "bulk indexing time: ours ÷ cjk", name: `^Index$`, size: passages("passages/op"),
			ours:   func(v val) string { return num(v("x-cjk-time")) + "×" },
			target: "≤ 1.5×", met: func(v val) bool { return v("x-cjk-time") <= 1.5 }},
		{measure: "whole build passages/s (parse, link, analyse, write)", name: `^BuildFiles$`, size: passages("passages/op"),
			ours: one("passages/s"), target: "≥ 10,000", met: func(v val) bool { return v("passages/s") >= 10000 }},
		{measure: "add 1 issue to 100, in process, ms: Add vs build of 101", name: `^AddOneIssue$`,
			ours: one("add-ms"), base: "$0", baseCell: one("build101-ms"), ratio: over("add-ms", "build101-ms")},
	}, searchRows(), []row{
		{measure: "index size on disk, MB (bytes/passage)", name: `^Search/\w+=(?P<size>[^/]+)/disk$`, expect: searchSizes,
			ours: func(v val) string {
				return num(v("index-MB")) + " (" + num(v("index-MB")*(1<<20)/v("passages")) + ")"
			}},
		{measure: "index warm-up ms (columns MB)", name: `^Search/\w+=(?P<size>[^/]+)/disk$`, expect: searchSizes,
			ours: func(v val) string { return num(v("warm-ms")) + " (" + num(v("columns-MB")) + ")" }},
		{measure: "/api/search p50 / p99 ms", name: `^APISearch/(?P<size>issues=\d+)$`, expect: []string{"issues=6", "issues=600"},
			ours: latency},
		{measure: "HTTP load alone: max rps (p50 / p99 ms)", name: `^Load/gen=(?P<size>[^/]+)/alone$`, expect: []string{"100k"},
			ours: load},
		{measure: "HTTP load during re-index: max rps (p50 / p99 ms)", name: `^Load/gen=(?P<size>[^/]+)/reindex$`, expect: []string{"100k"},
			ours: func(v val) string { return load(v) + ", " + whole(v("reindexes")) + " re-indexes" },
			base: "Load/gen=${size}/alone", baseCell: load, ratio: over("max-rps", "max-rps")},
		{measure: "server peak RSS MB", name: `^ServeMemory/gen=(?P<size>[^/]+)$`, expect: []string{"1.0M"},
			ours: one("peak-rss-MB"), target: "< 1536 (1.5 GB)", at: "1.0M", met: func(v val) bool { return v("peak-rss-MB") < 1536 }},
		{measure: "server RSS MB (anon / file), startup s", name: `^ServeMemory/gen=(?P<size>[^/]+)$`, expect: []string{"1.0M"},
			ours: func(v val) string {
				return fmt.Sprintf("%s (%s / %s), %s s", num(v("rss-MB")), num(v("anon-MB")), num(v("file-MB")), num(v("startup-s")))
			}},
		{measure: "zhengce search end to end, s (slowest)", name: `^CLISearch$`,
			ours:   func(v val) string { return num(v("s")) + " (" + num(v("max-s")) + ")" },
			target: "< 1.5 s", met: func(v val) bool { return v("s") < 1.5 }},
		{measure: "zhengce add 1 issue to 100, s: add vs index of 101", name: `^IndexAndAdd$`, size: passages("passages"),
			ours: one("add-s"), base: "$0", baseCell: one("index-s"), ratio: over("add-s", "index-s")},
	})
)

// searchRows is a row per class of BenchmarkSearch.
func searchRows() []row {
	var rs []row
	for _, c := range classes {
		rs = append(rs, row{
			measure: "query p50 / p99 ms (cpu ms/op): " + c, name: `^Search/\w+=(?P<size>[^/]+)/` + c + `$`, expect: searchSizes,
			ours:   func(v val) string { return latency(v) + " (" + num(v("cpu-ms/op")) + ")" },
			target: "p50 < 10, p99 < 50", at: "1.0M", met: func(v val) bool { return v("p50-ms") < 10 && v("p99-ms") < 50 }})
	}
	return rs
}

func one(unit string) func(v val) string { return func(v val) string { return num(v(unit)) } }

func over(a, b string) func(v, w val) float64 {
	return func(v, w val) float64 { return v(a) / w(b) }
}

func passages(unit string) func(v val) string {
	return func(v val) string { return num(v(unit)) + " passages" }
}

func latency(v val) string { return num(v("p50-ms")) + " / " + num(v("p99-ms")) }

func load(v val) string { return num(v("max-rps")) + " (" + latency(v) + ")" }

// whole writes a count.
func whole(x float64) string {
	if math.IsNaN(x) {
		return "?"
	}
	return strconv.FormatFloat(x, 'f', 0, 64)
}

// num writes x with as many decimals as its size deserves.
func num(x float64) string {
	switch a := math.Abs(x); {
	case math.IsNaN(x) || math.IsInf(x, 0):
		return "?"
	case math.Round(a) >= 1000:
		s := strconv.FormatFloat(math.Round(x), 'f', 0, 64)
		for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
			s = s[:i] + "," + s[i:]
		}
		return s
	case a >= 100:
		return strconv.FormatFloat(x, 'f', 0, 64)
	case a >= 10:
		return strconv.FormatFloat(x, 'f', 1, 64)
	case a >= 0.1 || a == 0:
		return strconv.FormatFloat(x, 'f', 2, 64)
	}
	return strconv.FormatFloat(x, 'g', 2, 64)
}

// bench is one benchmark's runs: each unit's values, one a run.
type bench struct {
	n      int
	values map[string][]float64
}

// median returns the median of the unit's values, NaN if there are none.
func (b *bench) median(unit string) float64 {
	xs := slices.Clone(b.values[unit])
	if len(xs) == 0 {
		return math.NaN()
	}
	slices.Sort(xs)
	if len(xs)%2 == 1 {
		return xs[len(xs)/2]
	}
	return (xs[len(xs)/2-1] + xs[len(xs)/2]) / 2
}

// results is what the input holds: benchmarks by name (without
// "Benchmark" and -GOMAXPROCS) and the names in the order they came.
type results struct {
	byName map[string]*bench
	names  []string
}

// read adds the benchmark results of r to res; lines that only look like
// results (a line cut short) are reported on stderr and skipped.
func (res *results) read(r io.Reader, file string, stderr io.Writer) error {
	br := benchfmt.NewReader(r, file)
	for br.Scan() {
		switch rec := br.Result().(type) {
		case *benchfmt.SyntaxError:
			fmt.Fprintln(stderr, "benchtable:", rec)
		case *benchfmt.Result:
			base, parts := rec.Name.Parts()
			name := string(base)
			for _, p := range parts {
				if p[0] == '/' {
					name += string(p)
				}
			}
			b := res.byName[name]
			if b == nil {
				b = &bench{values: map[string][]float64{}}
				res.byName[name] = b
				res.names = append(res.names, name)
			}
			b.n++
			for _, v := range rec.Values {
				unit, x := v.Unit, v.Value
				if v.OrigUnit != "" { // benchfmt turns MB/s into B/s, ns/op into sec/op
					unit, x = v.OrigUnit, v.OrigValue
				}
				b.values[unit] = append(b.values[unit], x)
			}
		}
	}
	return br.Err()
}

// table writes the table, its footnotes and the other benchmarks to w.
func (res *results) table(w io.Writer) {
	fmt.Fprintln(w, "| measure | size | n | ours | baseline (same run) | ratio | target | met |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|---|---|")
	used := map[string]bool{}
	var absent []absence
	var lacking []string
	for _, r := range rows {
		re := regexp.MustCompile(r.name)
		var sizes []string
		found := false
		for _, name := range res.names {
			m := re.FindStringSubmatchIndex(name)
			if m == nil {
				continue
			}
			found = true
			used[name] = true
			b := res.byName[name]
			v := res.lookup(name, &lacking)
			size := "—"
			if i := re.SubexpIndex("size"); i > 0 {
				size = name[m[2*i]:m[2*i+1]]
			} else if r.size != nil {
				size = r.size(v)
			}
			sizes = append(sizes, size)
			baseCell, ratio := "—", "—"
			if r.base != "" {
				baseName := string(re.ExpandString(nil, r.base, name, m))
				if res.byName[baseName] == nil {
					absent = append(absent, absence{what: baseName + " (the baseline of " + name + ")"})
				} else {
					used[baseName] = true
					bv := res.lookup(baseName, &lacking)
					baseCell = r.baseCell(bv)
					if n := res.byName[baseName].n; n != b.n {
						baseCell += fmt.Sprintf(" (n=%d)", n)
					}
					ratio = num(r.ratio(v, bv)) + "×"
				}
			}
			target, met := "—", "—"
			if r.met != nil && (r.at == "" || r.at == size) {
				target, met = r.target, "no"
				before := len(lacking)
				if r.met(v) {
					met = "yes"
				}
				if len(lacking) > before {
					met = "?"
				}
			}
			fmt.Fprintf(w, "| %s | %s | %d | %s | %s | %s | %s | %s |\n", r.measure, size, b.n, r.ours(v), baseCell, ratio, target, met)
		}
		var missing []string
		for _, s := range r.expect {
			if !slices.Contains(sizes, s) {
				missing = append(missing, s)
			}
		}
		if r.expect == nil && !found {
			absent = append(absent, absence{what: r.measure})
		} else if len(missing) > 0 {
			absent = append(absent, absence{r.measure, strings.Join(missing, ", ")})
		}
	}

	fmt.Fprintln(w)
	fmt.Fprintln(w, "n: runs of the benchmark in the input; with n > 1 the figures are medians.")
	if len(lacking) > 0 {
		slices.Sort(lacking)
		fmt.Fprintln(w, "? : not reported:", strings.Join(slices.Compact(lacking), ", ")+".")
	}
	if len(absent) > 0 {
		fmt.Fprintln(w)
		fmt.Fprintln(w, "Not in the input:")
		fmt.Fprintln(w)
		for _, a := range merge(absent) {
			fmt.Fprintln(w, "-", a)
		}
	}

	var other []string
	for _, name := range res.names {
		if !used[name] {
			other = append(other, name)
		}
	}
	if len(other) > 0 {
		fmt.Fprintln(w)
		fmt.Fprintln(w, "Other benchmarks in the input:")
		fmt.Fprintln(w)
		for _, name := range other {
			b := res.byName[name]
			units := make([]string, 0, len(b.values))
			for u := range b.values {
				units = append(units, u)
			}
			slices.Sort(units)
			var figs []string
			for _, u := range units {
				figs = append(figs, num(b.median(u))+" "+u)
			}
			fmt.Fprintf(w, "- %s (n=%d): %s\n", name, b.n, strings.Join(figs, ", "))
		}
	}
}

// An absence is an expected figure the input lacks: a measure at sizes.
type absence struct{ what, at string }

// merge writes the absences one a line, those of the same measure for
// several classes ("query …: single", "query …: multi") at the same sizes
// on one line.
func merge(absent []absence) []string {
	var lines []string
	var prev absence
	for _, a := range absent {
		measure, class, ok := strings.Cut(a.what, ": ")
		prevMeasure, _, _ := strings.Cut(prev.what, ": ")
		switch {
		case ok && a.at != "" && a.at == prev.at && measure == prevMeasure:
			last := &lines[len(lines)-1]
			*last = strings.TrimSuffix(*last, " at "+a.at) + ", " + class + " at " + a.at
		case a.at != "":
			lines = append(lines, a.what+" at "+a.at)
		default:
			lines = append(lines, a.what)
		}
		prev = a
	}
	return slices.Compact(lines)
}

// lookup returns the val of a benchmark, which notes in *lacking the units
// it did not report.
func (res *results) lookup(name string, lacking *[]string) val {
	b := res.byName[name]
	return func(unit string) float64 {
		x := b.median(unit)
		if math.IsNaN(x) {
			*lacking = append(*lacking, name+" "+unit)
		}
		return x
	}
}

func main() { os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)) }

// run reads the files (stdin if none, or for "-") and writes the table to
// stdout; it returns the exit status.
func run(files []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(files) == 0 {
		files = []string{"-"}
	}
	res := &results{byName: map[string]*bench{}}
	for _, file := range files {
		r := stdin
		if file != "-" {
			f, err := os.Open(file)
			if err != nil {
				fmt.Fprintln(stderr, "benchtable:", err)
				return 1
			}
			defer f.Close()
			r = f
		}
		if err := res.read(r, file, stderr); err != nil {
			fmt.Fprintf(stderr, "benchtable: %s: %v\n", file, err)
			return 1
		}
	}
	if len(res.names) == 0 {
		fmt.Fprintf(stderr, "benchtable: no benchmark results in %s\n", strings.Join(files, ", "))
		return 1
	}
	res.table(stdout)
	return 0
}

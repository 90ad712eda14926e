package main

import (
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"zhengce/indexer/analysis/segmenter"
)

// BenchmarkIndexAndAdd times the binary on the shipped corpus plus 100
// generated issues (copies of the shipped issue and the fixtures, moved in
// time and renumbered):
//
//   - add-s: `zhengce add` of one issue into an index of 100 issues;
//   - index-s: `zhengce index` of the same 101 issues, from scratch;
//   - passages/s: that index's own figure (parsing, analysis and writing).
//
// Each is a whole process run, dictionary loading included. Run it with
//
//	go test -run '^$' -bench IndexAndAdd -benchtime 3x ./cmd/zhengce/
func BenchmarkIndexAndAdd(b *testing.B) {
	bin := zhengceBinary(b)
	staging := b.TempDir()
	generated := writeCopies(b, staging, 100)
	summary := regexp.MustCompile(`^indexed (\d+) issues, (\d+) passages in ([0-9.]+) s \(\d+ passages/s\)`)
	var addTime, indexTime, indexSecs time.Duration
	passages := 0
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		work := b.TempDir()
		corpus := filepath.Join(work, "corpus")
		// The shipped corpus and 99 generated issues: an index of 100.
		if err := copyFiles(corpus, append([]string{shippedIssue}, generated[:99]...)...); err != nil {
			b.Fatal(err)
		}
		data, _ := filepath.Glob(filepath.Join(dataDir, "*"))
		if err := copyFiles(filepath.Join(corpus, "data"), data...); err != nil {
			b.Fatal(err)
		}
		if code, _, stderr := runBin(b, bin, work, "index"); code != 0 {
			b.Fatalf("index: %s", stderr)
		}
		b.StartTimer()

		start := time.Now()
		if code, stdout, stderr := runBin(b, bin, work, "add", generated[99]); code != 0 {
			b.Fatalf("add: %s", stderr)
		} else if i == 0 {
			b.Logf("zhengce add: %s", stdout)
		}
		addTime += time.Since(start)

		start = time.Now()
		code, stdout, stderr := runBin(b, bin, work, "index")
		if code != 0 {
			b.Fatalf("index: %s", stderr)
		}
		indexTime += time.Since(start)
		m := summary.FindStringSubmatch(stdout)
		if m == nil || m[1] != "101" {
			b.Fatalf("index printed %q, want 101 issues", stdout)
		}
		if i == 0 {
			b.Logf("zhengce index: %s", stdout)
		}
		passages, _ = strconv.Atoi(m[2])
		secs, _ := strconv.ParseFloat(m[3], 64)
		indexSecs += time.Duration(secs * float64(time.Second))
	}
	b.StopTimer()
	n := float64(b.N)
	b.ReportMetric(addTime.Seconds()/n, "add-s")
	b.ReportMetric(indexTime.Seconds()/n, "index-s")
	b.ReportMetric(float64(passages)*n/indexSecs.Seconds(), "passages/s")
	b.ReportMetric(float64(passages), "passages")
}

// cliDictLoad is how long this process took to load the dictionary.
var cliDictLoad time.Duration

// BenchmarkCLISearch times `zhengce search 技能人才评价` end to end, process
// start to exit, on the index of the shipped issue and the five fixtures
// (137 passages): the figure a researcher at a terminal waits for. s is the
// mean wall time of one search and max-s the slowest; dict-s is what
// loading gse's dictionary (embedded plus corpus/data/dict.txt) takes in
// this process, measured once, which is most of a search's time. Run it with
//
//	go test -run '^$' -bench CLISearch -benchtime 5x ./cmd/zhengce/
func BenchmarkCLISearch(b *testing.B) {
	if segmenter.Loads() > 0 && cliDictLoad == 0 {
		b.Fatal("the dictionary was loaded before BenchmarkCLISearch could time it: run it alone (-bench CLISearch)")
	}
	bin := zhengceBinary(b)
	work := b.TempDir()
	files, _ := filepath.Glob(fixtureGlob)
	if err := copyFiles(filepath.Join(work, "corpus"), append(files, shippedIssue)...); err != nil {
		b.Fatal(err)
	}
	data, _ := filepath.Glob(filepath.Join(dataDir, "*"))
	if err := copyFiles(filepath.Join(work, "corpus", "data"), data...); err != nil {
		b.Fatal(err)
	}
	if code, _, stderr := runBin(b, bin, work, "index"); code != 0 {
		b.Fatalf("index: %s", stderr)
	}
	words, err := segmenter.ReadDict(filepath.Join(dataDir, "dict.txt"))
	if err != nil {
		b.Fatal(err)
	}
	// The first load in this process (the benchmark function runs more
	// than once; later loads find the dictionary built).
	if cliDictLoad == 0 {
		start := time.Now()
		if _, err := segmenter.Load(words); err != nil {
			b.Fatal(err)
		}
		cliDictLoad = time.Since(start)
	}

	var slowest time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		code, stdout, stderr := runBin(b, bin, work, "search", "技能人才评价")
		took := time.Since(start)
		if code != 0 || !strings.Contains(stdout, "技能人才评价") {
			b.Fatalf("search exited %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
		}
		slowest = max(slowest, took)
	}
	b.StopTimer()
	b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), "s")
	b.ReportMetric(slowest.Seconds(), "max-s")
	b.ReportMetric(cliDictLoad.Seconds(), "dict-s")
	b.ReportMetric(0, "ns/op") // s says the same, in the unit of the target
}

package main

import (
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
	"time"
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

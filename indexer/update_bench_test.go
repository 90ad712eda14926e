package indexer

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
	"time"

	"zhengce/indexer/parser"
)

// reRunning is the masthead's 总第 N 期.
var reRunning = regexp.MustCompile(`总第\s*(\d+)\s*期`)

// writeRenumbered writes n issues into dir: the shipped issue and the
// fixtures in turn, each under a new running number from 1001 on (only the
// masthead changes: enough for indexing, whose cost is what is measured).
func writeRenumbered(b testing.TB, dir string, n int) []string {
	b.Helper()
	srcs := sourceIssueFiles(b)
	var texts []string
	for _, f := range srcs {
		raw, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		text, err := parser.Decode(raw)
		if err != nil {
			b.Fatal(err)
		}
		texts = append(texts, text)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		b.Fatal(err)
	}
	files := make([]string, n)
	for i := range files {
		text := texts[i%len(texts)]
		loc := reRunning.FindStringSubmatchIndex(text)
		text = text[:loc[2]] + strconv.Itoa(1001+i) + text[loc[3]:]
		files[i] = filepath.Join(dir, fmt.Sprintf("issue-%d.txt", 1001+i))
		if err := os.WriteFile(files[i], []byte(text), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	return files
}

// sourceIssueFiles lists the fixture issues and the shipped issue.
func sourceIssueFiles(b testing.TB) []string {
	b.Helper()
	srcs, err := filepath.Glob(filepath.Join(fixtureDir, "*.txt"))
	if err != nil || len(srcs) == 0 {
		b.Fatalf("fixtures: %v (%d files)", err, len(srcs))
	}
	return append(srcs, seedFile)
}

// BenchmarkAddOneIssue measures, in one process (the dictionary loaded
// once), Add of one issue into an index of 100 issues against Build of the
// same 101:
//
//	go test -run '^$' -bench AddOneIssue -benchtime 5x ./indexer/
//
// cmd/zhengce's BenchmarkIndexAndAdd times the same through the binary,
// process start and dictionary load included.
func BenchmarkAddOneIssue(b *testing.B) {
	loadData(b) // the dictionary, once
	tmp := b.TempDir()
	corpus := filepath.Join(tmp, "corpus")
	files := writeRenumbered(b, filepath.Join(tmp, "issues"), 101)
	var add, build time.Duration
	for i := 0; i < b.N; i++ {
		index := filepath.Join(tmp, fmt.Sprint(i), "index")
		if _, err := BuildFiles(files[:100], dataDir, index); err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		if _, err := Add(corpus, dataDir, index, files[100:], false); err != nil {
			b.Fatal(err)
		}
		add += time.Since(start)
		start = time.Now()
		if _, err := BuildFiles(files, dataDir, index); err != nil {
			b.Fatal(err)
		}
		build += time.Since(start)
	}
	b.ReportMetric(float64(add.Milliseconds())/float64(b.N), "add-ms")
	b.ReportMetric(float64(build.Milliseconds())/float64(b.N), "build101-ms")
}

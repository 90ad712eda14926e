package main

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"zhengce/search/benchindex"
)

// sourceIssues are the shipped issue and the fixtures: 总第 86–91 期.
func sourceIssues(t testing.TB) []string {
	t.Helper()
	files, err := filepath.Glob(fixtureGlob)
	if err != nil || len(files) != 5 {
		t.Fatalf("fixtures: %v %v", files, err)
	}
	return append(files, shippedIssue)
}

// writeCopies writes n generated issues into dir and returns their paths in
// running order, from 总第 92 期 on: the copies benchindex.WriteCopies makes
// of 总第 86–91 期 (every full date moved 22 weeks a round, running number
// + 6), without the sources themselves, named issue-NNN.txt as an editor
// would name them.
func writeCopies(t testing.TB, dir string, n int) []string {
	t.Helper()
	srcs := sourceIssues(t)
	staging := t.TempDir()
	rounds := 1 + (n+len(srcs)-1)/len(srcs) // round 0 is the sources
	all, err := benchindex.WriteCopies(staging, srcs, rounds, benchindex.CopyShift)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	// All is in date order, which with a 22-week shift is running order;
	// the sources come first.
	files := make([]string, 0, n)
	for i, path := range all[len(srcs) : len(srcs)+n] {
		to := filepath.Join(dir, fmt.Sprintf("issue-%03d.txt", 92+i))
		if err := os.Rename(path, to); err != nil {
			t.Fatal(err)
		}
		files = append(files, to)
	}
	return files
}

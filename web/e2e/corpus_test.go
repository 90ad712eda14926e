package e2e

import (
	"os"
	"path/filepath"
	"testing"
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

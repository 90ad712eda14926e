package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// `zhengce eval` prints one row per engine: this one, then the two baselines,
// with figures between 0 and 1.
func TestEvalPrintsEngineAndBaselines(t *testing.T) {
	sharedIndex(t) // the dictionary is loaded once
	code, stdout, stderr := cli(t, "eval", "-queries", "../../testdata/graded.tsv",
		"-corpus", "../../corpus", "-corpus", "../../testdata/issues", "-data", dataDir, "-v")
	if code != 0 {
		t.Fatalf("zhengce eval exited %d\nstderr: %s", code, stderr)
	}
	row := regexp.MustCompile(`(?m)^\| (zhengce|bleve cjk analyzer|gse words only) \| ([0-9.]+) \| ([0-9.]+) \| ([0-9.]+) \| (\d+) of (\d+) \| (\d+) \|$`)
	rows := row.FindAllStringSubmatch(stdout, -1)
	if len(rows) != 3 || rows[0][1] != "zhengce" {
		t.Fatalf("want a row for zhengce and for each baseline:\n%s", stdout)
	}
	for _, r := range rows {
		for _, f := range r[2:5] {
			if v, err := strconv.ParseFloat(f, 64); err != nil || v < 0 || v > 1 {
				t.Errorf("%s: figure %s is not between 0 and 1", r[1], f)
			}
		}
	}
	if !strings.Contains(stdout, "137 passages from 6 issue files") {
		t.Errorf("the header does not say what was measured:\n%s", stdout)
	}
	if !strings.Contains(stdout, "zhengce: queries below") {
		t.Errorf("-v lists no per-query details:\n%s", stdout)
	}
}

func TestEvalErrors(t *testing.T) {
	sharedIndex(t)
	dir := t.TempDir()
	unknownID := filepath.Join(dir, "unknown.tsv")
	if err := os.WriteFile(unknownID, []byte("托育\t999-s01-001:2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"argument", []string{"eval", "extra"}, 2, `unexpected argument "extra"`},
		{"unknown flag", []string{"eval", "-bogus"}, 2, "-bogus"},
		{"no query file", []string{"eval", "-queries", filepath.Join(dir, "none.tsv")}, 1, "none.tsv"},
		{"unknown passage", []string{"eval", "-queries", unknownID, "-corpus", "../../corpus", "-data", dataDir}, 1, "no passage 999-s01-001"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := cli(t, tc.args...)
			if code != tc.code || !strings.Contains(stderr, tc.stderr) {
				t.Errorf("zhengce %q: exit %d, stderr %q; want %d and %q", tc.args, code, stderr, tc.code, tc.stderr)
			}
			if stdout != "" {
				t.Errorf("zhengce %q wrote to stdout: %q", tc.args, stdout)
			}
		})
	}
}

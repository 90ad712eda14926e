package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"zhengce/indexer/parser"
)

// genArgs are the flags that point gen at the shipped issue, the fixtures
// and the data files from this package's directory.
func genArgs(out string, more ...string) []string {
	args := []string{"gen", "-out", out, "-from", filepath.Dir(shippedIssue), "-from", filepath.Dir(fixtureGlob), "-data", dataDir}
	return append(args, more...)
}

func TestGenCommand(t *testing.T) {
	out := filepath.Join(t.TempDir(), "generated")
	code, stdout, stderr := cli(t, genArgs(out, "-issues", "6", "-seed", "3")...)
	if code != 0 {
		t.Fatalf("gen exited %d: %s", code, stderr)
	}
	re := regexp.MustCompile(`^wrote 6 issues \(≈(\d+) passages\) to ` + regexp.QuoteMeta(out) + ` in \d+\.\d s\n总第 1000–1005 期; 2015-01-07 to 2015-0[34]-\d\d; \d+ sections, \d+ research directions, [\d.]+ MB\n$`)
	if !re.MatchString(stdout) {
		t.Errorf("stdout:\n%s", stdout)
	}
	files, _ := filepath.Glob(filepath.Join(out, "*"))
	if len(files) != 6 || filepath.Base(files[0]) != "issue-01000.txt" || filepath.Base(files[5]) != "issue-01005.txt" {
		t.Fatalf("files: %v", files)
	}
	first, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if _, err := parser.ParseFile(f); err != nil {
			t.Error(err)
		}
	}

	// Again: the same files, nothing to write.
	code, stdout, stderr = cli(t, genArgs(out, "-issues", "6", "-seed", "3")...)
	if code != 0 || !strings.Contains(stdout, "6 already there unchanged") {
		t.Errorf("second run exited %d: %s%s", code, stdout, stderr)
	}
	// Another seed would overwrite them: refused, nothing changed.
	code, stdout, stderr = cli(t, genArgs(out, "-issues", "6", "-seed", "4")...)
	if code != 1 || stdout != "" || !strings.Contains(stderr, "issue-01000.txt already exists with other content") || !strings.Contains(stderr, "-force") {
		t.Errorf("other seed over the same folder exited %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
	}
	if now, _ := os.ReadFile(files[0]); string(now) != string(first) {
		t.Error("a refused run changed a file")
	}
	// -force replaces them.
	code, _, stderr = cli(t, genArgs(out, "-issues", "6", "-seed", "4", "-force")...)
	if now, _ := os.ReadFile(files[0]); code != 0 || string(now) == string(first) {
		t.Errorf("-force exited %d (%s), file replaced: %v", code, stderr, string(now) != string(first))
	}

	// A source folder that is not there is an error, not a usage mistake.
	code, _, stderr = cli(t, "gen", "-issues", "1", "-out", out, "-from", "no-such-folder", "-data", dataDir)
	if code != 1 || !strings.Contains(stderr, "no-such-folder") {
		t.Errorf("missing -from folder exited %d: %s", code, stderr)
	}
}

func TestGenUsage(t *testing.T) {
	out := t.TempDir()
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"gen", "-out", out}, "-issues"},
		{[]string{"gen", "-issues", "0", "-out", out}, "-issues"},
		{[]string{"gen", "-issues", "many", "-out", out}, "-issues"},
		{[]string{"gen", "-issues", "3"}, "-out"},
		{[]string{"gen", "-issues", "3", "-out", out, "-first-running", "0"}, "-first-running"},
		{[]string{"gen", "-issues", "3", "-out", out, "-start", "2024-13-01"}, "-start"},
		{[]string{"gen", "-issues", "3", "-out", out, "-end", "soon"}, "-end"},
		{[]string{"gen", "-issues", "3", "-out", out, "-every", "-2"}, "-every"},
		{[]string{"gen", "-issues", "3", "-out", out, "-every", "0"}, "-every"},
		{[]string{"gen", "-issues", "3", "-out", out, "-seed", "-1"}, "-seed"},
		{[]string{"gen", "-issues", "3", "-out", out, "-bogus"}, "-bogus"},
		{[]string{"gen", "-issues", "3", "-out", out, "extra"}, `"extra"`},
		{append(genArgs(out), "-issues", "3", "-start", "1900-01-01"), "start date"},
		{append(genArgs(out), "-issues", "3", "-start", "2030-01-01", "-end", "2029-01-01"), "end date"},
	} {
		code, stdout, stderr := cli(t, c.args...)
		if code != 2 || stdout != "" || !strings.Contains(stderr, c.want) {
			t.Errorf("zhengce %q exited %d, stderr %q: want 2 and a message naming %s", c.args, code, stderr, c.want)
		}
	}
	if entries, _ := os.ReadDir(out); len(entries) > 0 {
		t.Errorf("usage errors wrote %d files", len(entries))
	}
	code, _, stderr := cli(t, "gen", "-h")
	if code != 0 || !strings.Contains(stderr, "-first-running") {
		t.Errorf("gen -h exited %d: %s", code, stderr)
	}
}

// TestGenIndex indexes generated issues and searches them: bodies, topics
// and months come out as facets.
func TestGenIndex(t *testing.T) {
	if testing.Short() {
		t.Skip("builds an index")
	}
	dir := t.TempDir()
	corpus := filepath.Join(dir, "corpus")
	if code, _, stderr := cli(t, genArgs(corpus, "-issues", "8", "-seed", "21", "-vary-encoding")...); code != 0 {
		t.Fatalf("gen exited %d: %s", code, stderr)
	}
	index := filepath.Join(dir, "index")
	code, stdout, stderr := cli(t, "index", "-corpus", corpus, "-data", dataDir, "-index", index)
	if code != 0 || !strings.Contains(stdout, "indexed 8 issues") {
		t.Fatalf("index exited %d: %s%s", code, stdout, stderr)
	}
	search := func(args ...string) *result {
		t.Helper()
		code, stdout, stderr := cli(t, append([]string{"search", "-index", index, "-json", "-size", "1"}, args...)...)
		if code != 0 {
			t.Fatalf("search %q exited %d: %s", args, code, stderr)
		}
		var r result
		if err := json.Unmarshal([]byte(stdout), &r); err != nil {
			t.Fatal(err)
		}
		return &r
	}
	all := search("-issue", "1000", "-issue", "1007")
	if all.Total < 40 || len(all.Facets["body"]) < 3 || len(all.Facets["month"]) < 1 || len(all.Facets["direction"]) < 1 {
		t.Fatalf("issues 1000 and 1007: %d passages, facets %v", all.Total, all.Facets)
	}
	// Every direction is a topic with passages linked to it.
	for _, d := range all.Facets["direction"] {
		if r := search("-topic", d.Value); r.Total == 0 || len(r.Hits) == 0 || !r.Hits[0].Linked && r.Hits[0].Kind != "研究方向" {
			t.Errorf("topic %s: %d passages, first %+v", d.Value, r.Total, r.Hits)
		}
	}
}

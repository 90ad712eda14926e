package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gofrs/flock"
	"golang.org/x/text/encoding/unicode"

	"zhengce/indexer"
	"zhengce/indexer/parser"
)

// liveIndex is what a test compares before and after a command: the live
// generation and how many passages it holds.
type liveIndex struct {
	gen      string
	passages uint64
}

func liveOf(t *testing.T, index string) liveIndex {
	t.Helper()
	idx, err := indexer.Open(index)
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	n, err := idx.DocCount()
	if err != nil {
		t.Fatal(err)
	}
	return liveIndex{gen: idx.Generation, passages: n}
}

// workspace makes a corpus of the given issue files with the shipped data
// under a temporary folder, indexes it with `zhengce index`, and returns the
// corpus and index paths.
func workspace(t *testing.T, files ...string) (corpus, index string) {
	t.Helper()
	tmp := t.TempDir()
	corpus = filepath.Join(tmp, "corpus")
	if err := copyFiles(corpus, files...); err != nil {
		t.Fatal(err)
	}
	data, _ := filepath.Glob(filepath.Join(dataDir, "*"))
	if err := copyFiles(filepath.Join(corpus, "data"), data...); err != nil {
		t.Fatal(err)
	}
	index = filepath.Join(tmp, "data", "index")
	if code, _, stderr := cli(t, "index", "-corpus", corpus, "-index", index); code != 0 {
		t.Fatalf("index: exit %d: %s", code, stderr)
	}
	return corpus, index
}

func listCorpus(t *testing.T, corpus string) []string {
	t.Helper()
	files, err := indexer.IssueFiles(corpus)
	if err != nil {
		t.Fatal(err)
	}
	for i, f := range files {
		files[i] = filepath.Base(f)
	}
	return files
}

var (
	addLine     = regexp.MustCompile(`^add 总第 (\d+) 期 \((\S+)\): (\d+) passages$`)
	replaceLine = regexp.MustCompile(`^replace 总第 (\d+) 期 \((\S+)\): (\d+) passages → (\d+) passages \(\+(\d+) new, -(\d+) gone, (\d+) changed\)`)
	removeLine  = regexp.MustCompile(`^remove 总第 (\d+) 期 \((\S+)\): (\d+) passages$`)
	addedLine   = regexp.MustCompile(`^added (\d+) issues \((\d+) new, (\d+) replaced\), (\d+) passages in [0-9.]+ s into (\S+); it holds (\d+) issues, (\d+) passages$`)
	removedLine = regexp.MustCompile(`^removed (\d+) issues, (\d+) passages in [0-9.]+ s from (\S+); it holds (\d+) issues, (\d+) passages$`)
)

func lines(s string) []string { return strings.Split(strings.TrimSuffix(s, "\n"), "\n") }

func TestAddAndRemoveCommands(t *testing.T) {
	corpus, index := workspace(t, shippedIssue)
	before := liveOf(t, index)
	add := filepath.Join(filepath.Dir(fixtureGlob), "issue-090.txt")
	again := filepath.Join(t.TempDir(), "issue-089.txt")
	if err := copyFiles(filepath.Dir(again), shippedIssue); err != nil {
		t.Fatal(err)
	}

	// -dry-run says what would change and changes nothing.
	code, stdout, stderr := cli(t, "add", "-corpus", corpus, "-index", index, "-dry-run", add, again)
	if code != 0 || stderr != "" {
		t.Fatalf("add -dry-run: exit %d: %s", code, stderr)
	}
	out := lines(stdout)
	if len(out) != 2 || !strings.HasPrefix(out[0], "would ") || !strings.HasPrefix(out[1], "would ") {
		t.Fatalf("add -dry-run printed %q", stdout)
	}
	m := addLine.FindStringSubmatch(strings.TrimPrefix(out[0], "would "))
	if m == nil || m[1] != "90" || m[2] != "issue-090.txt" {
		t.Errorf("dry run line %q", out[0])
	}
	newPassages, _ := strconv.Atoi(m[3])
	r := replaceLine.FindStringSubmatch(strings.TrimPrefix(out[1], "would "))
	if r == nil || r[1] != "89" || r[3] != r[4] || r[3] != strconv.FormatUint(before.passages, 10) || r[5] != "0" || r[6] != "0" || r[7] != "0" {
		t.Errorf("dry run of the same issue again: %q", out[1])
	}
	if after := liveOf(t, index); after != before {
		t.Errorf("add -dry-run changed the index: %+v → %+v", before, after)
	}
	if got := listCorpus(t, corpus); !slices.Equal(got, []string{"issue-089.txt"}) {
		t.Errorf("add -dry-run changed the corpus: %v", got)
	}

	code, stdout, stderr = cli(t, "add", "-corpus", corpus, "-index", index, add)
	if code != 0 || stderr != "" {
		t.Fatalf("add: exit %d: %s", code, stderr)
	}
	out = lines(stdout)
	if len(out) != 2 || out[0] != strings.TrimPrefix(lines(stdout)[0], "would ") || addLine.FindString(out[0]) == "" {
		t.Errorf("add printed %q", stdout)
	}
	s := addedLine.FindStringSubmatch(out[len(out)-1])
	after := liveOf(t, index)
	if s == nil || s[1] != "1" || s[2] != "1" || s[3] != "0" || s[4] != strconv.Itoa(newPassages) || s[5] != index || s[6] != "2" || s[7] != strconv.FormatUint(after.passages, 10) {
		t.Errorf("add summary %q", out[len(out)-1])
	}
	if after.gen == before.gen || after.passages != before.passages+uint64(newPassages) {
		t.Errorf("after add: %+v, before %+v, added %d", after, before, newPassages)
	}
	if got := listCorpus(t, corpus); !slices.Equal(got, []string{"issue-089.txt", "issue-090.txt"}) {
		t.Errorf("corpus after add: %v", got)
	}
	if n := searchJSONAt(t, index, "-issue", "90").Total; n != newPassages {
		t.Errorf("search finds %d passages of issue 90, add indexed %d", n, newPassages)
	}

	// Removing it takes it out of the index and the corpus.
	code, stdout, stderr = cli(t, "remove", "-corpus", corpus, "-index", index, "90")
	if code != 0 || stderr != "" {
		t.Fatalf("remove: exit %d: %s", code, stderr)
	}
	out = lines(stdout)
	if len(out) != 2 || removeLine.FindString(out[0]) == "" || removedLine.FindString(out[1]) == "" {
		t.Errorf("remove printed %q", stdout)
	}
	if got := liveOf(t, index); got.passages != before.passages {
		t.Errorf("after remove: %d passages, want %d", got.passages, before.passages)
	}
	if got := listCorpus(t, corpus); !slices.Equal(got, []string{"issue-089.txt"}) {
		t.Errorf("corpus after remove: %v", got)
	}
	if n := searchJSONAt(t, index, "-issue", "90").Total; n != 0 {
		t.Errorf("search still finds %d passages of issue 90", n)
	}

	// The last issue stays; an unknown one is named.
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"89"}, 1, "would leave index " + index + " without issues"},
		{[]string{"91"}, 1, "总第 91 期 is not in index " + index},
		{[]string{"总第89期"}, 2, `"总第89期" is not a running number`},
		{nil, 2, "name the running numbers"},
	} {
		code, stdout, stderr := cli(t, append([]string{"remove", "-corpus", corpus, "-index", index}, tc.args...)...)
		if code != tc.code || !strings.Contains(stderr, tc.want) || stdout != "" || len(lines(stderr)) != 1 {
			t.Errorf("remove %q: exit %d, stdout %q, stderr %q; want exit %d and %q", tc.args, code, stdout, stderr, tc.code, tc.want)
		}
	}
	if code, _, stderr := cli(t, "add", "-corpus", corpus, "-index", index); code != 2 || !strings.Contains(stderr, "name the issue files") {
		t.Errorf("add without files: exit %d, %q", code, stderr)
	}
	missing := filepath.Join(t.TempDir(), "index")
	if code, _, stderr := cli(t, "add", "-corpus", corpus, "-index", missing, add); code != 1 || !strings.Contains(stderr, "no index at "+missing+": run `zhengce index` first") {
		t.Errorf("add to a missing index: exit %d, %q", code, stderr)
	}
	if got := listCorpus(t, corpus); !slices.Equal(got, []string{"issue-089.txt"}) {
		t.Errorf("a refused add changed the corpus: %v", got)
	}
	if got := liveOf(t, index); got.passages != before.passages || listCorpus(t, corpus)[0] != "issue-089.txt" {
		t.Errorf("refused removes changed the index: %+v", got)
	}
}

// A second writer fails at once while one runs.
func TestOneWriterAtATimeCommand(t *testing.T) {
	corpus, index := workspace(t, shippedIssue)
	l := flock.New(indexer.LockFile(index))
	if ok, err := l.TryLock(); !ok || err != nil {
		t.Fatalf("taking the lock: %v %v", ok, err)
	}
	defer l.Unlock()
	want := "zhengce %s: another zhengce index/add/remove is running on " + index + "\n"
	for _, args := range [][]string{
		{"index", "-corpus", corpus, "-index", index},
		{"add", "-corpus", corpus, "-index", index, filepath.Join(filepath.Dir(fixtureGlob), "issue-090.txt")},
		{"remove", "-corpus", corpus, "-index", index, "89"},
	} {
		start := time.Now()
		code, stdout, stderr := cli(t, args...)
		if code != 1 || stdout != "" || stderr != fmt.Sprintf(want, args[0]) {
			t.Errorf("%s while another writer runs: exit %d, stdout %q, stderr %q", args[0], code, stdout, stderr)
		}
		if d := time.Since(start); d > 10*time.Second {
			t.Errorf("%s waited %v for the lock", args[0], d)
		}
	}
}

// progressLine is a line `zhengce index` logs as it goes, to a pipe.
var progressLine = regexp.MustCompile(`^zhengce index: (read \d+/\d+ files|indexed \d+/\d+ passages)$`)

// errorLines drops the progress lines from stderr.
func errorLines(stderr string) []string {
	var out []string
	for _, l := range lines(stderr) {
		if l != "" && !progressLine.MatchString(l) {
			out = append(out, l)
		}
	}
	return out
}

// badInput is one kind of bad input: a file (or folder) under dir, and what
// the one-line error must say.
type badInput struct {
	name string
	// make writes the bad input under dir, named so that the corpus lists
	// it, and returns its path.
	make func(t *testing.T, dir string) string
	line bool   // the error names a line
	want string // a piece of the message
}

func copyAs(src, name string) func(t *testing.T, dir string) string {
	return func(t *testing.T, dir string) string {
		b, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
}

func badInputs(t *testing.T) []badInput {
	inputs := []badInput{
		{"empty file", copyAs(filepath.Join(badDir, "empty.txt"), "empty.txt"), false, "empty file"},
		{"binary junk", copyAs(filepath.Join(badDir, "junk.bin"), "junk.txt"), false, "binary data"},
		{"no masthead", copyAs(filepath.Join(badDir, "no-masthead.txt"), "no-masthead.txt"), true, "no masthead"},
		{"no sections", copyAs(filepath.Join(badDir, "no-sections.txt"), "no-sections.txt"), false, "no policy sections"},
		{"UTF-16", func(t *testing.T, dir string) string {
			raw, err := os.ReadFile(shippedIssue)
			if err != nil {
				t.Fatal(err)
			}
			b, err := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().Bytes(raw)
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(dir, "utf16.txt")
			if err := os.WriteFile(path, b, 0o644); err != nil {
				t.Fatal(err)
			}
			return path
		}, false, "UTF-16"},
		{"not GB18030", func(t *testing.T, dir string) string {
			// Issue 87 is GB18030; bytes no encoding reads in its middle.
			raw, err := os.ReadFile(filepath.Join(filepath.Dir(fixtureGlob), "issue-087.txt"))
			if err != nil {
				t.Fatal(err)
			}
			mid := len(raw) / 2
			for raw[mid] < 0x80 {
				mid++
			}
			b := slices.Concat(raw[:mid], []byte{0xFF, 0xFF, 0xFF}, raw[mid:])
			path := filepath.Join(dir, "undecodable.txt")
			if err := os.WriteFile(path, b, 0o644); err != nil {
				t.Fatal(err)
			}
			return path
		}, false, "not UTF-8 or GB18030"},
		{"over the size limit", func(t *testing.T, dir string) string {
			raw, err := os.ReadFile(shippedIssue)
			if err != nil {
				t.Fatal(err)
			}
			b := bytes.Repeat(raw, parser.MaxFileSize/len(raw)+1)
			path := filepath.Join(dir, "huge.txt")
			if err := os.WriteFile(path, b, 0o644); err != nil {
				t.Fatal(err)
			}
			return path
		}, false, "over the 20 MB limit"},
		{"a directory", func(t *testing.T, dir string) string {
			path := filepath.Join(dir, "issue-099.txt")
			if err := os.Mkdir(path, 0o755); err != nil {
				t.Fatal(err)
			}
			return path
		}, false, "is a directory"},
	}
	if truncated := filepath.Join(badDir, "truncated.docx"); fileExists(truncated) {
		inputs = append(inputs, badInput{"truncated .docx", copyAs(truncated, "truncated.docx"), false, "truncated"})
	} else {
		t.Logf("no %s: the truncated .docx case is not tested", truncated)
	}
	return inputs
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// Every kind of bad input fails `zhengce index` and `zhengce add` with one
// line naming the file (and the line, where one is to blame) and exit
// status 1, and loses nothing already indexed.
func TestBadInputLosesNothing(t *testing.T) {
	corpus, index := workspace(t, shippedIssue)
	before := liveOf(t, index)
	inputs := badInputs(t)
	// Two files with the same running number.
	inputs = append(inputs, badInput{"same running number", copyAs(shippedIssue, "issue-089-again.txt"), false, "running number 总第 89 期 is also that of"})

	check := func(t *testing.T, what string, code int, stdout, stderr, path string, in badInput) {
		t.Helper()
		errs := errorLines(stderr)
		if code != 1 || stdout != "" || len(errs) != 1 {
			t.Fatalf("%s: exit %d, stdout %q, error lines %q", what, code, stdout, errs)
		}
		name := regexp.QuoteMeta(path) + ":"
		if in.line {
			name += `\d+:`
		}
		if !regexp.MustCompile(`^zhengce \w+: `+name+` `).MatchString(errs[0]) || !strings.Contains(errs[0], in.want) {
			t.Errorf("%s: error %q does not name %s (line: %v) and say %q", what, errs[0], path, in.line, in.want)
		}
		if after := liveOf(t, index); after != before {
			t.Errorf("%s changed the live index: %+v → %+v", what, before, after)
		}
		if got := listCorpus(t, corpus); !slices.Equal(got, []string{"issue-089.txt"}) {
			t.Errorf("%s changed the corpus: %v", what, got)
		}
	}
	for _, in := range inputs {
		t.Run(in.name, func(t *testing.T) {
			// index: a corpus of the good issue and the bad input.
			bad := filepath.Join(t.TempDir(), "corpus")
			if err := copyFiles(bad, shippedIssue); err != nil {
				t.Fatal(err)
			}
			path := in.make(t, bad)
			code, stdout, stderr := cli(t, "index", "-corpus", bad, "-data", dataDir, "-index", index)
			if in.name == "same running number" {
				// The error names the second file and the first.
				path = filepath.Join(bad, "issue-089.txt")
			}
			check(t, "index", code, stdout, stderr, path, in)

			// add: the bad input alone, or after a good file.
			given := t.TempDir()
			path = in.make(t, given)
			good := filepath.Join(given, "issue-090.txt")
			if err := copyFiles(given, filepath.Join(filepath.Dir(fixtureGlob), "issue-090.txt")); err != nil {
				t.Fatal(err)
			}
			args := []string{"add", "-corpus", corpus, "-index", index, good, path}
			if in.name == "same running number" {
				args = append(args, filepath.Join(given, "issue-089.txt"))
				copyAs(shippedIssue, "issue-089.txt")(t, given)
			}
			code, stdout, stderr = cli(t, args...)
			check(t, "add", code, stdout, stderr, args[len(args)-1], in)
		})
	}
}

// zhengceBinary builds the command into a temporary folder.
func zhengceBinary(t testing.TB) string {
	t.Helper()
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go tool on PATH")
	}
	bin := filepath.Join(t.TempDir(), "zhengce")
	if out, err := exec.Command(goTool, "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// runBin runs the binary in dir; it returns its exit status and output.
func runBin(t testing.TB, bin, dir string, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return 0, stdout.String(), stderr.String()
	case errors.As(err, &exit):
		return exit.ExitCode(), stdout.String(), stderr.String()
	}
	t.Fatalf("running %s: %v", bin, err)
	return -1, "", ""
}

// apiTotal asks a server's /api/search for q and returns the total.
func apiTotal(t *testing.T, base, q string) int {
	t.Helper()
	resp, err := http.Get(base + "/api/search?q=" + url.QueryEscape(q))
	if err != nil {
		t.Fatalf("GET /api/search: %v", err)
	}
	defer resp.Body.Close()
	var r struct {
		Total int `json:"total"`
	}
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("GET /api/search: %s %s", resp.Status, b)
	}
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
		t.Fatal(err)
	}
	return r.Total
}

// kill -9 during `zhengce index` leaves the live index, and a server on it,
// answering with the old contents; the next index removes the half-built
// generation and succeeds.
func TestKillDuringIndex(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and indexes 150 issues")
	}
	bin := zhengceBinary(t)
	work := t.TempDir()
	if err := copyFiles(filepath.Join(work, "corpus"), sourceIssues(t)...); err != nil {
		t.Fatal(err)
	}
	data, _ := filepath.Glob(filepath.Join(dataDir, "*"))
	if err := copyFiles(filepath.Join(work, "corpus", "data"), data...); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := runBin(t, bin, work, "index"); code != 0 {
		t.Fatalf("index: exit %d: %s", code, stderr)
	}
	index := filepath.Join(work, "data", "index")
	live := liveOf(t, index)
	const query = "技能人才评价"
	code, stdout, _ := runBin(t, bin, work, "search", "-json", query)
	if code != 0 {
		t.Fatalf("search: exit %d", code)
	}
	var want struct{ Total int }
	if err := json.Unmarshal([]byte(stdout), &want); err != nil || want.Total == 0 {
		t.Fatalf("search before: %v, %d hits", err, want.Total)
	}

	// A server on the live index.
	serve := exec.Command(bin, "serve", "-addr", "127.0.0.1:0")
	serve.Dir = work
	serveErr, err := serve.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := serve.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		serve.Process.Signal(syscall.SIGTERM)
		serve.Wait()
	}()
	listen := regexp.MustCompile(`listening on (http://\S+)/`)
	base := ""
	sc := bufio.NewScanner(serveErr)
	for base == "" && sc.Scan() {
		if m := listen.FindStringSubmatch(sc.Text()); m != nil {
			base = m[1]
		}
	}
	if base == "" {
		t.Fatal("serve did not say where it listens")
	}
	go io.Copy(io.Discard, serveErr)
	if got := apiTotal(t, base, query); got != want.Total {
		t.Fatalf("serve finds %d, search %d", got, want.Total)
	}

	// A bigger corpus: kill its index after its first line about writing.
	big := filepath.Join(work, "big")
	if err := copyFiles(big, sourceIssues(t)...); err != nil {
		t.Fatal(err)
	}
	writeCopies(t, big, 144)
	cmd := exec.Command(bin, "index", "-corpus", big, "-data", "corpus/data")
	cmd.Dir = work
	progress, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc = bufio.NewScanner(progress)
	var seen []string
	for sc.Scan() {
		seen = append(seen, sc.Text())
		if strings.HasPrefix(sc.Text(), "zhengce index: indexed ") {
			break
		}
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	go io.Copy(io.Discard, progress)
	err = cmd.Wait()
	if st, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !st.Signaled() || st.Signal() != syscall.SIGKILL {
		t.Fatalf("index was not killed midway (%v); it logged %q", err, seen)
	}

	// The live index is the one before, whole; the half-built one is there.
	if got := liveOf(t, index); got != live {
		t.Errorf("after the kill the live index is %+v, want %+v", got, live)
	}
	if code, stdout, stderr := runBin(t, bin, work, "search", "-json", query); code != 0 || !strings.Contains(stdout, fmt.Sprintf(`"total": %d,`, want.Total)) {
		t.Errorf("search after the kill: exit %d, %s %s", code, stderr, stdout[:min(len(stdout), 200)])
	}
	if got := apiTotal(t, base, query); got != want.Total {
		t.Errorf("after the kill the server finds %d, want %d", got, want.Total)
	}
	gens := func() []string {
		names, _ := filepath.Glob(filepath.Join(work, "data", "index.g*"))
		for i := range names {
			names[i] = filepath.Base(names[i])
		}
		return names
	}
	half := ""
	for _, g := range gens() {
		if g != live.gen {
			half = g
		}
	}
	if half == "" {
		t.Fatalf("no half-built generation beside %s: %v", live.gen, gens())
	}

	// The next index removes it and succeeds.
	code, stdout, stderr := runBin(t, bin, work, "index", "-corpus", big, "-data", "corpus/data")
	if code != 0 || !strings.HasPrefix(stdout, "indexed 150 issues, ") {
		t.Fatalf("index after the kill: exit %d\n%s\n%s", code, stdout, stderr)
	}
	now := liveOf(t, index)
	if g := gens(); slices.Contains(g, half) || !slices.Equal(g, []string{live.gen, now.gen}) {
		t.Errorf("generations after the next index: %v, want %s (kept) and %s (live); %s removed", g, live.gen, now.gen, half)
	}
	if got := apiTotal(t, base, query); got < want.Total {
		t.Errorf("server finds %d after the new index, %d before", got, want.Total)
	}
}

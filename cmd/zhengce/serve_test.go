package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// syncBuffer is a writer that the server's goroutines and the test share.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

var listening = regexp.MustCompile(`listening on (http://\S+)/`)

// serving is a `zhengce serve` running in the test.
type serving struct {
	base   string // http://127.0.0.1:PORT
	stderr *syncBuffer
	cancel context.CancelFunc
	done   chan int // the exit status
}

// startServe runs `zhengce serve ARGS… -addr 127.0.0.1:0` and waits until
// it says where it listens.
func startServe(t *testing.T, args ...string) *serving {
	t.Helper()
	return startServeFunc(t, func(ctx context.Context, stderr io.Writer) int {
		var stdout syncBuffer
		return run(ctx, append([]string{"serve", "-addr", "127.0.0.1:0"}, args...), &stdout, stderr)
	})
}

// startServeFunc runs serve, a `zhengce serve` returning its exit status,
// and waits until it says where it listens.
func startServeFunc(t *testing.T, serve func(ctx context.Context, stderr io.Writer) int) *serving {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	s := &serving{stderr: &syncBuffer{}, cancel: cancel, done: make(chan int, 1)}
	go func() {
		s.done <- serve(ctx, s.stderr)
	}()
	t.Cleanup(func() { s.stop(t) })
	deadline := time.After(60 * time.Second)
	for {
		if m := listening.FindStringSubmatch(s.stderr.String()); m != nil {
			s.base = m[1]
			return s
		}
		select {
		case code := <-s.done:
			s.done <- code
			t.Fatalf("zhengce serve exited %d before listening:\n%s", code, s.stderr.String())
		case <-deadline:
			t.Fatalf("zhengce serve did not say where it listens within a minute:\n%s", s.stderr.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// stop cancels the server's context, as SIGINT would, and returns its exit
// status.
func (s *serving) stop(t *testing.T) int {
	t.Helper()
	s.cancel()
	select {
	case code := <-s.done:
		s.done <- code
		return code
	case <-time.After(30 * time.Second):
		t.Fatalf("zhengce serve did not stop within 30 s")
		return -1
	}
}

func (s *serving) get(t *testing.T, path string) (int, string) {
	t.Helper()
	res, err := http.Get(s.base + path)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

func TestServeBuildsAMissingIndexAndStopsCleanly(t *testing.T) {
	dir := t.TempDir()
	corpus := filepath.Join(dir, "corpus")
	if err := copyFiles(corpus, shippedIssue); err != nil {
		t.Fatal(err)
	}
	index := filepath.Join(dir, "data", "index")
	s := startServe(t, "-index", index, "-corpus", corpus, "-data", dataDir)
	if out := s.stderr.String(); !strings.Contains(out, `msg="no index yet: building it from the corpus first" index=`+index+" corpus="+corpus) {
		t.Errorf("serve did not say it builds the index:\n%s", s.stderr.String())
	}
	if _, err := os.Stat(index); err != nil {
		t.Errorf("no index at %s after serve built it: %v", index, err)
	}
	code, body := s.get(t, "/healthz")
	var h struct {
		Status   string `json:"status"`
		Passages int    `json:"passages"`
		Issues   int    `json:"issues"`
	}
	if err := json.Unmarshal([]byte(body), &h); code != 200 || err != nil || h.Status != "ok" || h.Issues != 1 || h.Passages == 0 {
		t.Errorf("/healthz: %d %s", code, body)
	}
	if code, body := s.get(t, "/?q="+url.QueryEscape("产业工人")); code != 200 || !strings.Contains(body, "<mark>产业工人</mark>") {
		t.Errorf("/?q=产业工人: %d", code)
	}
	if code, _ := s.get(t, "/topics/"+url.PathEscape("技能人才评价体系研究")+"/feed.atom"); code != 200 {
		t.Errorf("the topic feed: %d", code)
	}
	if code := s.stop(t); code != 0 {
		t.Errorf("serve exited %d after its context was cancelled:\n%s", code, s.stderr.String())
	}
	if !strings.Contains(s.stderr.String(), "level=INFO msg=stopped") {
		t.Errorf("serve did not say it stopped:\n%s", s.stderr.String())
	}
	if _, err := http.Get(s.base + "/healthz"); err == nil {
		t.Errorf("the server still answers after it stopped")
	}
}

func TestServeAnExistingIndex(t *testing.T) {
	s := startServe(t, "-index", sharedIndex(t))
	if strings.Contains(s.stderr.String(), "building") {
		t.Errorf("serve rebuilt an index that exists:\n%s", s.stderr.String())
	}
	var res struct {
		Total int `json:"total"`
		Hits  []struct {
			URL      string `json:"url"`
			Citation string `json:"citation"`
		} `json:"hits"`
	}
	code, body := s.get(t, "/api/search?q="+url.QueryEscape("助学金")+"&issue=89&size=5")
	if err := json.Unmarshal([]byte(body), &res); code != 200 || err != nil || res.Total == 0 || len(res.Hits) == 0 || res.Hits[0].URL == "" {
		t.Errorf("/api/search: %d %.300s", code, body)
	}
	if code, body := s.get(t, "/api/search?page=0"); code != 400 || !strings.Contains(body, `"error":"page: `) {
		t.Errorf("/api/search?page=0: %d %s", code, body)
	}

	// A client that sends the topic's name as raw UTF-8 in the request line.
	conn, err := net.Dial("tcp", strings.TrimPrefix(s.base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	io.WriteString(conn, "GET /topics/技能人才评价体系研究 HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || !strings.Contains(string(page), "研究方向：技能人才评价体系研究") {
		t.Errorf("raw UTF-8 topic path: %d", resp.StatusCode)
	}
}

func TestServeUsage(t *testing.T) {
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"serve", "extra"}, 2, `unexpected argument "extra"`},
		{[]string{"serve", "-base-url", "ftp://example"}, 2, "-base-url"},
		{[]string{"serve", "-base-url", "https://example/prefix"}, 2, "-base-url"},
		{[]string{"serve", "-no-such-flag"}, 2, "no-such-flag"},
		{[]string{"serve", "-log-format", "xml"}, 2, `-log-format "xml": must be text or json`},
		{[]string{"serve", "-max-searches", "0"}, 2, "-max-searches 0: must be 1 or more"},
		{[]string{"serve", "-index", filepath.Join(t.TempDir(), "index"), "-corpus", filepath.Join(t.TempDir(), "none")}, 1, "zhengce serve:"},
		{[]string{"serve", "-index", sharedIndex(t), "-addr", "127.0.0.1:99999"}, 1, "zhengce serve:"},
	} {
		code, _, stderr := cli(t, tc.args...)
		if code != tc.code || !strings.Contains(stderr, tc.want) {
			t.Errorf("zhengce %q: exit %d, want %d, stderr %q should contain %q", tc.args, code, tc.code, stderr, tc.want)
		}
	}
	if code, stdout, _ := cli(t, "help"); code != 0 || !strings.Contains(stdout, "zhengce serve") {
		t.Errorf("the usage does not mention serve")
	}
}

// health is what /healthz answers.
type health struct {
	Status     string `json:"status"`
	Generation string `json:"generation"`
	Passages   int    `json:"passages"`
	Issues     int    `json:"issues"`
}

func (s *serving) health(t *testing.T) health {
	t.Helper()
	code, body := s.get(t, "/healthz")
	var h health
	if err := json.Unmarshal([]byte(body), &h); code != 200 || err != nil || h.Status != "ok" {
		t.Fatalf("/healthz: %d %s", code, body)
	}
	return h
}

// waitHealth polls /healthz until ok says yes, for 20 s at most.
func (s *serving) waitHealth(t *testing.T, what string, ok func(health) bool) health {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		h := s.health(t)
		if ok(h) {
			return h
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: /healthz still says %+v after 20 s\n%s", what, h, s.stderr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// waitLog waits until serve has logged line n times, for 10 s at most.
func (s *serving) waitLog(t *testing.T, line string, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for strings.Count(s.stderr.String(), line) < n {
		if time.Now().After(deadline) {
			t.Fatalf("serve did not log %q %d times within 10 s:\n%s", line, n, s.stderr.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// total is the number of hits /api/search?QUERY answers, which must be a 200.
func (s *serving) total(t *testing.T, query string) int {
	t.Helper()
	code, body := s.get(t, "/api/search?"+query)
	var res struct {
		Total int `json:"total"`
	}
	if err := json.Unmarshal([]byte(body), &res); code != 200 || err != nil {
		t.Fatalf("/api/search?%s: %d %.300s", query, code, body)
	}
	return res.Total
}

// followCorpus is a corpus of the shipped issue and its index, built with
// `zhengce index`.
func followCorpus(t *testing.T) (corpus, index string) {
	t.Helper()
	dir := t.TempDir()
	corpus = filepath.Join(dir, "corpus")
	if err := copyFiles(corpus, shippedIssue); err != nil {
		t.Fatal(err)
	}
	index = filepath.Join(dir, "data", "index")
	reindex(t, corpus, index)
	return corpus, index
}

func reindex(t *testing.T, corpus, index string) {
	t.Helper()
	if code, _, stderr := cli(t, "index", "-corpus", corpus, "-data", dataDir, "-index", index); code != 0 {
		t.Fatalf("zhengce index exited %d: %s", code, stderr)
	}
}

// pointAt swaps the index path to the generation directory gen beside it,
// as a writer does.
func pointAt(t *testing.T, index, gen string) {
	t.Helper()
	tmp := index + ".test-link"
	if err := os.Symlink(gen, tmp); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, index); err != nil {
		t.Fatal(err)
	}
}

var onlyInIssue91 = "q=" + url.QueryEscape("审计署")

// A running server picks up a re-index by itself; requests during the
// switch all succeed.
func TestServeFollowsTheIndex(t *testing.T) {
	corpus, index := followCorpus(t)
	s := startServe(t, "-index", index, "-watch", "100ms")
	before := s.health(t)
	if !strings.HasPrefix(before.Generation, "index.g") || before.Issues != 1 || before.Passages == 0 {
		t.Fatalf("/healthz before: %+v", before)
	}
	if !strings.Contains(s.stderr.String(), "msg=serving generation="+before.Generation+" ") {
		t.Errorf("serve did not say which generation it serves:\n%s", s.stderr.String())
	}
	if n := s.total(t, onlyInIssue91); n != 0 {
		t.Fatalf("issue 91 is found before it is indexed: %d hits", n)
	}

	// Clients keep searching through the switch.
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var requests, failed sync.Map
	for c := 0; c < 4; c++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				res, err := http.Get(s.base + "/api/search?q=" + url.QueryEscape("产业工人"))
				if err != nil {
					failed.Store(fmt.Sprint(c, i), err.Error())
					continue
				}
				io.Copy(io.Discard, res.Body)
				res.Body.Close()
				requests.Store(fmt.Sprint(c, i), true)
				if res.StatusCode != 200 {
					failed.Store(fmt.Sprint(c, i), res.Status)
				}
			}
		}()
	}

	if err := copyFiles(corpus, "../../testdata/issues/issue-091.txt"); err != nil {
		t.Fatal(err)
	}
	reindex(t, corpus, index)
	after := s.waitHealth(t, "after a re-index", func(h health) bool { return h.Generation != before.Generation })
	close(stop)
	wg.Wait()
	n := 0
	requests.Range(func(_, _ any) bool { n++; return true })
	failed.Range(func(k, v any) bool { t.Errorf("request %v during the switch: %v", k, v); return true })
	t.Logf("%d requests during the switch from %s to %s", n, before.Generation, after.Generation)

	if live, _ := os.Readlink(index); after.Generation != live || after.Issues != 2 || after.Passages <= before.Passages {
		t.Errorf("/healthz after: %+v (live %s), before: %+v", after, live, before)
	}
	if n := s.total(t, onlyInIssue91); n == 0 {
		t.Errorf("issue 91 is not found after the re-index")
	}
	if n := s.total(t, "issue=91"); n == 0 {
		t.Errorf("no passages of issue 91 after the re-index")
	}
	want := fmt.Sprintf("msg=serving generation=%s passages=%d", after.Generation, after.Passages)
	if !strings.Contains(s.stderr.String(), want) {
		t.Errorf("serve did not log %q:\n%s", want, s.stderr.String())
	}
	if code := s.stop(t); code != 0 {
		t.Errorf("serve exited %d:\n%s", code, s.stderr.String())
	}
}

// Without polling, a reload request (SIGHUP) switches; a generation that
// cannot be opened is logged and the server keeps the one it has.
func TestServeReload(t *testing.T) {
	corpus, index := followCorpus(t)
	reload := make(chan os.Signal)
	s := startServeFunc(t, func(ctx context.Context, stderr io.Writer) int {
		log := slog.New(slog.NewTextHandler(stderr, nil))
		err := serve(ctx, serveConfig{addr: "127.0.0.1:0", index: index, corpus: corpus, data: dataDir, reload: reload, log: log})
		if err != nil {
			fmt.Fprintln(stderr, err)
			return 1
		}
		return 0
	})
	first := s.health(t)

	if err := copyFiles(corpus, "../../testdata/issues/issue-091.txt"); err != nil {
		t.Fatal(err)
	}
	reindex(t, corpus, index)
	time.Sleep(300 * time.Millisecond)
	if h := s.health(t); h.Generation != first.Generation {
		t.Fatalf("switched to %s without polling or a reload", h.Generation)
	}
	reload <- syscall.SIGHUP
	second := s.waitHealth(t, "after a reload", func(h health) bool { return h.Generation != first.Generation })
	if second.Issues != 2 || s.total(t, onlyInIssue91) == 0 {
		t.Errorf("after the reload: %+v", second)
	}

	// A generation that is no index: the server keeps serving the one it has.
	if err := os.Mkdir(filepath.Join(filepath.Dir(index), "index.g000099"), 0o755); err != nil {
		t.Fatal(err)
	}
	pointAt(t, index, "index.g000099")
	want := "generation=index.g000099 serving=" + second.Generation
	for i := 1; i <= 2; i++ {
		// Each reload asks again, and is answered again.
		reload <- syscall.SIGHUP
		s.waitLog(t, want, i)
		if h := s.health(t); h.Generation != second.Generation || s.total(t, onlyInIssue91) == 0 {
			t.Errorf("after a reload of a bad generation: %+v", h)
		}
	}
	if code := s.stop(t); code != 0 {
		t.Errorf("serve exited %d:\n%s", code, s.stderr.String())
	}
}

// Polling, a generation that cannot be opened is logged once, however
// often it is looked at, and the server keeps serving; the next good one
// is picked up.
func TestServeKeepsServingThroughABadGeneration(t *testing.T) {
	corpus, index := followCorpus(t)
	s := startServe(t, "-index", index, "-watch", "20ms")
	first := s.health(t)
	if err := os.Mkdir(filepath.Join(filepath.Dir(index), "index.g000099"), 0o755); err != nil {
		t.Fatal(err)
	}
	pointAt(t, index, "index.g000099")
	want := "generation=index.g000099 serving=" + first.Generation
	s.waitLog(t, want, 1)
	time.Sleep(300 * time.Millisecond) // 15 more looks
	if n := strings.Count(s.stderr.String(), want); n != 1 {
		t.Errorf("serve logged %q %d times:\n%s", want, n, s.stderr.String())
	}
	if h := s.health(t); h.Generation != first.Generation || s.total(t, "q="+url.QueryEscape("产业工人")) == 0 {
		t.Errorf("while the live generation is bad: %+v", h)
	}

	reindex(t, corpus, index)
	next := s.waitHealth(t, "after a good re-index", func(h health) bool { return h.Generation != first.Generation })
	if next.Generation == "index.g000099" || next.Passages != first.Passages {
		t.Errorf("after a good re-index: %+v, first %+v", next, first)
	}
	if code := s.stop(t); code != 0 {
		t.Errorf("serve exited %d:\n%s", code, s.stderr.String())
	}
}

// SIGHUP reaches the reloader: `zhengce serve` listens for it while it
// runs (only then is the signal sent), and reopens the index.
func TestServeSIGHUP(t *testing.T) {
	_, index := followCorpus(t)
	s := startServe(t, "-index", index, "-watch", "0")
	gen := s.health(t).Generation
	line := "msg=serving generation=" + gen + " "
	if n := strings.Count(s.stderr.String(), line); n != 1 {
		t.Fatalf("%q logged %d times at start:\n%s", line, n, s.stderr.String())
	}
	if err := syscall.Kill(os.Getpid(), syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	s.waitLog(t, line, 2)
	if h := s.health(t); h.Generation != gen {
		t.Errorf("after SIGHUP: %+v", h)
	}
	if code := s.stop(t); code != 0 {
		t.Errorf("serve exited %d:\n%s", code, s.stderr.String())
	}
}

// routes are a request to every route serve answers.
var routes = []string{
	"/", "/?q=" + url.QueryEscape("产业工人"), "/issues", "/issues/89", "/topics",
	"/topics/" + url.PathEscape("技能人才评价体系研究"), "/topics/" + url.PathEscape("技能人才评价体系研究") + "/feed.atom",
	"/api/search?q=" + url.QueryEscape("技能人才"), "/api/issues", "/api/issues/89", "/api/topics",
	"/api/topics/" + url.PathEscape("技能人才评价体系研究"), "/healthz", "/static/style.css", "/static/site.js",
}

// tree lists every file under dirs with its size, mode and time, and
// where each link points.
func tree(t *testing.T, dirs ...string) string {
	t.Helper()
	var b strings.Builder
	for _, dir := range dirs {
		err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			info, err := os.Lstat(path)
			if err != nil {
				return err
			}
			fmt.Fprintf(&b, "%s %v %d %d", path, info.Mode(), info.Size(), info.ModTime().UnixNano())
			if info.Mode()&fs.ModeSymlink != 0 {
				target, _ := os.Readlink(path)
				fmt.Fprintf(&b, " → %s", target)
			}
			b.WriteString("\n")
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return b.String()
}

// The serving process is read-only to the network: every method but GET
// and HEAD, on every route, is a 405 and changes neither the index nor the
// corpus; nor do the GETs.
func TestServeIsReadOnly(t *testing.T) {
	corpus, index := workspace(t, shippedIssue, filepath.Join(filepath.Dir(fixtureGlob), "issue-091.txt"))
	s := startServe(t, "-index", index, "-watch", "20ms")
	gen := s.health(t).Generation
	before := tree(t, corpus, filepath.Dir(index))
	n := 0
	for _, route := range routes {
		for _, method := range []string{"POST", "PUT", "DELETE", "PATCH"} {
			for _, body := range []string{"", "running=89", `{"file":"issue-089.txt"}`} {
				req, err := http.NewRequest(method, s.base+route, strings.NewReader(body))
				if err != nil {
					t.Fatal(err)
				}
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatalf("%s %s: %v", method, route, err)
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				n++
				if resp.StatusCode != http.StatusMethodNotAllowed || resp.Header.Get("Allow") != "GET, HEAD" {
					t.Errorf("%s %s: %s, Allow %q", method, route, resp.Status, resp.Header.Get("Allow"))
				}
			}
		}
		if code, _ := s.get(t, route); code != 200 {
			t.Errorf("GET %s: %d", route, code)
		}
	}
	time.Sleep(100 * time.Millisecond) // a few looks at the index
	if after := tree(t, corpus, filepath.Dir(index)); after != before {
		t.Errorf("the corpus or the index changed:\nbefore:\n%s\nafter:\n%s", before, after)
	}
	if h := s.health(t); h.Generation != gen || h.Issues != 2 {
		t.Errorf("/healthz after: %+v, generation before %s", h, gen)
	}
	t.Logf("%d requests with other methods, all 405", n)
}

// -log-format json: every line serve writes is a JSON object, the address
// is still found with "listening on http://…/", and each request is a
// line with its method, path, query, status, bytes and duration.
func TestServeLogsJSON(t *testing.T) {
	s := startServe(t, "-index", sharedIndex(t), "-log-format", "json")
	s.get(t, "/api/search?q="+url.QueryEscape("产业工人")+"&size=2")
	s.get(t, "/nothing%0Ahere")
	if code := s.stop(t); code != 0 {
		t.Fatalf("serve exited %d", code)
	}
	var msgs []string
	requests := 0
	for _, line := range strings.Split(strings.TrimSuffix(s.stderr.String(), "\n"), "\n") {
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Errorf("not a JSON line: %q", line)
			continue
		}
		msg, _ := rec["msg"].(string)
		msgs = append(msgs, msg)
		if msg != "request" {
			continue
		}
		requests++
		for _, k := range []string{"time", "level", "method", "path", "status", "bytes", "duration_ms"} {
			if _, ok := rec[k]; !ok {
				t.Errorf("a request line without %s: %s", k, line)
			}
		}
		if rec["path"] == "/api/search" && (rec["query"] != "q=产业工人&size=2" || rec["status"] != 200.0) {
			t.Errorf("request line: %s", line)
		}
		if strings.HasPrefix(rec["path"].(string), "/nothing") && (rec["path"] != "/nothing\nhere" || rec["status"] != 404.0) {
			t.Errorf("request line: %s", line)
		}
	}
	want := []string{"serving", "listening on " + s.base + "/", "request", "request", "shutting down: finishing the requests in flight", "closed", "stopped"}
	if fmt.Sprint(msgs) != fmt.Sprint(want) || requests != 2 {
		t.Errorf("messages %q, want %q", msgs, want)
	}
}

// Many clients search a running `zhengce serve` (the binary) while `zhengce
// add`, a bulk `zhengce index` and `zhengce remove` change the index under
// it: not one request fails, and the server ends on the last generation.
func TestServeWhileWriting(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and indexes 60 issues while serving")
	}
	bin := zhengceBinary(t)
	corpus, index := workspace(t, sourceIssues(t)...)
	extra := t.TempDir()
	newIssue := writeCopies(t, extra, 1)[0] // 总第 92 期

	const clients = 8
	serve := exec.Command(bin, "serve", "-addr", "127.0.0.1:0", "-index", index, "-watch", "50ms",
		"-max-searches", strconv.Itoa(2*clients), "-log-format", "json")
	var stderr syncBuffer
	pr, pw := io.Pipe()
	serve.Stderr = pw
	if err := serve.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- serve.Wait(); pw.Close() }()
	defer func() {
		serve.Process.Kill()
	}()
	base := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			stderr.Write([]byte(sc.Text() + "\n"))
			if m := listening.FindStringSubmatch(sc.Text()); m != nil {
				select {
				case base <- m[1]:
				default:
				}
			}
		}
	}()
	s := &serving{stderr: &stderr}
	select {
	case s.base = <-base:
	case err := <-exited:
		t.Fatalf("serve exited: %v\n%s", err, stderr.String())
	case <-time.After(60 * time.Second):
		t.Fatalf("serve did not say where it listens:\n%s", stderr.String())
	}
	first := s.health(t)

	targets := []string{
		"/api/search?q=" + url.QueryEscape("产业工人"),
		"/api/search?q=" + url.QueryEscape("技能人才评价") + "&sort=date&size=50",
		"/?q=" + url.QueryEscape("助学金") + "&body=" + url.QueryEscape("财政部"),
		"/topics/" + url.PathEscape("技能人才评价体系研究") + "/feed.atom",
		"/api/topics/" + url.PathEscape("技能人才评价体系研究"),
		"/issues/89?q=" + url.QueryEscape("产业工人"),
		"/api/issues",
		"/healthz",
	}
	client := &http.Client{Timeout: 60 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: clients}}
	stop := make(chan struct{})
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		requests int
		failures []string
	)
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				target := targets[(c+i)%len(targets)]
				resp, err := client.Get(s.base + target)
				var status string
				if err == nil {
					_, err = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if resp.StatusCode != 200 {
						status = resp.Status
					}
				}
				mu.Lock()
				requests++
				if err != nil || status != "" {
					failures = append(failures, fmt.Sprintf("GET %s: %s %v", target, status, err))
				}
				mu.Unlock()
			}
		}()
	}
	step := func(what string, issues int, args ...string) health {
		t.Helper()
		before := s.health(t).Generation
		start := time.Now()
		if code, _, stderr := cli(t, args...); code != 0 {
			t.Fatalf("%s: exit %d: %s", what, code, stderr)
		}
		h := s.waitHealth(t, "after "+what, func(h health) bool { return h.Generation != before })
		if h.Issues != issues {
			t.Errorf("after %s: %d issues, want %d", what, h.Issues, issues)
		}
		t.Logf("%s in %.1f s: %s, %d issues, %d passages", what, time.Since(start).Seconds(), h.Generation, h.Issues, h.Passages)
		return h
	}
	time.Sleep(200 * time.Millisecond)
	step("add", 7, "add", "-corpus", corpus, "-index", index, newIssue)
	writeCopies(t, corpus, 54)
	step("a bulk index", 60, "index", "-corpus", corpus, "-index", index)
	last := step("remove", 59, "remove", "-corpus", corpus, "-index", index, "92")
	time.Sleep(200 * time.Millisecond)
	close(stop)
	wg.Wait()

	mu.Lock()
	t.Logf("%d requests from %d clients through add, index and remove", requests, clients)
	for i, f := range failures {
		if i < 10 {
			t.Error(f)
		}
	}
	if len(failures) > 0 {
		t.Errorf("%d of %d requests failed", len(failures), requests)
	}
	mu.Unlock()
	if last.Generation == first.Generation || s.total(t, "issue=92") != 0 || s.total(t, "issue=93") == 0 {
		t.Errorf("the server does not answer with the last generation: %+v", last)
	}

	// SIGTERM: it stops cleanly.
	if err := serve.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-exited:
		if err != nil {
			t.Errorf("serve after SIGTERM: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not stop within 30 s of SIGTERM")
	}
	out := stderr.String()
	if !strings.Contains(out, `"msg":"stopped"`) || strings.Contains(out, `"level":"ERROR"`) {
		t.Errorf("serve's log:\n%s", lastLines(out, 20))
	}
}

// lastLines is the last n lines of s.
func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSuffix(s, "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}

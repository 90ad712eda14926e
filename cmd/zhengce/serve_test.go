package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
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
	ctx, cancel := context.WithCancel(context.Background())
	s := &serving{stderr: &syncBuffer{}, cancel: cancel, done: make(chan int, 1)}
	var stdout syncBuffer
	go func() {
		s.done <- run(ctx, append([]string{"serve", "-addr", "127.0.0.1:0"}, args...), &stdout, s.stderr)
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
	if !strings.Contains(s.stderr.String(), "no index at "+index+": building it from "+corpus) {
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
	if !strings.Contains(s.stderr.String(), "zhengce serve: stopped") {
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

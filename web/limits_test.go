package web

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
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestCanonicalPath(t *testing.T) {
	for path, want := range map[string]bool{
		"/": true, "/issues": true, "/issues/": true, "/issues/89": true, topicPath: true, topicPath + "/feed.atom": true,
		"/topics/a%2Fb": true, "/topics/%25": true, "/topics/100%25%20done": true, "/static/style.css": true,
		"//": false, "/issues//89": false, "/./issues": false, "/issues/..": false, "/issues/%2e%2E": false,
		"/topics/..%2Fx": false, "/topics/a%2F..": false, "/topics/a%2F%2Fb": false, "/topics/%2Fa": false,
		"/topics/a%5Cb": false, "/topics/a%00": false, "/topics/a%0A": false, "/topics/%7F": false,
		"/topics/%C2%85": false, "/topics/%ff": false, "/topics/%c0%ae": false,
	} {
		u, err := url.ParseRequestURI(path)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if got := canonicalPath(u); got != want {
			t.Errorf("canonicalPath(%s) = %v, want %v", path, got, want)
		}
	}
}

func TestPageTimesSize(t *testing.T) {
	ts := newTestServer(t, Config{})
	for _, tc := range []struct {
		query string
		code  int
	}{
		{"page=1000", 200}, // 1000 × 10
		{"page=1001", 400},
		{"page=100&size=100", 200},
		{"page=101&size=100", 400},
		{"page=10000&size=1", 200},
		{"page=5001&size=2", 400},
	} {
		var body struct {
			Error string `json:"error"`
		}
		ts.getJSON(t, "/api/search?"+tc.query, tc.code, &body)
		if tc.code == 400 && !strings.HasPrefix(body.Error, "page: page × size must be at most 10000, not ") {
			t.Errorf("%s: error %q", tc.query, body.Error)
		}
	}
	// The feed's default size is 50.
	if r := ts.get(t, topicPath+"/feed.atom?page=201"); r.code != 400 || !strings.Contains(r.body, "201 × 50 = 10050") {
		t.Errorf("feed page 201 of 50: %d %.300s", r.code, r.body)
	}
	if r := ts.get(t, topicPath+"/feed.atom?page=200"); r.code != 200 {
		t.Errorf("feed page 200 of 50: %d", r.code)
	}
	// The pager links to no page beyond.
	r := ts.get(t, "/?size=1")
	for _, l := range hrefs(r.body, "page") {
		if v := mustQuery(t, l); len(v.Get("page")) > 5 {
			t.Errorf("page link %s", l)
		}
	}
}

// snapshot lists every file under dir with its size, mode and time, and
// where each link points.
func snapshot(t *testing.T, dirs ...string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, dir := range dirs {
		err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			info, err := os.Lstat(path)
			if err != nil {
				return err
			}
			s := fmt.Sprintf("%v %d %v", info.Mode(), info.Size(), info.ModTime().UnixNano())
			if info.Mode()&fs.ModeSymlink != 0 {
				target, _ := os.Readlink(path)
				s += " → " + target
			}
			out[path] = s
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// Nothing reachable over HTTP changes the index: every method but GET and
// HEAD is a 405 on every route, whatever it carries.
func TestReadOnly(t *testing.T) {
	ts := newTestServer(t, Config{})
	testSearcher(t)
	before := snapshot(t, fixtureDir)
	health := ts.get(t, "/healthz").body
	n := 0
	for _, route := range hostileRoutes {
		if route.name[0] != '/' {
			continue
		}
		for _, method := range []string{"POST", "PUT", "DELETE", "PATCH", "PROPFIND", "MKCOL", "COPY", "MOVE", "LOCK", "TRACE", "get"} {
			for _, body := range []string{"", `{"issue":"89","text":"x"}`, "q=x&running=89"} {
				req := httptest.NewRequest(method, route.path, strings.NewReader(body))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				rec := httptest.NewRecorder()
				ts.handler.ServeHTTP(rec, req)
				n++
				if rec.Code != http.StatusMethodNotAllowed || rec.Header().Get("Allow") != "GET, HEAD" {
					t.Errorf("%s %s: %d, Allow %q", method, route.path, rec.Code, rec.Header().Get("Allow"))
				}
			}
		}
	}
	if after := snapshot(t, fixtureDir); fmt.Sprint(after) != fmt.Sprint(before) {
		t.Errorf("the index changed:\nbefore %v\nafter  %v", before, after)
	}
	if h := ts.get(t, "/healthz").body; h != health {
		t.Errorf("/healthz changed: %s, then %s", health, h)
	}
	t.Logf("%d requests, all 405", n)
}

// wireServer serves ts over TCP with the server's own limits
// (NewHTTPServer), for what only a connection can send.
func wireServer(t *testing.T, h http.Handler) string {
	t.Helper()
	hs := httptest.NewUnstartedServer(h)
	hs.Config = NewHTTPServer(h, slog.New(slog.NewTextHandler(io.Discard, nil)))
	hs.Start()
	t.Cleanup(hs.Close)
	return strings.TrimPrefix(hs.URL, "http://")
}

// rawRequest sends req as it is on a new connection and reads the answer.
func rawRequest(t *testing.T, addr, req string) (*http.Response, string) {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(30 * time.Second))
	go io.WriteString(conn, req) // the server may answer before it has read all
	method, _, _ := strings.Cut(req, " ")
	resp, err := http.ReadResponse(bufio.NewReader(conn), &http.Request{Method: method})
	if err != nil {
		t.Fatalf("%.80q: %v", req, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, string(body)
}

// What a client can send only on a connection — raw bytes in the request
// line, huge or hostile headers, bodies — is a 2xx or a 4xx with no hostile
// markup; a header over MaxHeaderBytes is a 431.
func TestHostileOverTheWire(t *testing.T) {
	ts := newTestServer(t, Config{})
	addr := wireServer(t, ts.handler)
	big := strings.Repeat("a", 100<<10)
	get := func(target string, headers ...string) string {
		return "GET " + target + " HTTP/1.1\r\nHost: zhengce.test\r\n" + strings.Join(headers, "") + "Connection: close\r\n\r\n"
	}
	many := strings.Repeat("X-A: b\r\n", 2000)
	counts := tally{}
	for _, tc := range []struct {
		name, req string
		code      int // 0: any 2xx or 4xx
	}{
		{"header of 100 KB", get("/", "X-Big: "+big+"\r\n"), 431},
		{"cookie of 100 KB", get("/api/search", "Cookie: a="+big+"\r\n"), 431},
		{"query of 100 KB", get("/api/search?q=" + big), 431},
		{"query of 10 KB", get("/api/search?q=" + big[:10<<10]), 414},
		{"2000 headers", get("/healthz", many), 200},
		{"raw bytes not UTF-8", get("/topics/\xff\xfe"), 404},
		{"raw overlong dots", get("/static/\xc0\xae\xc0\xae/server.go"), 404},
		{"raw UTF-8 topic", get("/topics/" + topicName), 200},
		{"raw backslashes", get(`/static/..\..\server.go`), 404},
		{"raw script in the path", get("/topics/<script>alert(1)</script>"), 404},
		{"raw script in the query", get(`/?q=<script>alert(1)</script>&body="><svg/onload=alert(1)>`), 0},
		{"raw NUL", get("/\x00"), 400},
		{"raw CR in the path", get("/a\rb"), 400},
		{"encoded NUL", get("/issues/89%00"), 404},
		{"bad escape", get("/topics/%zz"), 400},
		{"dot segments", get("/issues/../../etc/passwd"), 404},
		{"hostile Host", "GET /topics HTTP/1.1\r\nHost: \"><svg onload=alert(1)>\r\nConnection: close\r\n\r\n", 400},
		{"two Hosts", "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\nConnection: close\r\n\r\n", 400},
		{"no Host", "GET /healthz HTTP/1.1\r\nConnection: close\r\n\r\n", 400},
		{"HTTP/1.0 without Host", "GET /healthz HTTP/1.0\r\n\r\n", 200},
		{"absolute URI", "GET http://evil.example/issues/89 HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n", 200},
		{"hostile headers", get("/", "Referer: <script>alert(1)</script>\r\nUser-Agent: \"><svg onload=alert(1)>\r\nAccept-Language: <img src=x>\r\nX-Forwarded-Host: evil.example\r\n"), 200},
		{"hostile If-None-Match", get("/static/site.js", "If-None-Match: \"<script>alert(1)</script>\"\r\n"), 200},
		{"GET with a body", "GET /api/search HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello", 413},
		{"GET with a chunked body", "GET / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n5\r\nhello\r\n0\r\n\r\n", 413},
		{"GET with a huge declared body", "GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000000\r\nConnection: close\r\n\r\n", 413},
		{"both lengths", "GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n0\r\n\r\n", 413}, // chunked wins
		{"POST with a body", "POST /api/search HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello", 405},
		{"OPTIONS *", "OPTIONS * HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 405},
		{"OPTIONS /", "OPTIONS / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 405},
		{"TRACE", "TRACE / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 405},
		{"CONNECT", "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\nConnection: close\r\n\r\n", 404},
		{"bad method", "G<E>T / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 400},
		{"HTTP/2 preface", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", 0},
	} {
		resp, body := rawRequest(t, addr, tc.req)
		counts.add(tc.name, resp.StatusCode)
		if tc.code != 0 && resp.StatusCode != tc.code || resp.StatusCode < 200 || resp.StatusCode >= 500 || (resp.StatusCode >= 300 && resp.StatusCode < 400) {
			t.Errorf("%s: %s, want %d\n%.300s", tc.name, resp.Status, tc.code, body)
		}
		lower := strings.ToLower(body)
		for _, m := range hostileMarkers {
			if strings.Contains(lower, m) {
				t.Errorf("%s: the answer holds %s", tc.name, m)
			}
		}
		if tc.name == "hostile headers" && strings.Contains(body, "evil.example") {
			t.Errorf("%s: the page uses X-Forwarded-Host", tc.name)
		}
	}
	// HEAD on every route: no body on the wire.
	for _, route := range hostileRoutes {
		resp, body := rawRequest(t, addr, "HEAD "+route.path+" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
		counts.add("HEAD "+route.name, resp.StatusCode)
		if resp.StatusCode >= 500 || body != "" {
			t.Errorf("HEAD %s: %s with %d bytes", route.path, resp.Status, len(body))
		}
	}
	t.Logf("answers:%s", counts)
}

// At most MaxSearches requests use the index at once; the next waits
// SearchWait for a slot, then is a 503 with Retry-After and a message that
// says why. /healthz and the static files take no slot.
func TestSearchCap(t *testing.T) {
	ts := newTestServer(t, Config{MaxSearches: 2, SearchWait: 50 * time.Millisecond})
	if cap(ts.slots.c) != 2 {
		t.Fatalf("%d slots", cap(ts.slots.c))
	}
	ts.slots.c <- struct{}{} // two searches running
	ts.slots.c <- struct{}{}
	for _, target := range []string{"/api/search?q=" + url.QueryEscape("产业工人"), "/", "/issues/89", topicPath + "/feed.atom", "/api/topics", "/issues"} {
		start := time.Now()
		r := ts.get(t, target)
		if r.code != http.StatusServiceUnavailable || r.header.Get("Retry-After") != "1" || !strings.Contains(r.body, "too many searches at once: 2 are running") {
			t.Errorf("%s with every slot taken: %d, Retry-After %q\n%.300s", target, r.code, r.header.Get("Retry-After"), r.body)
		}
		if d := time.Since(start); d < 50*time.Millisecond {
			t.Errorf("%s: answered 503 after %v, before the wait was over", target, d)
		}
		checkHostileAnswer(t, target, response{code: 400, header: r.header, body: r.body}) // the headers are there
	}
	if r := ts.get(t, "/api/search"); !strings.HasPrefix(r.header.Get("Content-Type"), "application/json") {
		t.Errorf("the API's 503 is not JSON: %s", r.header.Get("Content-Type"))
	}
	if r := ts.get(t, "/"); !strings.Contains(r.body, `data-status="503"`) || !strings.Contains(r.body, "服务暂不可用") {
		t.Errorf("the page's 503 does not say so:\n%.500s", r.body)
	}
	for _, target := range []string{"/healthz", "/static/style.css"} {
		if r := ts.get(t, target); r.code != 200 {
			t.Errorf("%s with every slot taken: %d", target, r.code)
		}
	}
	// A slot that comes free within the wait serves the request waiting.
	ts2 := newTestServer(t, Config{MaxSearches: 1, SearchWait: 10 * time.Second})
	ts2.slots.c <- struct{}{}
	go func() {
		time.Sleep(50 * time.Millisecond)
		<-ts2.slots.c
	}()
	if r := ts2.get(t, "/api/search"); r.code != 200 {
		t.Errorf("after a slot came free: %d", r.code)
	}
	// Released: both slots serve again, and every request gives its slot back.
	<-ts.slots.c
	<-ts.slots.c
	for range 5 {
		if r := ts.get(t, "/api/search?q="+url.QueryEscape("产业工人")); r.code != 200 {
			t.Errorf("with slots free: %d", r.code)
		}
	}
	if len(ts.slots.c) != 0 {
		t.Errorf("%d slots still taken", len(ts.slots.c))
	}

	// Many clients at once over one slot: each gets its answer or a 503.
	ts3 := newTestServer(t, Config{MaxSearches: 1, SearchWait: time.Millisecond})
	var wg sync.WaitGroup
	var mu sync.Mutex
	codes := map[int]int{}
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 5 {
				r := ts3.get(t, "/api/search?q="+url.QueryEscape("技能人才"))
				mu.Lock()
				codes[r.code]++
				mu.Unlock()
				if r.code == 503 && r.header.Get("Retry-After") == "" {
					t.Errorf("a 503 without Retry-After")
				}
			}
		}()
	}
	wg.Wait()
	if codes[200]+codes[503] != 80 || codes[200] == 0 {
		t.Errorf("16 clients over one slot: %v", codes)
	}
	t.Logf("16 clients × 5 searches over one slot: %v", codes)
}

// A request that uses the index longer than RequestTimeout is stopped and
// answered 503, and logged.
func TestRequestTimeout(t *testing.T) {
	var log syncLog
	srv := New(Config{RequestTimeout: time.Nanosecond, Logger: slog.New(slog.NewTextHandler(&log, nil))}, testSearcher(t))
	for _, target := range []string{"/api/search?q=" + url.QueryEscape("产业工人"), "/?q=" + url.QueryEscape("产业工人")} {
		rec := httptest.NewRecorder()
		srv.Handler().ServeHTTP(rec, httptest.NewRequest("GET", target, nil))
		if rec.Code != 503 || rec.Header().Get("Retry-After") != "1" || !strings.Contains(rec.Body.String(), "the search took longer than 1ns and was stopped") {
			t.Errorf("%s: %d\n%.300s", target, rec.Code, rec.Body.String())
		}
	}
	if !strings.Contains(log.String(), `msg="search timed out" method=GET path=/api/search query="q=产业工人" limit=1ns`) {
		t.Errorf("the timeout was not logged:\n%s", log.String())
	}
}

// Shutting down stops accepting at once, lets a request in flight finish
// and only then returns.
func TestServeFinishesRequestsInFlight(t *testing.T) {
	ts := newTestServer(t, Config{})
	entered, release := make(chan struct{}), make(chan struct{})
	var once sync.Once
	slow := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/api/search" {
			once.Do(func() { close(entered) })
			<-release
		}
		ts.handler.ServeHTTP(w, r)
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + ln.Addr().String()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var log syncLog
	served := make(chan error, 1)
	go func() { served <- Serve(ctx, ln, slow, slog.New(slog.NewTextHandler(&log, nil))) }()

	type answer struct {
		code int
		body string
		err  error
	}
	got := make(chan answer, 1)
	go func() {
		resp, err := http.Get(base + "/api/search?q=" + url.QueryEscape("产业工人"))
		if err != nil {
			got <- answer{err: err}
			return
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		got <- answer{resp.StatusCode, string(b), err}
	}()
	<-entered
	cancel() // SIGTERM
	// New connections are refused soon after.
	deadline := time.Now().Add(5 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", ln.Addr().String(), time.Second)
		if err != nil {
			break
		}
		c.Close()
		if time.Now().After(deadline) {
			t.Fatalf("the server still accepts connections 5 s after shutdown began")
		}
		time.Sleep(10 * time.Millisecond)
	}
	select {
	case err := <-served:
		t.Fatalf("Serve returned (%v) with a request in flight", err)
	case <-time.After(100 * time.Millisecond):
	}
	close(release)
	a := <-got
	if a.err != nil || a.code != 200 || !strings.Contains(a.body, `"hits"`) {
		t.Errorf("the request in flight: %d %v %.200s", a.code, a.err, a.body)
	}
	select {
	case err := <-served:
		if err != nil {
			t.Errorf("Serve: %v", err)
		}
	case <-time.After(ShutdownTimeout + 5*time.Second):
		t.Fatal("Serve did not return after its last request")
	}
	if !strings.Contains(log.String(), "shutting down: finishing the requests in flight") {
		t.Errorf("the shutdown was not logged:\n%s", log.String())
	}
}

// One log line per request, in either format; control characters and
// bytes that are not UTF-8 in the path or query are escaped, not written.
func TestAccessLog(t *testing.T) {
	testSearcher(t)
	for _, format := range []string{"text", "json"} {
		var buf syncLog
		var h slog.Handler = slog.NewTextHandler(&buf, nil)
		if format == "json" {
			h = slog.NewJSONHandler(&buf, nil)
		}
		srv := New(Config{Logger: slog.New(h), LogRequests: true}, testSearcher(t))
		targets := []string{
			"/api/search?q=" + url.QueryEscape("产业工人") + "&size=2",
			"/?q=" + url.QueryEscape("x\r\nlevel=ERROR msg=forged\x00\xff"),
			"/topics/" + url.PathEscape("a\nb"),
			"/issues/999",
			"/api/search?q=" + url.QueryEscape(strings.Repeat("长", 3000)),
		}
		for _, target := range targets {
			srv.Handler().ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", target, nil))
		}
		req := httptest.NewRequest("POST", "/api/search", nil)
		srv.Handler().ServeHTTP(httptest.NewRecorder(), req)
		lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
		if len(lines) != len(targets)+1 {
			t.Fatalf("%s: %d lines for %d requests:\n%s", format, len(lines), len(targets)+1, buf.String())
		}
		for i, line := range lines {
			if len(line) > 3*maxLoggedBytes {
				t.Errorf("%s: line %d is %d bytes long", format, i, len(line))
			}
			if strings.Contains(line, "forged\x00") || strings.Contains(line, "\r") {
				t.Errorf("%s: a control character is written as it is: %q", format, line)
			}
		}
		if format == "text" {
			want := `level=INFO msg=request method=GET path=/api/search query="q=产业工人&size=2" status=200 bytes=`
			if !strings.Contains(lines[0], want) || !strings.Contains(lines[0], " duration_ms=") {
				t.Errorf("text: %s\nwant %s", lines[0], want)
			}
			if !strings.Contains(lines[1], `query="q=x\r\nlevel=ERROR msg=forged\x00\xff" status=400`) {
				t.Errorf("text: %s", lines[1])
			}
			if !strings.Contains(lines[3], "path=/issues/999 status=404") || !strings.Contains(lines[5], "method=POST path=/api/search status=405 bytes=") {
				t.Errorf("text: %s\n%s", lines[3], lines[5])
			}
			t.Logf("text: %s", lines[0])
			continue
		}
		for i, line := range lines {
			var rec struct {
				Time       time.Time `json:"time"`
				Level, Msg string
				Method     string  `json:"method"`
				Path       string  `json:"path"`
				Query      string  `json:"query"`
				Status     int     `json:"status"`
				Bytes      int64   `json:"bytes"`
				Duration   float64 `json:"duration_ms"`
			}
			if err := json.Unmarshal([]byte(line), &rec); err != nil {
				t.Errorf("json: line %d is not JSON: %v\n%s", i, err, line)
				continue
			}
			if rec.Msg != "request" || rec.Level != "INFO" || rec.Method == "" || rec.Status == 0 || rec.Time.IsZero() || rec.Duration < 0 {
				t.Errorf("json: %s", line)
			}
			if i == 0 && (rec.Path != "/api/search" || rec.Query != "q=产业工人&size=2" || rec.Status != 200 || rec.Bytes == 0) {
				t.Errorf("json: %s", line)
			}
			if i == 2 && rec.Path != "/topics/a\nb" {
				t.Errorf("json: the path is %q", rec.Path)
			}
		}
		t.Logf("json: %s", lines[0])
	}
}

// The security headers, on every kind of answer.
func TestSecurityHeaders(t *testing.T) {
	ts := newTestServer(t, Config{})
	for _, target := range []string{"/", "/api/search", "/static/site.js", topicPath + "/feed.atom", "/nothing", "/issues/../x"} {
		r := ts.get(t, target)
		h := r.header
		if h.Get("Content-Security-Policy") != ContentSecurityPolicy || h.Get("X-Content-Type-Options") != "nosniff" ||
			h.Get("Referrer-Policy") != "same-origin" || h.Get("X-Frame-Options") != "DENY" {
			t.Errorf("%s: %v", target, h)
		}
	}
	if !strings.Contains(ContentSecurityPolicy, "default-src 'self'") || !strings.Contains(ContentSecurityPolicy, "frame-ancestors 'none'") ||
		strings.Contains(ContentSecurityPolicy, "unsafe-inline") {
		t.Errorf("CSP %q", ContentSecurityPolicy)
	}
	// No page has inline script, style or event handlers, which the policy
	// would block.
	for _, target := range []string{"/?q=" + url.QueryEscape("产业工人"), "/issues/89?q=" + url.QueryEscape("产业工人"), topicPath, "/topics", "/issues", "/nothing"} {
		body := ts.get(t, target).body
		for _, bad := range []string{"<script>", "<style", " style=", " onclick=", " onload=", " onchange=", " onsubmit=", "javascript:"} {
			if strings.Contains(body, bad) {
				t.Errorf("%s holds %q, which the CSP blocks", target, bad)
			}
		}
		if !bytes.Contains([]byte(body), []byte(`<script src="/static/site.js?v=`)) {
			t.Errorf("%s does not load its script from /static/", target)
		}
	}
}

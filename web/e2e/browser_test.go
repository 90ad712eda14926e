package e2e

import (
	"bufio"
	"context"
	"errors"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// chromiumPackage is what to install when the browser test cannot find
// Chromium.
const chromiumPackage = "chromium"

// findChromium returns the Chromium to drive: $ZHENGCE_CHROMIUM if set
// (another Chromium or Chrome), else chromium on the PATH, else
// /usr/bin/chromium. Without it the test fails rather than skips, so that a
// CI machine missing the package cannot pass it silently.
func findChromium(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("ZHENGCE_CHROMIUM"); p != "" {
		found, err := exec.LookPath(p)
		if err != nil {
			t.Fatalf("ZHENGCE_CHROMIUM=%s: %v", p, err)
		}
		return found
	}
	if p, err := exec.LookPath("chromium"); err == nil {
		return p
	}
	const debian = "/usr/bin/chromium"
	if fi, err := os.Stat(debian); err == nil && !fi.IsDir() {
		return debian
	}
	t.Fatalf("Chromium not found (no chromium on the PATH, no %s): install the Debian package %q "+
		"(apt-get install %s), or run go test -short to leave the browser test out", debian, chromiumPackage, chromiumPackage)
	return ""
}

// TestBrowser drives a headless Chromium through the site as a user does,
// against the built binary serving the shipped issue and the fixtures:
// search, narrow by an issuing body, open a hit in its issue, open a topic,
// and check the search page on a phone-sized screen.
func TestBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: the browser test builds the binary and drives Chromium")
	}
	chromium := findChromium(t)
	start := time.Now()
	dir := t.TempDir()
	bin := buildBinary(t, dir)
	t.Logf("built zhengce in %.1f s", time.Since(start).Seconds())

	// Everything after the build, Chromium included, within a minute.
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	corpus := copyCorpus(t, dir)
	base := startServer(ctx, t, bin, "-addr", "127.0.0.1:0", "-index", filepath.Join(dir, "index"), "-corpus", corpus)
	t.Logf("serving on %s after %.1f s", base, time.Since(start).Seconds())

	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx,
		chromedp.ExecPath(chromium),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	)
	defer cancelAlloc()
	browser, cancelBrowser := chromedp.NewContext(allocCtx)
	defer cancelBrowser()
	// Start the browser outside any one step's timeout.
	if err := chromedp.Do(browser); err != nil {
		t.Fatalf("starting %s: %v", chromium, err)
	}

	b := &page{t: t, ctx: browser}
	t.Run("search, facet, passage", func(t *testing.T) {
		b := b.with(t)
		b.run("open /", chromedp.Navigate(base+"/"), chromedp.WaitVisible(chromedp.ID("q")))

		// Type the query and submit it, as a user does.
		b.run("type the query",
			chromedp.SendKeys(chromedp.ID("q"), "技能人才评价"),
			chromedp.SendKeys(chromedp.ID("q"), kb.Enter))
		b.waitFor("the search to load", `new URL(location.href).searchParams.get("q") === "技能人才评价" && document.readyState === "complete" && !!document.querySelector("#hits .hit")`)
		marks := eval[int](b, "marks in the first hit", `document.querySelector("#hits .hit").querySelectorAll(".text mark").length`)
		if marks == 0 {
			t.Errorf("the first hit for 技能人才评价 has no <mark>")
		}
		totalBefore := b.total()

		// Tick 中共中央 under 发文机关; the page submits the form itself, or
		// the user presses 应用筛选.
		const box = `#facet-body input[type=checkbox][value="中共中央"]`
		b.run("tick 中共中央", chromedp.WaitVisible(chromedp.CSS(box)), chromedp.Click(chromedp.CSS(box)))
		if !b.poll(`new URL(location.href).searchParams.getAll("body").includes("中共中央")`, 3*time.Second) {
			t.Log("the facet did not submit itself: pressing 应用筛选")
			b.run("apply the filters", chromedp.Click(chromedp.ID("apply-filters")))
		}
		b.waitFor("the filtered search to load", `new URL(location.href).searchParams.getAll("body").includes("中共中央") && document.readyState === "complete" && !!document.querySelector("#result-count")`)
		totalAfter := b.total()
		t.Logf("技能人才评价: %d passages; with body=中共中央: %d", totalBefore, totalAfter)
		if totalAfter == 0 || totalAfter == totalBefore {
			t.Errorf("result count %d before ticking 中共中央, %d after: want fewer, and some", totalBefore, totalAfter)
		}
		q := eval[string](b, "the query", `new URL(location.href).searchParams.get("q")`)
		if q != "技能人才评价" {
			t.Errorf("the filtered search lost the query: q=%q", q)
		}
		checked := eval[bool](b, "the checkbox", `!!document.querySelector(`+jsString(box)+`).checked`)
		if !checked {
			t.Errorf("中共中央 is not ticked on the filtered page")
		}
		bodies := eval[[]string](b, "the hits' bodies", `[...document.querySelectorAll("#hits .hit")].map(h => (h.querySelector(".meta .bodies") || {}).textContent || "")`)
		if len(bodies) == 0 {
			t.Fatalf("no hits after ticking 中共中央")
		}
		for i, s := range bodies {
			if !strings.Contains(s, "中共中央") {
				t.Errorf("hit %d shows bodies %q, without 中共中央", i+1, s)
			}
		}

		// Follow the first hit to its passage in the issue.
		id := eval[string](b, "the first hit's ID", `document.querySelector("#hits .hit").dataset.id`)
		b.run("open the first hit", chromedp.Click(chromedp.CSS(`#hits .hit a.open`)))
		b.waitFor("the issue page", `location.pathname.startsWith("/issues/") && document.readyState === "complete"`)
		frag := eval[string](b, "the fragment", `decodeURIComponent(location.hash.slice(1))`)
		t.Logf("hit %s opens %s", id, eval[string](b, "the URL", `decodeURI(location.href)`))
		if frag != id {
			t.Errorf("the issue page's URL ends #%s, want the passage ID #%s", frag, id)
		}
		st := eval[struct{ Found, Marked, Visible bool }](b, "the passage", `(() => {
			const el = document.getElementById(decodeURIComponent(location.hash.slice(1)));
			if (!el) return {Found: false};
			const r = el.getBoundingClientRect();
			return {
				Found: true,
				Marked: el.matches(":target") || el.classList.contains("target"),
				Visible: r.width > 0 && r.height > 0 && r.bottom > 0 && r.top < window.innerHeight && getComputedStyle(el).visibility !== "hidden",
			};
		})()`)
		switch {
		case !st.Found:
			t.Errorf("the issue page has no element #%s", id)
		case !st.Marked:
			t.Errorf("passage #%s is neither :target nor .target", id)
		case !st.Visible:
			t.Errorf("passage #%s is not in view after following the link", id)
		}
	})

	t.Run("topic", func(t *testing.T) {
		b := b.with(t)
		const topic = "技能人才评价体系研究"
		link := `#topics li[data-topic="` + topic + `"] a.name`
		b.run("open /topics", chromedp.Navigate(base+"/topics"), chromedp.WaitVisible(chromedp.CSS(link)))
		b.run("open the topic", chromedp.Click(chromedp.CSS(link)))
		b.waitFor("the topic page", `location.pathname.startsWith("/topics/") && document.readyState === "complete" && !!document.querySelector("#topic")`)
		name := eval[string](b, "the topic's name", `document.querySelector("#topic").dataset.topic`)
		if name != topic {
			t.Errorf("the topic page is for %q, want %q", name, topic)
		}
		linked := eval[int](b, "linked passages", `document.querySelectorAll("#hits .hit.linked").length`)
		t.Logf("topic %s: %d linked passages listed", name, linked)
		if linked == 0 {
			t.Errorf("the topic page lists no linked passages (#hits .hit.linked)")
		}
	})

	t.Run("mobile", func(t *testing.T) {
		b := b.with(t)
		u := base + "/?" + url.Values{"q": {"技能人才评价"}}.Encode()
		b.run("open the search on a 375×800 screen",
			chromedp.EmulateViewport(375, 800, chromedp.EmulateScale(2), chromedp.EmulateMobile, chromedp.EmulateTouch),
			chromedp.Navigate(u), chromedp.WaitVisible(chromedp.CSS("#hits .hit")))
		type rect struct{ Left, Right, Top, Bottom, Width float64 }
		m := eval[struct {
			ScrollWidth, InnerWidth, InnerHeight float64
			Box, Hit                             rect
		}](b, "the layout", `(() => {
			const box = r => ({Left: r.left, Right: r.right, Top: r.top, Bottom: r.bottom, Width: r.width});
			return {
				ScrollWidth: document.documentElement.scrollWidth,
				InnerWidth: window.innerWidth,
				InnerHeight: window.innerHeight,
				Box: box(document.getElementById("q").getBoundingClientRect()),
				Hit: box(document.querySelector("#hits .hit").getBoundingClientRect()),
			};
		})()`)
		t.Logf("375×800: scrollWidth %.0f, innerWidth %.0f; query box %+v; first hit %+v", m.ScrollWidth, m.InnerWidth, m.Box, m.Hit)
		if m.ScrollWidth > m.InnerWidth {
			t.Errorf("the page scrolls sideways: scrollWidth %.0f > innerWidth %.0f", m.ScrollWidth, m.InnerWidth)
		}
		for _, e := range []struct {
			what string
			r    rect
		}{{"the query box", m.Box}, {"the first hit", m.Hit}} {
			if e.r.Width <= 0 || e.r.Left < 0 || e.r.Right > m.InnerWidth {
				t.Errorf("%s spans x %.0f–%.0f, outside the %.0f px screen", e.what, e.r.Left, e.r.Right, m.InnerWidth)
			}
			if e.r.Top < 0 || e.r.Top >= m.InnerHeight {
				t.Errorf("%s starts at y %.0f, not on the first screen (%.0f px)", e.what, e.r.Top, m.InnerHeight)
			}
		}
	})
	t.Logf("browser test took %.1f s", time.Since(start).Seconds())
}

// page drives one browser tab for one (sub)test.
type page struct {
	t   *testing.T
	ctx context.Context
}

func (p *page) with(t *testing.T) *page { return &page{t: t, ctx: p.ctx} }

// stepTimeout bounds one step; the whole test has its own deadline.
const stepTimeout = 15 * time.Second

// run runs actions as one step, failing the test with what and where the
// page was if they do not complete in time.
func (p *page) run(what string, actions ...chromedp.Action[chromedp.Void]) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, stepTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		p.t.Fatalf("%s: %v%s", what, err, p.where())
	}
}

// eval evaluates a JavaScript expression on p and returns its value.
func eval[T any](p *page, what, js string) T {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, stepTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js))
	if err != nil {
		p.t.Fatalf("%s: %v%s", what, err, p.where())
	}
	return v
}

// poll evaluates a JavaScript condition until it holds or d passes. Errors
// count as false: while the page navigates there is no document to ask.
func (p *page) poll(cond string, d time.Duration) bool {
	deadline := time.Now().Add(d)
	for {
		ctx, cancel := context.WithTimeout(p.ctx, time.Second)
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](cond))
		cancel()
		if err == nil && ok {
			return true
		}
		if time.Now().After(deadline) || p.ctx.Err() != nil {
			return false
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// waitFor fails the test unless cond holds within stepTimeout.
func (p *page) waitFor(what, cond string) {
	p.t.Helper()
	if !p.poll(cond, stepTimeout) {
		p.t.Fatalf("waiting for %s: %s did not hold within %s%s", what, cond, stepTimeout, p.where())
	}
}

// total is the result count the page shows (#result-count's data-total).
func (p *page) total() int {
	p.t.Helper()
	return eval[int](p, "the result count", `Number(document.querySelector("#result-count").dataset.total)`)
}

// where describes the page for a failure message: its URL and the start of
// its text.
func (p *page) where() string {
	ctx, cancel := context.WithTimeout(p.ctx, 2*time.Second)
	defer cancel()
	where, err := chromedp.Run(ctx, chromedp.Evaluate[string](`location.href + ":\n" + (document.body ? document.body.innerText.slice(0, 600) : "")`))
	if err != nil {
		return ""
	}
	return "\npage " + where
}

// jsString quotes s as a JavaScript string literal.
func jsString(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(s) + `"`
}

// buildBinary builds cmd/zhengce into dir. The go test that runs this has
// compiled most of it already, so the build is quick; a cold one gets more
// time than the browser steps.
func buildBinary(t testing.TB, dir string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	bin := filepath.Join(dir, "zhengce")
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, "zhengce/cmd/zhengce")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build zhengce/cmd/zhengce: %v\n%s", err, out)
	}
	return bin
}

// reListening finds the address in the server's "listening on http://…/".
var reListening = regexp.MustCompile(`listening on (http://[^\s/]+)`)

// startServer runs `bin serve args…`, waits until it says where it listens
// and answers /healthz, and returns its base URL. The server is stopped
// (interrupt, then kill) when the test ends; its output is logged if the
// test failed.
func startServer(ctx context.Context, t testing.TB, bin string, args ...string) string {
	t.Helper()
	return startServe(ctx, t, bin, serveOptions{}, args...).base
}

// serveOptions tune startServe for a large index or a long run.
type serveOptions struct {
	// listenWithin bounds the wait for "listening on" (serve opens and
	// warms the index first); 0: 30 s.
	listenWithin time.Duration
	// healthyWithin bounds the wait for /healthz after that; 0: 10 s.
	healthyWithin time.Duration
	// dropRequestLines keeps serve's one log line per request out of its
	// output (under load there are hundreds a second).
	dropRequestLines bool
}

// serveProc is a running `zhengce serve`.
type serveProc struct {
	base    string        // http://127.0.0.1:port
	cmd     *exec.Cmd     // cmd.Process.Pid is the server's
	started time.Time     // just before the process started
	healthy time.Duration // from started to the first /healthz answered 200
	// output returns what the server has written so far (stdout and
	// stderr, without the request lines if dropRequestLines).
	output func() string
	// stop interrupts the server and waits for it to exit, killing it
	// after 5 s; later calls do nothing. It also runs when the test ends.
	stop func()
}

// startServe runs `bin serve args…`, waits until it says where it listens
// and answers /healthz, and returns it. The server is stopped (interrupt,
// then kill) by stop or when the test ends; its output is logged if the test
// failed.
func startServe(ctx context.Context, t testing.TB, bin string, opt serveOptions, args ...string) *serveProc {
	t.Helper()
	if opt.listenWithin == 0 {
		opt.listenWithin = 30 * time.Second
	}
	if opt.healthyWithin == 0 {
		opt.healthyWithin = 10 * time.Second
	}
	cmd := exec.Command(bin, append([]string{"serve"}, args...)...)
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = w, w
	started := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting %s serve: %v", bin, err)
	}
	w.Close()

	var (
		mu     sync.Mutex
		output strings.Builder
	)
	addr := make(chan string, 1)
	scanned := make(chan struct{})
	go func() {
		defer close(scanned)
		sc := bufio.NewScanner(r)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			line := sc.Text()
			if opt.dropRequestLines && strings.Contains(line, " msg=request ") {
				continue
			}
			mu.Lock()
			output.WriteString(line + "\n")
			mu.Unlock()
			if m := reListening.FindStringSubmatch(line); m != nil {
				select {
				case addr <- m[1]:
				default:
				}
			}
		}
	}()
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	out := func() string { mu.Lock(); defer mu.Unlock(); return output.String() }

	var stopOnce sync.Once
	stop := func() {
		stopOnce.Do(func() {
			select {
			case err := <-exited:
				exited <- err
			default:
				cmd.Process.Signal(syscall.SIGINT)
				select {
				case <-exited:
				case <-time.After(5 * time.Second):
					cmd.Process.Kill()
					<-exited
				}
			}
			<-scanned
			r.Close()
		})
	}
	t.Cleanup(func() {
		stop()
		if t.Failed() {
			t.Logf("zhengce serve said:\n%s", out())
		}
	})

	var base string
	select {
	case base = <-addr:
	case err := <-exited:
		exited <- err // for stop
		t.Fatalf("zhengce serve exited before listening: %v\n%s", err, out())
	case <-time.After(opt.listenWithin):
		t.Fatalf("zhengce serve did not say where it listens within %v:\n%s", opt.listenWithin, out())
	case <-ctx.Done():
		t.Fatalf("zhengce serve: %v:\n%s", ctx.Err(), out())
	}

	client := &http.Client{Timeout: 2 * time.Second}
	deadline := time.Now().Add(opt.healthyWithin)
	for {
		resp, err := client.Get(base + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return &serveProc{base: base, cmd: cmd, started: started, healthy: time.Since(started), output: out, stop: stop}
			}
			err = errors.New(resp.Status)
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s/healthz: %v\n%s", base, err, out())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

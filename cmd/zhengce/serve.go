package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"sync"
	"syscall"
	"time"

	"zhengce/indexer"
	"zhengce/search"
	"zhengce/web"
)

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("serve", stderr)
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on, host:port (port 0 picks a free port)")
	index := fs.String("index", "data/index", "index to serve; built from -corpus first if there is none")
	corpus := fs.String("corpus", "corpus", "folder of issue files (*.txt, *.docx), to build a missing index from")
	data := fs.String("data", "", "folder of the data files: dict.txt, aliases.toml, areas.toml (default CORPUS/data)")
	baseURL := fs.String("base-url", "", "the site's public URL (https://host), for the feeds' links and entry IDs (default: each request's host)")
	watch := fs.Duration("watch", 2*time.Second, "how often to check whether the index changed on disk (0: only on SIGHUP)")
	maxSearches := fs.Int("max-searches", web.DefaultMaxSearches(), "how many requests may search the index at once; more wait "+web.DefaultSearchWait.String()+" for one to finish, then get a 503")
	logFormat := fs.String("log-format", "text", "log lines on stderr as text (key=value) or json")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "zhengce serve: unexpected argument %q\n", fs.Arg(0))
		return errUsage
	}
	if *baseURL != "" {
		u, err := url.Parse(*baseURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || (u.Path != "" && u.Path != "/") {
			fmt.Fprintf(stderr, "zhengce serve: -base-url %q is not an http(s)://host URL\n", *baseURL)
			return errUsage
		}
	}
	if *watch < 0 {
		fmt.Fprintf(stderr, "zhengce serve: -watch %v is negative\n", *watch)
		return errUsage
	}
	if *maxSearches < 1 {
		fmt.Fprintf(stderr, "zhengce serve: -max-searches %d: must be 1 or more\n", *maxSearches)
		return errUsage
	}
	log, err := newLogger(stderr, *logFormat)
	if err != nil {
		fmt.Fprintf(stderr, "zhengce serve: %v\n", err)
		return errUsage
	}
	if *data == "" {
		*data = filepath.Join(*corpus, "data")
	}

	// SIGHUP: look at the index now.
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		// After the first signal, a second one stops the process at once,
		// without waiting for the requests in flight.
		<-ctx.Done()
		stop()
	}()
	return serve(ctx, serveConfig{
		addr: *addr, index: *index, corpus: *corpus, data: *data, baseURL: *baseURL,
		watch: *watch, reload: hup, maxSearches: *maxSearches, log: log,
	})
}

// newLogger returns the logger serve writes to w: one line per record, as
// text (key=value) or JSON.
func newLogger(w io.Writer, format string) (*slog.Logger, error) {
	switch format {
	case "text":
		return slog.New(slog.NewTextHandler(w, nil)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, nil)), nil
	}
	return nil, fmt.Errorf("-log-format %q: must be text or json", format)
}

// serveConfig is what `zhengce serve` was asked for.
type serveConfig struct {
	addr, index, corpus, data, baseURL string
	// watch is how often to check the index's generation; 0: never.
	watch time.Duration
	// reload asks to reopen the index now (SIGHUP).
	reload <-chan os.Signal
	// maxSearches caps the requests searching at once (web.Config); 0:
	// the default.
	maxSearches int
	// log receives every line serve writes: startup, reloads, one per
	// request, errors.
	log *slog.Logger
}

// serve serves cfg.index until ctx is done, following the index: when its
// generation changes on disk (checked every cfg.watch) or on cfg.reload,
// it opens the new one and swaps it in; requests in flight finish on the
// old one, which is closed after them. Nothing it serves writes to the
// index or the corpus.
func serve(ctx context.Context, cfg serveConfig) error {
	log := cfg.log
	if log == nil {
		log = slog.Default()
	}
	if _, err := os.Stat(cfg.index); errors.Is(err, os.ErrNotExist) {
		log.Info("no index yet: building it from the corpus first", "index", cfg.index, "corpus", cfg.corpus)
		st, err := indexer.Build(cfg.corpus, cfg.data, cfg.index)
		if err != nil {
			return err
		}
		log.Info("indexed", "issues", st.Issues, "passages", st.Passages, "seconds", round2(st.Duration.Seconds()))
	}
	srv := web.New(web.Config{BaseURL: cfg.baseURL, Logger: log, LogRequests: true, MaxSearches: cfg.maxSearches}, nil)
	rl := &reloader{index: cfg.index, srv: srv, log: log}
	if err := rl.load(ctx); err != nil {
		return err
	}
	defer rl.close()

	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		return err
	}
	// Tests and scripts find the address in "listening on http://…/";
	// the attributes after it hold no slash.
	log.Info("listening on http://"+ln.Addr().String()+"/", "addr", ln.Addr().String())

	rctx, stopReloading := context.WithCancel(ctx)
	reloading := make(chan struct{})
	go func() {
		defer close(reloading)
		rl.follow(rctx, cfg.watch, cfg.reload)
	}()
	err = web.Serve(ctx, ln, srv.Handler(), log)
	stopReloading()
	<-reloading
	if err != nil {
		return err
	}
	rl.close()
	log.Info("stopped")
	return nil
}

func round2(f float64) float64 { return math.Round(f*100) / 100 }

// reloader keeps the server on the index's live generation. Only one
// goroutine at a time uses it: serve, then the follow goroutine, then
// serve's close.
type reloader struct {
	index string
	srv   *web.Server
	log   *slog.Logger

	served *indexer.Index // the generation the server answers with
	failed string         // the last generation that failed to open, logged once

	retiring sync.WaitGroup // closers of replaced generations, waiting for their requests
}

// follow checks the index every watch (if not 0) and on every reload
// until ctx is done.
func (rl *reloader) follow(ctx context.Context, watch time.Duration, reload <-chan os.Signal) {
	var tick <-chan time.Time
	if watch > 0 {
		t := time.NewTicker(watch)
		defer t.Stop()
		tick = t.C
	}
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick:
			rl.check(ctx, false)
		case <-reload:
			rl.check(ctx, true)
		}
	}
}

// check compares the index's live generation with the one served and
// loads it if it differs. forced (SIGHUP) reopens it even if not, and
// reports a failure again.
func (rl *reloader) check(ctx context.Context, forced bool) {
	live, err := indexer.LiveGeneration(rl.index)
	if err != nil {
		rl.failure("", forced, err)
		return
	}
	if live == rl.served.Generation && !forced {
		rl.failed = ""
		return
	}
	if err := rl.load(ctx); err != nil {
		rl.failure(live, forced, err)
	}
}

// failure reports that the index could not be loaded, once per
// generation unless forced; the server goes on with the one it has.
func (rl *reloader) failure(gen string, forced bool, err error) {
	key := gen
	if gen == "" {
		key = err.Error()
	}
	if key == rl.failed && !forced {
		return
	}
	rl.failed = key
	if gen == "" {
		gen = rl.index
	}
	rl.log.Error("cannot load the index: still serving the one before", "generation", gen, "serving", rl.served.Generation, "err", err)
}

// load opens the index's live generation and publishes it, and closes the
// one it replaces once that one's requests are done. On an error the
// server goes on with the generation it had.
func (rl *reloader) load(ctx context.Context) error {
	idx, err := indexer.Open(rl.index)
	if err != nil {
		return err
	}
	se, n, err := searcher(ctx, idx)
	if err != nil {
		idx.Close()
		return fmt.Errorf("%s: %w", idx.Generation, err)
	}
	prev := rl.served
	drained := rl.srv.Publish(web.Generation{Searcher: se, Name: idx.Generation, OpenedAt: time.Now()})
	rl.served = idx
	rl.failed = ""
	rl.log.Info("serving", "generation", idx.Generation, "passages", n)
	if prev != nil {
		rl.retire(prev, drained)
	}
	return nil
}

// searcher makes a Searcher over idx, reading the catalogue through it so
// that an index that cannot answer is refused before it is served; n is
// the number of passages.
func searcher(ctx context.Context, idx *indexer.Index) (se *search.Searcher, n int, err error) {
	aliases, err := idx.Aliases()
	if err != nil {
		return nil, 0, err
	}
	se = search.New(idx, aliases)
	// Read the per-passage columns before serving, so the first searches
	// on a new generation take the fast path.
	if err := se.Warm(ctx); err != nil {
		return nil, 0, err
	}
	issues, err := se.Issues(ctx)
	if err != nil {
		return nil, 0, err
	}
	for _, iss := range issues {
		n += iss.Passages
	}
	return se, n, nil
}

// retire closes idx once the requests that use it are done.
func (rl *reloader) retire(idx *indexer.Index, drained <-chan struct{}) {
	rl.retiring.Add(1)
	go func() {
		defer rl.retiring.Done()
		<-drained
		if err := idx.Close(); err != nil {
			rl.log.Error("closing a generation no longer served", "generation", idx.Generation, "err", err)
			return
		}
		rl.log.Info("closed", "generation", idx.Generation)
	}()
}

// close stops serving: it unpublishes the index, waits for the requests
// still using any generation, and closes them. web.Serve has returned, so
// no request waits but one that outlived its shutdown; for those it waits
// web.ShutdownTimeout at most and leaves the index open.
func (rl *reloader) close() {
	if rl.served == nil {
		return
	}
	rl.retire(rl.served, rl.srv.SetSearcher(nil))
	rl.served = nil
	done := make(chan struct{})
	go func() {
		rl.retiring.Wait()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(web.ShutdownTimeout):
		rl.log.Warn("requests still running at exit: their index is closed when they finish")
	}
}

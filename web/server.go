// Package web serves the search engine over HTTP: server-rendered pages in
// Chinese (search with facets, issues, research-direction topics and their
// Atom feeds) and a JSON API with the same data. It is the HTTP adapter of
// the engine: it parses requests into search.Requests, maps the engine's
// errors to statuses in one place (see status) and renders results.
//
// Routes (GET and HEAD; any other method is a 405):
//
//	/                              search page
//	/issues, /issues/{running}     all issues; one issue as the bulletin reads (?q= marks a query)
//	/topics, /topics/{direction}   all research directions; one, with its passages and facets
//	/topics/{direction}/feed.atom  the direction's Atom feed
//	/api/search                    the search as JSON
//	/api/issues, /api/issues/{running}, /api/topics, /api/topics/{direction}
//	/healthz                       {"status":"ok","generation":"index.g000007","passages":N,"issues":M,"opened_at":…}
//	/static/{file}                 the embedded stylesheet and script
//
// The search, topic and feed routes take the same parameters (ParseParams):
// q, body, area, direction, doc_type, kind, issue (repeatable), from, to
// (YYYY-MM-DD), sort (relevance|date), page (from 1), size (1–100). A bad
// one is a 400 naming it; an unknown path a 404 (JSON under /api/).
//
// Hooks for tests that drive the pages: form#search-form (GET) holding
// input#q, button#search-submit, the sidebar aside#facets with one
// fieldset#facet-{name} per facet whose checkboxes are name={param}
// value={value}, date inputs name=from and name=to, month links
// a[data-month], button#apply-filters; p#result-count[data-total]; each hit
// article.hit#hit-{passage id}[data-id][data-issue][data-kind][data-date]
// (.linked on a topic page) with a.open to its passage and
// p.citation#cite-{id} plus button.copy[data-copy]; ul#active-filters of
// a.chip[data-param][data-value]; .sort-option[data-sort] (.active, a
// strong, for the current one); nav#pager with a.page[data-page], a.prev,
// a.next; div#no-hits; p#error for a bad parameter; div#error-page
// [data-status]. An issue page has article#issue[data-issue], a
// section.part per part (#guide, #s1…, #directions) and a div.passage
// with id = the passage's ID for every passage (.match where ?q= matched,
// .heading for a sub-heading line, .target added by script for the URL's
// fragment besides CSS :target).
package web

import (
	"context"
	"errors"
	"html/template"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/gorilla/mux"

	"zhengce/search"
)

// Config holds the server's settings, as plain values.
type Config struct {
	// BaseURL is the absolute URL the site is reached at, scheme and host
	// (https://zhengce.example.edu.cn). The Atom feeds use it for their links
	// and for the authority of their entry IDs, so set it where the site has
	// a public name: the IDs then stay the same whoever asks. Empty: each
	// request's own scheme and Host.
	BaseURL string
	// Logger receives internal errors (with the request) and panics. Nil:
	// slog.Default().
	Logger *slog.Logger
}

// Server serves one generation of the index at a time; Publish swaps it
// while serving.
type Server struct {
	cfg     Config
	log     *slog.Logger
	current atomic.Pointer[generation] // nil: no index
	pages   map[string]*template.Template
	static  map[string]staticFile
	handler http.Handler
}

// Generation is what the server answers with: a searcher, and which
// generation of the index it searches, for /healthz.
type Generation struct {
	Searcher *search.Searcher
	// Name is the index generation's name (index.g000007, see
	// indexer.LiveGeneration); "" if unknown.
	Name string
	// OpenedAt is when the index was opened; zero if unknown.
	OpenedAt time.Time
}

// New returns a server over s; s may be nil, and a generation published
// later (Publish).
func New(cfg Config, s *search.Searcher) *Server {
	cfg.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	srv := &Server{cfg: cfg, log: cfg.Logger}
	if srv.log == nil {
		srv.log = slog.Default()
	}
	srv.SetSearcher(s)
	srv.pages = parseTemplates()
	srv.static = loadStatic()
	srv.handler = securityHeaders(srv.recoverPanics(srv.routes()))
	return srv
}

// Publish makes the server answer with g from the next request on (with
// none, every request a 503, if g.Searcher is nil). A request in progress
// keeps the generation it started with to its end.
//
// Publish returns a channel that is closed once no request uses the
// generation it replaced any more, and none ever will: only then may the
// caller close that generation's index. It is closed already if there was
// none or no request was using it.
func (s *Server) Publish(g Generation) (drained <-chan struct{}) {
	var next *generation
	if g.Searcher != nil {
		next = &generation{Generation: g, drained: make(chan struct{})}
	}
	// The new generation is visible before the old is retired, so that a
	// request that finds the old one retired finds the new one on its retry.
	prev := s.current.Swap(next)
	if prev == nil {
		return closed
	}
	prev.retire()
	return prev.drained
}

// SetSearcher publishes se as a generation without a name (Publish).
func (s *Server) SetSearcher(se *search.Searcher) (drained <-chan struct{}) {
	return s.Publish(Generation{Searcher: se})
}

var closed = func() chan struct{} { c := make(chan struct{}); close(c); return c }()

// generation is a published Generation and the requests using it.
//
// refs counts the requests that hold it, and a high bit (retired) says it has
// been retired (replaced): from then on no request may acquire it, and the
// request that brings the count to zero, or retire if none holds it,
// closes drained. Both live in one word so that acquiring (checking the
// bit and counting in) is one compare-and-swap: a request cannot count
// itself in after the generation was found drained.
type generation struct {
	Generation
	refs    atomic.Int64
	drained chan struct{}
}

const retired = int64(1) << 62

// acquire counts a request in; false if the generation is retired.
func (g *generation) acquire() bool {
	for {
		n := g.refs.Load()
		if n&retired != 0 {
			return false
		}
		if g.refs.CompareAndSwap(n, n+1) {
			return true
		}
	}
}

// release counts a request out.
func (g *generation) release() {
	if g.refs.Add(-1) == retired {
		close(g.drained)
	}
}

// retire marks the generation replaced. Only Publish calls it, once per
// generation: the one that swapped it out.
func (g *generation) retire() {
	if g.refs.Or(retired) == 0 {
		close(g.drained)
	}
}

// Handler returns the server's router (a gorilla/mux router), wrapped so
// that every answer, a 404 or 405 too, carries the security headers and a
// panic is a logged 500.
func (s *Server) Handler() http.Handler { return s.handler }

// routes lists every URL the site answers. Paths are matched in their
// percent-encoded form, so that a research direction's name, which may hold
// any character, is one path segment however it is written; handlers decode
// it (pathVar).
func (s *Server) routes() *mux.Router {
	r := mux.NewRouter().UseEncodedPath().StrictSlash(true)
	get := func(path string, h handler) {
		r.Handle(path, s.handle(h)).Methods(http.MethodGet, http.MethodHead)
	}
	get("/", s.handleSearchPage)
	get("/issues", s.handleIssuesPage)
	get("/issues/{running:[0-9]+}", s.handleIssuePage)
	get("/topics", s.handleTopicsPage)
	get("/topics/{direction}", s.handleTopicPage)
	get("/topics/{direction}/feed.atom", s.handleTopicFeed)
	// The assets need no index.
	r.HandleFunc("/static/{file}", s.handleStatic).Methods(http.MethodGet, http.MethodHead)

	get("/api/search", s.handleAPISearch)
	get("/api/issues", s.handleAPIIssues)
	get("/api/issues/{running:[0-9]+}", s.handleAPIIssue)
	get("/api/topics", s.handleAPITopics)
	get("/api/topics/{direction}", s.handleAPITopic)
	r.Handle("/healthz", s.handleGen(s.handleHealth)).Methods(http.MethodGet, http.MethodHead)

	r.NotFoundHandler = http.HandlerFunc(s.handleNotFound)
	r.MethodNotAllowedHandler = http.HandlerFunc(s.handleMethodNotAllowed)
	return r
}

// handler answers a request with se, the searcher it works with from start
// to end. It returns an error instead of answering with one, and only
// before it has written anything.
type handler func(w http.ResponseWriter, r *http.Request, se *search.Searcher) error

// handle adapts h to net/http (handleGen).
func (s *Server) handle(h handler) http.HandlerFunc {
	return s.handleGen(func(w http.ResponseWriter, r *http.Request, g *Generation) error {
		return h(w, r, g.Searcher)
	})
}

// genHandler is a handler that needs to know which generation it answers
// with.
type genHandler func(w http.ResponseWriter, r *http.Request, g *Generation) error

// handleGen adapts h to net/http: the one place a handler's generation is
// acquired, held until the handler returns, and its error answered
// (writeError, which maps it with status).
func (s *Server) handleGen(h genHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		g, err := s.acquire()
		if err == nil {
			defer g.release()
			err = h(w, r, &g.Generation)
		}
		if err != nil {
			s.writeError(w, r, err)
		}
	}
}

// acquire returns the generation the server answers with now, counted in
// until its release. A generation retired between loading it and counting
// in has been replaced already, so loading again finds its successor.
func (s *Server) acquire() (*generation, error) {
	for {
		g := s.current.Load()
		if g == nil {
			return nil, errNoSearcher
		}
		if g.acquire() {
			return g, nil
		}
	}
}

var errNoSearcher = errors.New("no index is loaded")

// securityHeaders keeps browsers from guessing content types and pages from
// loading anything but their own scripts and styles.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Content-Security-Policy", "default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'self'")
		h.Set("Referrer-Policy", "same-origin")
		next.ServeHTTP(w, r)
	})
}

// recoverPanics turns a panic in a handler into a logged 500.
func (s *Server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.Error("panic", "method", r.Method, "url", r.URL.String(), "panic", v)
				s.writeError(w, r, errPanic)
			}
		}()
		next.ServeHTTP(w, r)
	})
}

var errPanic = errors.New("handler panicked")

// Timeouts of the HTTP server: a slow client cannot hold a connection.
const (
	ReadHeaderTimeout = 5 * time.Second
	ReadTimeout       = 10 * time.Second
	WriteTimeout      = 30 * time.Second
	IdleTimeout       = 2 * time.Minute
	ShutdownTimeout   = 10 * time.Second
)

// NewHTTPServer returns an http.Server for h with every timeout set.
func NewHTTPServer(h http.Handler, log *slog.Logger) *http.Server {
	if log == nil {
		log = slog.Default()
	}
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: ReadHeaderTimeout,
		ReadTimeout:       ReadTimeout,
		WriteTimeout:      WriteTimeout,
		IdleTimeout:       IdleTimeout,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
}

// Serve serves h on ln until ctx is done, then shuts down gracefully: it
// stops accepting and gives requests in flight up to ShutdownTimeout to
// finish. It returns nil after a clean shutdown.
func Serve(ctx context.Context, ln net.Listener, h http.Handler, log *slog.Logger) error {
	srv := NewHTTPServer(h, log)
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), ShutdownTimeout)
	defer cancel()
	err := srv.Shutdown(sctx)
	if serr := <-done; serr != nil && !errors.Is(serr, http.ErrServerClosed) && err == nil {
		err = serr
	}
	return err
}

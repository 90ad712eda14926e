// Package web serves the search engine over HTTP: server-rendered pages in
// Chinese (search with facets, issues, research-direction topics and their
// Atom feeds) and a JSON API with the same data. It is the HTTP adapter of
// the engine: it parses requests into search.Requests, maps the engine's
// errors to statuses in one place (see status) and renders results.
//
// Routes (GET and HEAD; any other method is a 405, and nothing the server
// answers changes the index or the corpus):
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
// Limits (limits.go): a path the site never links to (.., //, encoded
// dots or slashes around them, backslashes, control characters, bytes
// that are not UTF-8) is a 404, never redirected or resolved; an address
// longer than MaxURLBytes a 414; a body on a GET a 413; page × size beyond
// MaxResults a 400. At most Config.MaxSearches requests use the index at
// once; one that finds none free for Config.SearchWait is a 503 with
// Retry-After, as is one that runs longer than Config.RequestTimeout.
// Every answer carries the security headers (securityHeaders).
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
	"fmt"
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
	// LogRequests logs one line per request to Logger, at level Info:
	// method, path, query, status, bytes, duration (accessLog).
	LogRequests bool
	// MaxSearches caps the requests that use the index at once (every
	// route but /healthz and /static/); more wait up to SearchWait for one
	// to finish, then are answered 503. 0: DefaultMaxSearches(); negative:
	// no cap.
	MaxSearches int
	// SearchWait is how long a request waits for a search slot; 0:
	// DefaultSearchWait.
	SearchWait time.Duration
	// RequestTimeout bounds the time a request may use the index; a search
	// still running then is stopped and answered 503. 0:
	// DefaultRequestTimeout.
	RequestTimeout time.Duration
}

// Server serves one generation of the index at a time; Publish swaps it
// while serving.
type Server struct {
	cfg     Config
	log     *slog.Logger
	current atomic.Pointer[generation] // nil: no index
	pages   map[string]*template.Template
	static  map[string]staticFile
	slots   *searchSlots // nil: no cap
	timeout time.Duration
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
	srv.slots = newSearchSlots(cfg.MaxSearches, cfg.SearchWait)
	srv.timeout = cfg.RequestTimeout
	if srv.timeout <= 0 {
		srv.timeout = DefaultRequestTimeout
	}
	srv.SetSearcher(s)
	srv.pages = parseTemplates()
	srv.static = loadStatic()
	srv.handler = securityHeaders(srv.recoverPanics(srv.guard(srv.routes())))
	if cfg.LogRequests {
		srv.handler = srv.accessLog(srv.handler)
	}
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
// that every answer, a 404 or 405 too, carries the security headers, a
// panic is a logged 500, paths and sizes are checked (guard) and, with
// Config.LogRequests, every request is logged.
func (s *Server) Handler() http.Handler { return s.handler }

// routes lists every URL the site answers. Paths are matched in their
// percent-encoded form, so that a research direction's name, which may hold
// any character, is one path segment however it is written; handlers decode
// it (pathVar). The router does not clean paths (and redirect to the
// cleaned one): guard answers a path with dot segments 404. A trailing
// slash is redirected away (/issues/ → /issues).
func (s *Server) routes() *mux.Router {
	r := mux.NewRouter().UseEncodedPath().StrictSlash(true).SkipClean(true)
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
	// The health check is cheap (the catalogue is cached) and must answer
	// while searches are queueing: it takes no search slot.
	r.Handle("/healthz", s.adapt(s.handleHealth, false)).Methods(http.MethodGet, http.MethodHead)

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

// handleGen adapts h to net/http with a search slot (adapt).
func (s *Server) handleGen(h genHandler) http.HandlerFunc { return s.adapt(h, true) }

// adapt adapts h to net/http: the one place a handler takes a search slot
// (if limited), gets a deadline (Config.RequestTimeout), and acquires its
// generation, held until the handler returns; and where its error is
// answered (writeError, which maps it with status). The slot comes first,
// so that a request waiting for one holds no generation.
func (s *Server) adapt(h genHandler, limited bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := s.serveGen(w, r, h, limited); err != nil {
			s.writeError(w, r, err)
		}
	}
}

func (s *Server) serveGen(w http.ResponseWriter, r *http.Request, h genHandler, limited bool) error {
	if limited {
		release, err := s.slots.acquire(r.Context())
		if err != nil {
			return err
		}
		defer release()
	}
	ctx, cancel := context.WithTimeout(r.Context(), s.timeout)
	defer cancel()
	g, err := s.acquire()
	if err != nil {
		return err
	}
	defer g.release()
	err = h(w, r.WithContext(ctx), &g.Generation)
	if err != nil && errors.Is(err, context.DeadlineExceeded) && errors.Is(ctx.Err(), context.DeadlineExceeded) && r.Context().Err() == nil {
		return &timeoutError{limit: s.timeout}
	}
	return err
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

// Security headers, on every answer the handler gives.
const (
	// ContentSecurityPolicy lets a page load only this site's own scripts,
	// styles and images, and none inline (the pages have none: the little
	// script there is is static/site.js); no plugins, no <base>, forms
	// that submit only here, and no framing by any site.
	ContentSecurityPolicy = "default-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
	// ReferrerPolicy: a link to another site does not tell it what was
	// searched (the query is in the URL).
	ReferrerPolicy = "same-origin"
)

// securityHeaders keeps browsers from guessing content types, pages from
// loading anything but their own scripts and styles or being framed, and
// searches from leaking to other sites through the Referer.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Content-Security-Policy", ContentSecurityPolicy)
		h.Set("X-Frame-Options", "DENY") // frame-ancestors, for browsers without CSP 2
		h.Set("Referrer-Policy", ReferrerPolicy)
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
				s.log.LogAttrs(r.Context(), slog.LevelError, "panic", append(requestAttrs(r), slog.Any("panic", v))...)
				s.writeError(w, r, errPanic)
			}
		}()
		next.ServeHTTP(w, r)
	})
}

var errPanic = errors.New("handler panicked")

// Timeouts of the HTTP server: a slow client cannot hold a connection.
// WriteTimeout is longer than DefaultRequestTimeout, so that a search cut
// short still gets its 503 out.
const (
	ReadHeaderTimeout = 5 * time.Second
	ReadTimeout       = 10 * time.Second
	WriteTimeout      = 30 * time.Second
	IdleTimeout       = 2 * time.Minute
	ShutdownTimeout   = 10 * time.Second
)

// NewHTTPServer returns an http.Server for h with every timeout and
// MaxHeaderBytes set. h answers every request, OPTIONS * too.
func NewHTTPServer(h http.Handler, log *slog.Logger) *http.Server {
	if log == nil {
		log = slog.Default()
	}
	return &http.Server{
		Handler:                      h,
		ReadHeaderTimeout:            ReadHeaderTimeout,
		ReadTimeout:                  ReadTimeout,
		WriteTimeout:                 WriteTimeout,
		IdleTimeout:                  IdleTimeout,
		MaxHeaderBytes:               MaxHeaderBytes,
		DisableGeneralOptionsHandler: true,
		ErrorLog:                     slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
}

// Serve serves h on ln until ctx is done, then shuts down gracefully: it
// stops accepting and gives requests in flight up to ShutdownTimeout to
// finish; those still running then are cut off. It returns nil after a
// clean shutdown.
func Serve(ctx context.Context, ln net.Listener, h http.Handler, log *slog.Logger) error {
	if log == nil {
		log = slog.Default()
	}
	srv := NewHTTPServer(h, log)
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down: finishing the requests in flight", "timeout", ShutdownTimeout.String())
	sctx, cancel := context.WithTimeout(context.Background(), ShutdownTimeout)
	defer cancel()
	err := srv.Shutdown(sctx)
	if err != nil {
		srv.Close()
		err = fmt.Errorf("requests still running %v after the shutdown began were cut off: %w", ShutdownTimeout, err)
	}
	if serr := <-done; serr != nil && !errors.Is(serr, http.ErrServerClosed) && err == nil {
		err = serr
	}
	return err
}

package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"runtime"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Limits on what one request may cost, besides those on the search
// parameters (ParseParams) and the HTTP server's timeouts (NewHTTPServer).
const (
	// MaxURLBytes caps a request's path and query together: longer is a 414.
	// A search with a long query and many filters fits in 2 KB.
	MaxURLBytes = 8 << 10
	// MaxHeaderBytes caps the request line and headers (net/http allows
	// 4 KB more); longer is a 431, answered by net/http.
	MaxHeaderBytes = 64 << 10
	// DefaultSearchWait is how long a request waits for a search slot
	// (Config.MaxSearches) before it is answered 503.
	DefaultSearchWait = 250 * time.Millisecond
	// DefaultRequestTimeout bounds the time a request may use the index:
	// a search still running then is stopped and answered 503.
	DefaultRequestTimeout = 20 * time.Second
	// retryAfter is the Retry-After of a 503, in seconds.
	retryAfter = "1"
)

// DefaultMaxSearches is how many requests may use the index at once unless
// Config.MaxSearches says otherwise: twice the CPUs Go may use (a search is
// mostly CPU, partly waiting on the index's files), and at least 4.
func DefaultMaxSearches() int { return max(4, 2*runtime.GOMAXPROCS(0)) }

// Errors of requests refused before they reach a handler, or cut short;
// status maps them to their HTTP status.
var (
	errURITooLong = fmt.Errorf("the address (path and query) is longer than %d bytes", MaxURLBytes)
	errBody       = errors.New("a GET or HEAD request takes no body")
)

// busyError says that every search slot was taken for the whole wait.
type busyError struct {
	running int
	waited  time.Duration
}

func (e *busyError) Error() string {
	return fmt.Sprintf("too many searches at once: %d are running and none finished within %v; try again in a second",
		e.running, e.waited)
}

// timeoutError says that a request used the index for too long.
type timeoutError struct{ limit time.Duration }

func (e *timeoutError) Error() string {
	return fmt.Sprintf("the search took longer than %v and was stopped; narrow it or try again", e.limit)
}

// searchSlots caps the requests that use the index at once. A nil one
// does not.
type searchSlots struct {
	c    chan struct{}
	wait time.Duration
}

func newSearchSlots(n int, wait time.Duration) *searchSlots {
	if n < 0 {
		return nil
	}
	if n == 0 {
		n = DefaultMaxSearches()
	}
	if wait <= 0 {
		wait = DefaultSearchWait
	}
	return &searchSlots{c: make(chan struct{}, n), wait: wait}
}

// acquire takes a slot, waiting for one up to the slots' wait; release
// gives it back. It fails with a *busyError if none came free, or with
// ctx's error if the request was abandoned.
func (s *searchSlots) acquire(ctx context.Context) (release func(), err error) {
	if s == nil {
		return func() {}, nil
	}
	select {
	case s.c <- struct{}{}:
		return s.release, nil
	default:
	}
	t := time.NewTimer(s.wait)
	defer t.Stop()
	select {
	case s.c <- struct{}{}:
		return s.release, nil
	case <-t.C:
		return nil, &busyError{running: cap(s.c), waited: s.wait}
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (s *searchSlots) release() { <-s.c }

// guard refuses, before routing, what no route answers: a path the site
// never links to (404), an address longer than MaxURLBytes (414), a body
// on a GET or HEAD (413); other methods' bodies are never read, and
// capped at nothing.
func (s *Server) guard(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.RequestURI == "*": // OPTIONS *: what the server allows
			s.handleMethodNotAllowed(w, r)
		case !canonicalPath(r.URL):
			s.handleNotFound(w, r)
		case len(r.URL.EscapedPath())+len(r.URL.RawQuery) > MaxURLBytes:
			s.writeError(w, r, errURITooLong)
		case (r.Method == http.MethodGet || r.Method == http.MethodHead) && r.ContentLength != 0:
			w.Header().Set("Connection", "close")
			s.writeError(w, r, errBody)
		default:
			if r.Body != nil && r.Body != http.NoBody {
				r.Body = http.MaxBytesReader(w, r.Body, 0)
			}
			next.ServeHTTP(w, r)
		}
	})
}

// canonicalPath says whether u's path is one the site could link to: it
// starts with /, and no segment is empty (//, but for a trailing slash,
// which the router redirects), . or .., holds a backslash, a control
// character or bytes that are not UTF-8, once percent-decoded, nor decodes
// to such parts around a /. Anything else is answered 404 as it is,
// never redirected to a cleaned path: the router does not clean paths.
func canonicalPath(u *url.URL) bool {
	p := u.EscapedPath()
	if !strings.HasPrefix(p, "/") {
		return false
	}
	segs := strings.Split(p[1:], "/")
	for i, seg := range segs {
		if seg == "" && i == len(segs)-1 {
			continue
		}
		v, err := url.PathUnescape(seg)
		if err != nil || !utf8.ValidString(v) {
			return false
		}
		if strings.ContainsFunc(v, func(c rune) bool { return c == '\\' || unicode.IsControl(c) }) {
			return false
		}
		for _, part := range strings.Split(v, "/") {
			if part == "" || part == "." || part == ".." {
				return false
			}
		}
	}
	return true
}

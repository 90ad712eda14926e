package web

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"

	"zhengce"
)

// status maps an error to its HTTP status and the message a client may see.
// It is the one place that does: the engine's *zhengce.Error codes say what
// went wrong (EINVALID: the request, 400; ENOTFOUND: 404); the limits
// (limits.go) have their own statuses (413, 414, 503); anything else is
// ours, logged here in full with the request and answered with a generic
// message.
func (s *Server) status(r *http.Request, err error) (int, string) {
	switch zhengce.ErrorCode(err) {
	case zhengce.EINVALID:
		return http.StatusBadRequest, err.Error()
	case zhengce.ENOTFOUND:
		return http.StatusNotFound, err.Error()
	}
	var busy *busyError
	var timeout *timeoutError
	switch {
	case errors.Is(err, errURITooLong):
		return http.StatusRequestURITooLong, err.Error()
	case errors.Is(err, errBody):
		return http.StatusRequestEntityTooLarge, err.Error()
	case errors.As(err, &busy):
		return http.StatusServiceUnavailable, err.Error()
	case errors.As(err, &timeout):
		s.log.LogAttrs(r.Context(), slog.LevelWarn, "search timed out", append(requestAttrs(r), slog.Duration("limit", timeout.limit))...)
		return http.StatusServiceUnavailable, err.Error()
	case errors.Is(err, errNoSearcher):
		return http.StatusServiceUnavailable, err.Error()
	case errors.Is(err, context.Canceled) && r.Context().Err() != nil:
		// The client went away; nobody reads the answer.
		s.log.LogAttrs(r.Context(), slog.LevelDebug, "request canceled", requestAttrs(r)...)
		return http.StatusServiceUnavailable, "request canceled"
	}
	s.log.LogAttrs(r.Context(), slog.LevelError, "internal error", append(requestAttrs(r), slog.Any("err", err))...)
	return http.StatusInternalServerError, "internal error"
}

// writeError answers a request with err: JSON {"error": …} for the API, an
// HTML page otherwise.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	code, msg := s.status(r, err)
	if code == http.StatusServiceUnavailable {
		w.Header().Set("Retry-After", retryAfter)
	}
	if wantsJSON(r) {
		s.writeJSON(w, r, code, errorBody{Error: msg})
		return
	}
	s.renderError(w, r, code, msg)
}

type errorBody struct {
	Error string `json:"error"`
}

// wantsJSON says whether r is for the JSON API (or the health check), whose
// errors are JSON too.
func wantsJSON(r *http.Request) bool {
	p := r.URL.Path
	return p == "/api" || strings.HasPrefix(p, "/api/") || p == "/healthz"
}

func (s *Server) handleNotFound(w http.ResponseWriter, r *http.Request) {
	s.writeError(w, r, zhengce.Errorf(zhengce.ENOTFOUND, "no page at %s", r.URL.EscapedPath()))
}

func (s *Server) handleMethodNotAllowed(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Allow", "GET, HEAD")
	msg := "method " + r.Method + " is not allowed: use GET"
	if wantsJSON(r) {
		s.writeJSON(w, r, http.StatusMethodNotAllowed, errorBody{Error: msg})
		return
	}
	s.renderError(w, r, http.StatusMethodNotAllowed, msg)
}

// invalid is a 400 naming the parameter at fault.
func invalid(param, format string, args ...any) error {
	e := zhengce.Errorf(zhengce.EINVALID, format, args...)
	e.Message = param + ": " + e.Message
	return e
}

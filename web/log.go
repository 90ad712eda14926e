package web

import (
	"log/slog"
	"net/http"
	"net/url"
	"time"
	"unicode/utf8"
)

// maxLoggedBytes caps the path and the query a log line quotes (the
// address itself may be MaxURLBytes long).
const maxLoggedBytes = 1024

// accessLog logs one line per request, at level Info, when it is answered:
//
//	time=… level=INFO msg=request method=GET path=/api/search query="q=产业工人&size=2" status=200 bytes=5321 duration_ms=3.105
//
// path and query are decoded, for people to read (q=产业工人, not
// q=%E4%BA%A7…), and cut to maxLoggedBytes; the handler quotes or escapes
// control characters and bytes that are not UTF-8, so a request cannot
// forge a log line.
func (s *Server) accessLog(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		lw := &loggingWriter{ResponseWriter: w}
		defer func() {
			status := lw.status
			if status == 0 {
				status = http.StatusOK
			}
			attrs := append(requestAttrs(r),
				slog.Int("status", status),
				slog.Int64("bytes", lw.bytes),
				slog.Float64("duration_ms", float64(time.Since(start).Microseconds())/1000),
			)
			s.log.LogAttrs(r.Context(), slog.LevelInfo, "request", attrs...)
		}()
		next.ServeHTTP(lw, r)
	})
}

// requestAttrs names a request in a log line: method, path and query,
// decoded and cut to maxLoggedBytes.
func requestAttrs(r *http.Request) []slog.Attr {
	query := r.URL.RawQuery
	if q, err := url.QueryUnescape(query); err == nil {
		query = q
	}
	attrs := []slog.Attr{slog.String("method", r.Method), slog.String("path", cut(r.URL.Path))}
	if query != "" {
		attrs = append(attrs, slog.String("query", cut(query)))
	}
	return attrs
}

// cut cuts s to maxLoggedBytes, on a character boundary, marking the cut.
func cut(s string) string {
	if len(s) <= maxLoggedBytes {
		return s
	}
	n := maxLoggedBytes
	for n > maxLoggedBytes-utf8.UTFMax && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

// loggingWriter records the status and the size of an answer.
type loggingWriter struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (w *loggingWriter) WriteHeader(code int) {
	if w.status == 0 && code >= 200 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *loggingWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach the connection's writer.
func (w *loggingWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

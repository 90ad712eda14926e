package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"path"
	"strings"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// pageFiles are the pages; each is parsed with the shared layout and the
// result partials into a template set of its own.
var pageFiles = []string{"search.html", "topic.html", "topics.html", "issues.html", "issue.html", "error.html"}

func parseTemplates() map[string]*template.Template {
	pages := make(map[string]*template.Template, len(pageFiles))
	for _, f := range pageFiles {
		pages[f] = template.Must(template.New(f).ParseFS(templateFS,
			"templates/layout.html", "templates/results.html", "templates/"+f))
	}
	return pages
}

// layout is what every page's frame shows.
type layout struct {
	Title     string
	Nav       string // search, issues or topics: the current section of the site
	CSS, JS   string
	FeedURL   string // an Atom feed the page offers, if any
	FeedTitle string
}

func (s *Server) layout(title, nav string) layout {
	return layout{Title: title, Nav: nav, CSS: s.staticURL("style.css"), JS: s.staticURL("site.js")}
}

// render executes a page into a buffer first, so that a template error is a
// clean 500 rather than half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, code int, page string, data any) {
	var buf bytes.Buffer
	if err := s.pages[page].ExecuteTemplate(&buf, "layout", data); err != nil {
		s.log.LogAttrs(r.Context(), slog.LevelError, "rendering page", append(requestAttrs(r), slog.String("page", page), slog.Any("err", err))...)
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusInternalServerError)
		w.Write([]byte("服务器内部错误 (internal error)\n"))
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(code)
	w.Write(buf.Bytes())
}

type errorPage struct {
	layout
	Code    int
	Heading string
	Message string
}

var errorHeadings = map[int]string{
	http.StatusBadRequest:            "参数有误",
	http.StatusNotFound:              "未找到",
	http.StatusMethodNotAllowed:      "不支持这种请求方法",
	http.StatusRequestEntityTooLarge: "请求不能带正文",
	http.StatusRequestURITooLong:     "网址太长",
	http.StatusServiceUnavailable:    "服务暂不可用",
	http.StatusInternalServerError:   "服务器内部错误",
}

func (s *Server) renderError(w http.ResponseWriter, r *http.Request, code int, msg string) {
	heading := errorHeadings[code]
	if heading == "" {
		heading = http.StatusText(code)
	}
	s.render(w, r, code, "error.html", errorPage{layout: s.layout(heading, ""), Code: code, Heading: heading, Message: msg})
}

// staticFile is an embedded asset and the version its URL carries, so that
// it can be cached for long and still change with the program.
type staticFile struct {
	body    []byte
	version string
	ctype   string
}

func loadStatic() map[string]staticFile {
	out := map[string]staticFile{}
	entries, err := fs.ReadDir(staticFS, "static")
	if err != nil {
		panic(err)
	}
	for _, e := range entries {
		b, err := staticFS.ReadFile("static/" + e.Name())
		if err != nil {
			panic(err)
		}
		sum := sha256.Sum256(b)
		ctype := "application/octet-stream"
		switch path.Ext(e.Name()) {
		case ".css":
			ctype = "text/css; charset=utf-8"
		case ".js":
			ctype = "text/javascript; charset=utf-8"
		}
		out[e.Name()] = staticFile{body: b, version: hex.EncodeToString(sum[:6]), ctype: ctype}
	}
	return out
}

func (s *Server) staticURL(name string) string {
	return "/static/" + name + "?v=" + s.static[name].version
}

func (s *Server) handleStatic(w http.ResponseWriter, r *http.Request) {
	name, err := pathVar(r, "file")
	f, ok := s.static[name]
	if err != nil || !ok || strings.HasPrefix(name, ".") {
		s.handleNotFound(w, r)
		return
	}
	h := w.Header()
	h.Set("Content-Type", f.ctype)
	if r.URL.Query().Get("v") == f.version {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		h.Set("Cache-Control", "no-cache")
	}
	h.Set("ETag", `"`+f.version+`"`)
	if match := r.Header.Get("If-None-Match"); match == `"`+f.version+`"` {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Write(f.body)
}

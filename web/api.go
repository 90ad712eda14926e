package web

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/gorilla/mux"

	"zhengce"
	"zhengce/search"
)

// The JSON API serves the engine's own JSON (search.Result, IssueSummary,
// Topic, zhengce.Passage) with links added: every hit and passage gets "url"
// (the passage in its issue's page) and "citation", every issue reference a
// "url", every topic "url" and "feed". Strings are HTML-escaped JSON (<
// as \u003c), so no response carries markup a browser could run.

type apiResult struct {
	*search.Result
	Hits []apiHit `json:"hits"`
}

type apiHit struct {
	search.Hit
	Issue    apiIssueRef `json:"issue"`
	URL      string      `json:"url"`
	Citation string      `json:"citation"`
}

type apiPassage struct {
	zhengce.Passage
	Issue    apiIssueRef `json:"issue"`
	URL      string      `json:"url"`
	Citation string      `json:"citation"`
}

type apiIssueRef struct {
	zhengce.IssueRef
	URL string `json:"url"`
}

type apiIssue struct {
	search.IssueSummary
	URL string `json:"url"`
}

type apiTopic struct {
	search.Topic
	Issues []apiIssueRef `json:"issues"`
	URL    string        `json:"url"`
	Feed   string        `json:"feed"`
}

type apiTopicResult struct {
	Topic apiTopic `json:"topic"`
	*apiResult
}

// catalogue is the index's list of issues, keyed by running number, for
// the publisher a citation names.
type catalogue map[int]*search.IssueSummary

func loadCatalogue(ctx context.Context, se *search.Searcher) (catalogue, error) {
	issues, err := se.Issues(ctx)
	if err != nil {
		return nil, err
	}
	c := make(catalogue, len(issues))
	for i := range issues {
		c[issues[i].Running] = &issues[i]
	}
	return c, nil
}

func (c catalogue) publisher(running int) string {
	if iss := c[running]; iss != nil {
		return iss.Publisher
	}
	return ""
}

func issueURL(running int) string { return "/issues/" + strconv.Itoa(running) }

// passageURL is a passage's place in its issue's page; with a query, the
// page marks the query's words there too.
func passageURL(p zhengce.Passage, query string) string {
	u := issueURL(p.Issue.Running)
	if query != "" {
		u += "?" + url.Values{ParamQuery: {query}}.Encode()
	}
	return u + "#" + url.PathEscape(p.ID)
}

func topicURL(name string) string { return "/topics/" + url.PathEscape(name) }
func feedURL(name string) string  { return topicURL(name) + "/feed.atom" }

func newAPIResult(res *search.Result, cat catalogue) *apiResult {
	out := &apiResult{Result: res, Hits: make([]apiHit, len(res.Hits))}
	for i, h := range res.Hits {
		out.Hits[i] = apiHit{
			Hit:      h,
			Issue:    apiIssueRef{IssueRef: h.Issue, URL: issueURL(h.Issue.Running)},
			URL:      passageURL(h.Passage, res.Query),
			Citation: search.Citation(h.Passage, cat.publisher(h.Issue.Running)),
		}
	}
	return out
}

func newAPITopic(t search.Topic) apiTopic {
	out := apiTopic{Topic: t, Issues: make([]apiIssueRef, len(t.Issues)), URL: topicURL(t.Name), Feed: feedURL(t.Name)}
	for i, ref := range t.Issues {
		out.Issues[i] = apiIssueRef{IssueRef: ref, URL: issueURL(ref.Running)}
	}
	return out
}

func (s *Server) handleAPISearch(w http.ResponseWriter, r *http.Request, se *search.Searcher) error {
	p, err := ParseParams(r.URL.Query())
	if err != nil {
		return err
	}
	res, cat, err := runSearch(r.Context(), se, p, "")
	if err != nil {
		return err
	}
	s.writeJSON(w, r, http.StatusOK, newAPIResult(res, cat))
	return nil
}

// runSearch runs the search p asks for, within topic if it is not "", and
// loads the catalogue the results are shown with.
func runSearch(ctx context.Context, se *search.Searcher, p Params, topic string) (*search.Result, catalogue, error) {
	req := p.Request()
	req.Topic = topic
	res, err := se.Search(ctx, req)
	if err != nil {
		return nil, nil, err
	}
	cat, err := loadCatalogue(ctx, se)
	if err != nil {
		return nil, nil, err
	}
	return res, cat, nil
}

func (s *Server) handleAPIIssues(w http.ResponseWriter, r *http.Request, se *search.Searcher) error {
	issues, err := se.Issues(r.Context())
	if err != nil {
		return err
	}
	out := struct {
		Issues []apiIssue `json:"issues"`
	}{make([]apiIssue, len(issues))}
	for i, iss := range issues {
		out.Issues[i] = apiIssue{IssueSummary: iss, URL: issueURL(iss.Running)}
	}
	s.writeJSON(w, r, http.StatusOK, out)
	return nil
}

func (s *Server) handleAPIIssue(w http.ResponseWriter, r *http.Request, se *search.Searcher) error {
	sum, passages, err := loadIssue(r, se)
	if err != nil {
		return err
	}
	out := struct {
		Issue    apiIssue     `json:"issue"`
		Passages []apiPassage `json:"passages"`
	}{apiIssue{IssueSummary: *sum, URL: issueURL(sum.Running)}, make([]apiPassage, len(passages))}
	for i, p := range passages {
		out.Passages[i] = apiPassage{
			Passage:  p,
			Issue:    apiIssueRef{IssueRef: p.Issue, URL: issueURL(p.Issue.Running)},
			URL:      passageURL(p, ""),
			Citation: search.Citation(p, sum.Publisher),
		}
	}
	s.writeJSON(w, r, http.StatusOK, out)
	return nil
}

func (s *Server) handleAPITopics(w http.ResponseWriter, r *http.Request, se *search.Searcher) error {
	topics, err := se.Topics(r.Context())
	if err != nil {
		return err
	}
	out := struct {
		Topics []apiTopic `json:"topics"`
	}{make([]apiTopic, len(topics))}
	for i, t := range topics {
		out.Topics[i] = newAPITopic(t)
	}
	s.writeJSON(w, r, http.StatusOK, out)
	return nil
}

func (s *Server) handleAPITopic(w http.ResponseWriter, r *http.Request, se *search.Searcher) error {
	// The parameters first: a bad one is a 400 even for an unknown topic.
	p, err := ParseParams(r.URL.Query())
	if err != nil {
		return err
	}
	topic, err := loadTopic(r, se)
	if err != nil {
		return err
	}
	res, cat, err := runSearch(r.Context(), se, p, topic.Name)
	if err != nil {
		return err
	}
	s.writeJSON(w, r, http.StatusOK, apiTopicResult{Topic: newAPITopic(*topic), apiResult: newAPIResult(res, cat)})
	return nil
}

// handleHealth answers the generation of the index served and what it holds.
func (s *Server) handleHealth(w http.ResponseWriter, r *http.Request, g *Generation) error {
	issues, err := g.Searcher.Issues(r.Context())
	if err != nil {
		return err
	}
	out := struct {
		Status     string    `json:"status"`
		Generation string    `json:"generation"`
		Passages   int       `json:"passages"`
		Issues     int       `json:"issues"`
		OpenedAt   time.Time `json:"opened_at,omitzero"`
	}{Status: "ok", Generation: g.Name, Issues: len(issues), OpenedAt: g.OpenedAt}
	for _, iss := range issues {
		out.Passages += iss.Passages
	}
	s.writeJSON(w, r, http.StatusOK, out)
	return nil
}

// loadIssue loads the issue whose running number r's path holds.
func loadIssue(r *http.Request, se *search.Searcher) (*search.IssueSummary, []zhengce.Passage, error) {
	running, err := runningVar(r)
	if err != nil {
		return nil, nil, err
	}
	return se.Issue(r.Context(), running)
}

// loadTopic loads the research direction r's path names.
func loadTopic(r *http.Request, se *search.Searcher) (*search.Topic, error) {
	name, err := pathVar(r, "direction")
	if err != nil {
		return nil, err
	}
	return se.Topic(r.Context(), name)
}

// pathVar is a path variable, decoded: routes match the encoded path.
func pathVar(r *http.Request, name string) (string, error) {
	v, err := url.PathUnescape(mux.Vars(r)[name])
	if err != nil || v == "" {
		return "", zhengce.Errorf(zhengce.ENOTFOUND, "no page at %s", r.URL.EscapedPath())
	}
	return v, nil
}

// runningVar is the issue's running number in the path; one too large to be
// a number is an issue that does not exist.
func runningVar(r *http.Request) (int, error) {
	n, err := strconv.Atoi(mux.Vars(r)["running"])
	if err != nil || n < 1 {
		return 0, zhengce.Errorf(zhengce.ENOTFOUND, "no issue 总第 %s 期 in the index", mux.Vars(r)["running"])
	}
	return n, nil
}

// writeJSON encodes v first, so that a failure is still a clean 500.
func (s *Server) writeJSON(w http.ResponseWriter, r *http.Request, code int, v any) {
	var buf bytes.Buffer
	if err := json.NewEncoder(&buf).Encode(v); err != nil {
		s.log.LogAttrs(r.Context(), slog.LevelError, "encoding JSON", append(requestAttrs(r), slog.Any("err", err))...)
		code = http.StatusInternalServerError
		buf.Reset()
		buf.WriteString(`{"error":"internal error"}` + "\n")
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(code)
	w.Write(buf.Bytes())
}

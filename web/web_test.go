package web

import (
	"context"
	"encoding/xml"
	"fmt"
	"html"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"zhengce/indexer"
	"zhengce/search"
)

// topicName is a research direction of issue 89, the shipped issue.
const topicName = "技能人才评价体系研究"

var topicPath = "/topics/" + url.PathEscape(topicName)

func TestRoutes(t *testing.T) {
	ts := newTestServer(t, Config{})
	for _, tc := range []struct {
		method, target string
		code           int
		ctype          string // prefix of Content-Type
		want           []string
	}{
		{"GET", "/", 200, "text/html", []string{`id="result-count"`, `name="q"`, `<article class="hit"`}},
		{"HEAD", "/", 200, "text/html", nil},
		{"GET", "/?q=产业工人", 200, "text/html", []string{"<mark>产业工人</mark>"}},
		{"GET", "/issues", 200, "text/html", []string{`href="/issues/89"`, `href="/issues/91"`}},
		{"GET", "/issues/", 301, "", nil},
		{"GET", "/issues/89", 200, "text/html", []string{`id="089-s03-005"`, "高等职业教育研究所主办"}},
		{"GET", "/issues/999", 404, "text/html", []string{"总第 999 期"}},
		{"GET", "/issues/0", 404, "text/html", nil},
		{"GET", "/issues/99999999999999999999999", 404, "text/html", nil},
		{"GET", "/issues/abc", 404, "text/html", []string{`id="error-page"`}},
		{"GET", "/topics", 200, "text/html", []string{`href="` + topicPath + `"`, `href="` + topicPath + `/feed.atom"`}},
		{"GET", "/topics/" + topicName, 200, "text/html", []string{"研究方向：" + topicName, `rel="alternate" type="application/atom+xml"`}},
		{"GET", topicPath, 200, "text/html", []string{"研究方向：" + topicName}},
		{"GET", "/topics/没有这个方向", 404, "text/html", []string{"没有这个方向"}},
		{"GET", "/topics/a%2Fb", 404, "text/html", []string{"a/b"}},
		{"GET", topicPath + "/feed.atom", 200, "application/atom+xml", []string{"<feed", "<entry>"}},
		{"GET", "/topics/" + topicName + "/feed.atom", 200, "application/atom+xml", []string{"<entry>"}},
		{"GET", "/topics/没有这个方向/feed.atom", 404, "text/html", nil},
		{"GET", "/api/search", 200, "application/json", []string{`"hits"`}},
		{"GET", "/api/search?q=产业工人", 200, "application/json", []string{`"citation"`}},
		{"GET", "/api/issues", 200, "application/json", []string{`"url":"/issues/89"`}},
		{"GET", "/api/issues/89", 200, "application/json", []string{`"passages"`}},
		{"GET", "/api/issues/999", 404, "application/json", []string{`"error"`}},
		{"GET", "/api/issues/abc", 404, "application/json", []string{`"error"`}},
		{"GET", "/api/topics", 200, "application/json", []string{`"topics"`, topicName}},
		{"GET", "/api/topics/" + topicName, 200, "application/json", []string{`"topic"`, `"linked":true`}},
		{"GET", "/api/topics/" + url.PathEscape(topicName), 200, "application/json", []string{`"topic"`}},
		{"GET", "/api/topics/没有这个方向", 404, "application/json", []string{`"error"`}},
		{"GET", "/api/nothing", 404, "application/json", []string{`"error"`}},
		{"GET", "/api", 404, "application/json", []string{`"error"`}},
		{"GET", "/nothing/here", 404, "text/html", []string{`id="error-page"`, `data-status="404"`}},
		{"GET", "/healthz", 200, "application/json", []string{`"status":"ok"`}},
		{"GET", "/static/style.css", 200, "text/css", []string{"@media (max-width: 700px)"}},
		{"GET", "/static/site.js", 200, "text/javascript", []string{"clipboard"}},
		{"GET", "/static/nothing.css", 404, "text/html", nil},
		{"GET", "/static/", 404, "text/html", nil},
		{"POST", "/", 405, "text/html", nil},
		{"POST", "/api/search", 405, "application/json", []string{`"error"`}},
		{"DELETE", "/issues/89", 405, "text/html", nil},
		{"PUT", "/healthz", 405, "application/json", nil},
	} {
		r := ts.do(t, tc.method, tc.target)
		if r.code != tc.code {
			t.Errorf("%s %s: status %d, want %d\n%.400s", tc.method, tc.target, r.code, tc.code, r.body)
			continue
		}
		if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, tc.ctype) {
			t.Errorf("%s %s: Content-Type %q, want %s", tc.method, tc.target, ct, tc.ctype)
		}
		if r.header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s %s: no X-Content-Type-Options", tc.method, tc.target)
		}
		if tc.code == 405 && r.header.Get("Allow") != "GET, HEAD" {
			t.Errorf("%s %s: Allow %q", tc.method, tc.target, r.header.Get("Allow"))
		}
		for _, w := range tc.want {
			if !strings.Contains(r.body, w) {
				t.Errorf("%s %s: body lacks %q", tc.method, tc.target, w)
			}
		}
	}
}

func TestHealth(t *testing.T) {
	ts := newTestServer(t, Config{})
	var h struct {
		Status   string `json:"status"`
		Passages int    `json:"passages"`
		Issues   int    `json:"issues"`
	}
	ts.getJSON(t, "/healthz", 200, &h)
	all := ts.searchJSON(t, "size=1")
	if h.Status != "ok" || h.Issues != 6 || h.Passages != all.Total {
		t.Errorf("healthz = %+v, want ok, 6 issues, %d passages", h, all.Total)
	}
}

// badParams are requests a user can get wrong, and the parameter each
// error must name.
var badParams = []struct{ query, param string }{
	{"page=0", "page"},
	{"page=x", "page"},
	{"page=-1", "page"},
	{"page=99999999999999999999", "page"},
	{"page=10001", "page"},
	{"page=1&page=2", "page"},
	{"size=0", "size"},
	{"size=101", "size"},
	{"size=ten", "size"},
	{"sort=foo", "sort"},
	{"from=2024-13-01", "from"},
	{"from=yesterday", "from"},
	{"to=2024-02-30", "to"},
	{"from=2024-11-01&to=2024-10-01", "to"},
	{"issue=abc", "issue"},
	{"issue=0", "issue"},
	{"issue=89&issue=-3", "issue"},
	{"q=%22unclosed", "q"},
	{"q=%EF%BC%8C%EF%BC%8C", "q"}, // ，， has no words
	{"q=" + strings.Repeat("长", 201), "q"},
	{"q=%FF%FE", "q"},
	{"body=%FF", "body"},
	{"area=" + strings.Repeat("长", 101), "area"},
}

func TestAPIBadParams(t *testing.T) {
	ts := newTestServer(t, Config{})
	for _, path := range []string{"/api/search", "/api/topics/" + url.PathEscape(topicName)} {
		for _, tc := range badParams {
			var body struct {
				Error string `json:"error"`
			}
			ts.getJSON(t, path+"?"+tc.query, http.StatusBadRequest, &body)
			if !strings.HasPrefix(body.Error, tc.param+": ") {
				t.Errorf("GET %s?%s: error %q does not start with %q", path, tc.query, body.Error, tc.param+": ")
			}
		}
	}
	var body struct {
		Error string `json:"error"`
	}
	ts.getJSON(t, "/api/search?page=x", 400, &body)
	if want := `page: must be a whole number from 1, not "x"`; body.Error != want {
		t.Errorf("page=x: error %q, want %q", body.Error, want)
	}
}

func TestPageBadParams(t *testing.T) {
	ts := newTestServer(t, Config{})
	for _, path := range []string{"/", topicPath} {
		for _, tc := range badParams {
			r := ts.get(t, path+"?"+tc.query)
			if r.code != http.StatusBadRequest {
				t.Errorf("GET %s?%s: status %d, want 400", path, tc.query, r.code)
				continue
			}
			if !strings.Contains(r.body, `id="error"`) || !strings.Contains(r.body, "参数有误："+tc.param+": ") {
				t.Errorf("GET %s?%s: the page does not say what is wrong with %s", path, tc.query, tc.param)
			}
			if !strings.Contains(r.body, `<form class="search"`) {
				t.Errorf("GET %s?%s: the page has no search form", path, tc.query)
			}
		}
	}
	// The box keeps what was typed.
	r := ts.get(t, "/?q=产业工人&page=x")
	if !strings.Contains(r.body, `value="产业工人"`) {
		t.Errorf("the search box lost the query on a bad page")
	}
	// The issue page takes q too.
	if r := ts.get(t, "/issues/89?q=%22unclosed"); r.code != 400 || !strings.Contains(r.body, "参数有误：q: ") || !strings.Contains(r.body, `id="089-s03-005"`) {
		t.Errorf("/issues/89 with a bad q: status %d, want 400 with the issue and the message", r.code)
	}
}

func TestFiltersNarrow(t *testing.T) {
	ts := newTestServer(t, Config{})
	all := ts.searchJSON(t, "size=100")
	for _, tc := range []struct {
		query string
		check func(h jsonHit) bool
	}{
		{"body=中共中央", func(h jsonHit) bool { return slices.Contains(h.Section.Bodies, "中共中央") }},
		{"body=人社部", func(h jsonHit) bool {
			return slices.ContainsFunc(h.Section.Bodies, func(b string) bool { return strings.HasPrefix(b, "人力资源社会保障部") })
		}},
		{"body=中共中央&body=审计署", func(h jsonHit) bool {
			return slices.Contains(h.Section.Bodies, "中共中央") || slices.Contains(h.Section.Bodies, "审计署")
		}},
		{"area=科技、教育", func(h jsonHit) bool {
			return slices.ContainsFunc(h.Areas, func(a string) bool { return strings.HasPrefix(a, "科技、教育") })
		}},
		{"direction=" + topicName, func(h jsonHit) bool { return slices.Contains(h.Directions, topicName) }},
		{"doc_type=意见", func(h jsonHit) bool { return h.Section.DocType == "意见" }},
		{"kind=延伸阅读", func(h jsonHit) bool { return h.Kind == "延伸阅读" }},
		{"issue=89", func(h jsonHit) bool { return h.Issue.Running == 89 }},
		{"issue=87&issue=88", func(h jsonHit) bool { return h.Issue.Running == 87 || h.Issue.Running == 88 }},
		{"from=2024-10-01&to=2024-10-31", func(h jsonHit) bool { return h.Date >= "2024-10-01" && h.Date <= "2024-10-31" }},
		{"from=2025-01-01", func(h jsonHit) bool { return h.Date >= "2025-01-01" }},
		{"to=2024-09-30", func(h jsonHit) bool { return h.Date <= "2024-09-30" }},
		{"body=中共中央&kind=正文", func(h jsonHit) bool { return slices.Contains(h.Section.Bodies, "中共中央") && h.Kind == "正文" }},
	} {
		r := ts.searchJSON(t, tc.query+"&size=100")
		if r.Total == 0 || r.Total >= all.Total {
			t.Errorf("%s: total %d, want between 0 and %d", tc.query, r.Total, all.Total)
		}
		for _, h := range r.Hits {
			if !tc.check(h) {
				t.Errorf("%s: hit %s does not satisfy the filter: %+v", tc.query, h.ID, h)
			}
		}
	}
	// Ticking a body and a kind on a query keeps exactly the query's hits
	// that have both.
	q := ts.searchJSON(t, "q=技能&size=100")
	want := 0
	for _, h := range q.Hits {
		if slices.Contains(h.Section.Bodies, "中共中央") && h.Kind == "正文" {
			want++
		}
	}
	narrowed := ts.searchJSON(t, "q=技能&body=中共中央&kind=正文")
	if q.Total > len(q.Hits) || want == 0 || want == q.Total || narrowed.Total != want {
		t.Errorf("body=中共中央&kind=正文 on 技能: total %d, want %d of the query's %d", narrowed.Total, want, q.Total)
	}
}

func TestFacetsAreMultiSelect(t *testing.T) {
	ts := newTestServer(t, Config{})
	all := ts.searchJSON(t, "")
	one := ts.searchJSON(t, "body=中共中央")
	// The body facet still offers the other bodies, counted without its own filter.
	if one.facet("body", "审计署") != all.facet("body", "审计署") || one.facet("body", "审计署") == 0 {
		t.Errorf("body facet under body=中共中央: 审计署 %d, want %d", one.facet("body", "审计署"), all.facet("body", "审计署"))
	}
	// The page shows it as a checkbox, the active one ticked.
	r := ts.get(t, "/?body=中共中央")
	for _, w := range []string{
		`name="body" value="中共中央" checked`,
		`name="body" value="审计署">`,
		`name="kind" value="正文"`,
		`name="issue" value="89"`,
		`name="area" value="科技、教育"`,
		`name="direction" value="` + topicName + `"`,
		`name="doc_type" value="意见"`,
		`id="facet-month"`,
	} {
		if !strings.Contains(r.body, w) {
			t.Errorf("/?body=中共中央 lacks %s", w)
		}
	}
}

func TestSortAndPages(t *testing.T) {
	ts := newTestServer(t, Config{})
	byDate := ts.searchJSON(t, "q=助学金&sort=date&size=100")
	for i := 1; i < len(byDate.Hits); i++ {
		if byDate.Hits[i].Date > byDate.Hits[i-1].Date {
			t.Errorf("sort=date: %s (%s) after %s (%s)", byDate.Hits[i].ID, byDate.Hits[i].Date, byDate.Hits[i-1].ID, byDate.Hits[i-1].Date)
		}
	}
	p1 := ts.searchJSON(t, "q=助学金&size=3")
	p2 := ts.searchJSON(t, "q=助学金&size=3&page=2")
	if len(p1.Hits) != 3 || len(p2.Hits) != 3 || p2.Page != 2 || p2.Size != 3 {
		t.Fatalf("pages of 3: %d and %d hits, page %d size %d", len(p1.Hits), len(p2.Hits), p2.Page, p2.Size)
	}
	for _, h := range p2.Hits {
		if slices.ContainsFunc(p1.Hits, func(o jsonHit) bool { return o.ID == h.ID }) {
			t.Errorf("%s on pages 1 and 2", h.ID)
		}
	}
	if far := ts.searchJSON(t, "q=助学金&page=500"); len(far.Hits) != 0 || far.Total != p1.Total {
		t.Errorf("page 500: %d hits, total %d", len(far.Hits), far.Total)
	}
	// The empty query lists newest first.
	all := ts.searchJSON(t, "size=100")
	for i := 1; i < len(all.Hits); i++ {
		if all.Hits[i].Date > all.Hits[i-1].Date {
			t.Errorf("no query: %s after %s", all.Hits[i].ID, all.Hits[i-1].ID)
		}
	}
	if ts.searchJSON(t, "size=100").Size != 100 || ts.searchJSON(t, "").Size != search.DefaultSize {
		t.Errorf("size is not honoured")
	}

	// Page links keep every parameter.
	r := ts.get(t, "/?q=助学金&body=财政部&kind=正文&sort=date&size=2")
	links := hrefs(r.body, "page")
	if len(links) == 0 {
		t.Fatalf("no page links on a 2-per-page result")
	}
	for _, l := range links {
		v := mustQuery(t, l)
		if v.Get("q") != "助学金" || v.Get("body") != "财政部" || v.Get("kind") != "正文" || v.Get("sort") != "date" || v.Get("size") != "2" || v.Get("page") == "" {
			t.Errorf("page link %s lost a parameter", l)
		}
	}
	next := hrefs(r.body, "next")
	if len(next) != 1 || mustQuery(t, next[0]).Get("page") != "2" {
		t.Errorf("next link: %v", next)
	}
	// The sort switch keeps the rest and goes back to page 1.
	r = ts.get(t, "/?q=助学金&body=财政部&page=2&size=2")
	var sortLinks []string
	for _, m := range regexp.MustCompile(`class="sort-option" data-sort="date" href="([^"]*)"`).FindAllStringSubmatch(r.body, -1) {
		sortLinks = append(sortLinks, html.UnescapeString(m[1]))
	}
	if len(sortLinks) != 1 {
		t.Fatalf("sort links: %v", sortLinks)
	}
	if v := mustQuery(t, sortLinks[0]); v.Get("sort") != "date" || v.Get("body") != "财政部" || v.Get("page") != "" || v.Get("size") != "2" {
		t.Errorf("sort link %s", sortLinks[0])
	}
}

// hrefs lists the links of class class in a page, unescaped.
func hrefs(body, class string) []string {
	var out []string
	re := regexp.MustCompile(`<a class="` + regexp.QuoteMeta(class) + `"[^>]* href="([^"]*)"|<a class="` + regexp.QuoteMeta(class) + `" href="([^"]*)"`)
	for _, m := range re.FindAllStringSubmatch(body, -1) {
		out = append(out, html.UnescapeString(m[1]+m[2]))
	}
	return out
}

func mustQuery(t *testing.T, link string) url.Values {
	t.Helper()
	u, err := url.Parse(link)
	if err != nil {
		t.Fatalf("link %q: %v", link, err)
	}
	return u.Query()
}

func TestChips(t *testing.T) {
	ts := newTestServer(t, Config{})
	r := ts.get(t, "/?q=助学金&body=财政部&body=教育部&kind=正文&issue=89&from=2024-01-01&to=2024-12-31")
	re := regexp.MustCompile(`<a class="chip" href="([^"]*)" data-param="([^"]*)" data-value="([^"]*)"`)
	chips := re.FindAllStringSubmatch(r.body, -1)
	if len(chips) != 6 {
		t.Fatalf("%d chips, want 6 (two bodies, kind, issue, from, to)", len(chips))
	}
	for _, c := range chips {
		link, param, value := html.UnescapeString(c[1]), c[2], html.UnescapeString(c[3])
		v := mustQuery(t, link)
		if v.Get("q") != "助学金" {
			t.Errorf("chip %s=%s: link %s lost the query", param, value, link)
		}
		if slices.Contains(v[param], value) {
			t.Errorf("chip %s=%s: link %s keeps the value", param, value, link)
		}
		n := 0
		for _, vs := range v {
			n += len(vs)
		}
		if n != 6 { // q + five of the six filter values
			t.Errorf("chip %s=%s: link %s has %d values, want 6", param, value, link, n)
		}
		// The link works and shows one chip fewer.
		if got := len(re.FindAllString(ts.get(t, link).body, -1)); got != 5 {
			t.Errorf("chip %s=%s: %d chips after removing it", param, value, got)
		}
	}
	if !strings.Contains(r.body, "清除全部筛选") {
		t.Errorf("no link to clear every filter")
	}
}

func TestNoHits(t *testing.T) {
	ts := newTestServer(t, Config{})
	r := ts.get(t, "/?q=产业工人&body=审计署")
	if r.code != 200 || !strings.Contains(r.body, `id="no-hits"`) || !strings.Contains(r.body, "没有找到匹配的段落") {
		t.Fatalf("a search with no hits does not say so")
	}
	if !strings.Contains(r.body, "去掉「发文机关：审计署」") || !strings.Contains(r.body, `data-total="0"`) {
		t.Errorf("a search with no hits does not suggest dropping the filter")
	}
	r = ts.get(t, "/?q=量子引力波")
	if !strings.Contains(r.body, "没有找到匹配的段落") {
		t.Errorf("no message for a query with no hits")
	}
}

func TestJSONShape(t *testing.T) {
	ts := newTestServer(t, Config{})
	res := ts.searchJSON(t, "q=产业工人&size=20")
	if res.Total == 0 || res.Query != "产业工人" {
		t.Fatalf("q=产业工人: %+v", res)
	}
	hitURL := regexp.MustCompile(`^/issues/(\d+)\?q=%E4%BA%A7%E4%B8%9A%E5%B7%A5%E4%BA%BA#(.+)$`)
	for _, h := range res.Hits {
		m := hitURL.FindStringSubmatch(h.URL)
		if m == nil || m[1] != strconv.Itoa(h.Issue.Running) || m[2] != h.ID {
			t.Errorf("%s: url %q", h.ID, h.URL)
		}
		if h.Issue.URL != "/issues/"+strconv.Itoa(h.Issue.Running) {
			t.Errorf("%s: issue.url %q", h.ID, h.Issue.URL)
		}
		if !strings.Contains(h.Citation, "高等职业教育动态") || !strings.Contains(h.Citation, "总第"+strconv.Itoa(h.Issue.Running)+"期") {
			t.Errorf("%s: citation %q", h.ID, h.Citation)
		}
		if h.Highlight == "" || h.Text == "" || h.Kind == "" || h.Date == "" {
			t.Errorf("%s: missing passage fields: %+v", h.ID, h)
		}
		// The hit's link lands on its passage.
		page := ts.get(t, strings.Split(h.URL, "#")[0])
		if page.code != 200 || !strings.Contains(page.body, `id="`+h.ID+`"`) {
			t.Errorf("%s: %s has no element with its id", h.ID, h.URL)
		}
	}
	want := "中共中央, 国务院. 关于深化产业工人队伍建设改革的意见[Z]. 2024-10-22. （载：高等职业教育研究所. 高等职业教育动态, 2024年第9期（总第89期）. 2024-11-13.）"
	for _, h := range res.Hits {
		if h.ID == "089-s03-005" && h.Citation != want {
			t.Errorf("089-s03-005: citation\n %s\nwant %s", h.Citation, want)
		}
	}
	for _, name := range []string{"body", "area", "direction", "doc_type", "kind", "issue", "month"} {
		if len(res.Facets[name]) == 0 {
			t.Errorf("no %s facet", name)
		}
	}

	// Issues and topics.
	var issues struct {
		Issues []struct {
			Running    int      `json:"running"`
			Number     int      `json:"number"`
			Date       string   `json:"date"`
			Title      string   `json:"title"`
			Publisher  string   `json:"publisher"`
			URL        string   `json:"url"`
			Directions []string `json:"directions"`
			Sections   []struct {
				Heading string `json:"heading"`
			} `json:"sections"`
			Passages int `json:"passages"`
		} `json:"issues"`
	}
	ts.getJSON(t, "/api/issues", 200, &issues)
	var runnings []int
	for _, iss := range issues.Issues {
		runnings = append(runnings, iss.Running)
		if iss.URL != "/issues/"+strconv.Itoa(iss.Running) || iss.Passages == 0 || len(iss.Sections) == 0 || iss.Date == "" {
			t.Errorf("issue %d: %+v", iss.Running, iss)
		}
	}
	if !slices.Equal(runnings, []int{91, 90, 89, 88, 87, 86}) {
		t.Errorf("issues %v, want newest first", runnings)
	}
	var one struct {
		Issue struct {
			Running   int    `json:"running"`
			Publisher string `json:"publisher"`
			URL       string `json:"url"`
			Passages  int    `json:"passages"`
		} `json:"issue"`
		Passages []jsonHit `json:"passages"`
	}
	ts.getJSON(t, "/api/issues/89", 200, &one)
	if one.Issue.Running != 89 || one.Issue.URL != "/issues/89" || one.Issue.Publisher != "高等职业教育研究所" || len(one.Passages) != one.Issue.Passages {
		t.Errorf("/api/issues/89: %+v with %d passages", one.Issue, len(one.Passages))
	}
	for i, p := range one.Passages {
		if p.Ordinal != i+1 || p.URL != "/issues/89#"+p.ID || p.Citation == "" || p.Issue.URL != "/issues/89" {
			t.Errorf("/api/issues/89 passage %d: %+v", i, p)
			break
		}
	}
	var topics struct {
		Topics []jsonTopic `json:"topics"`
	}
	ts.getJSON(t, "/api/topics", 200, &topics)
	found := false
	for _, tp := range topics.Topics {
		if tp.URL != "/topics/"+url.PathEscape(tp.Name) || tp.Feed != tp.URL+"/feed.atom" || len(tp.Issues) == 0 || tp.Issues[0].URL == "" {
			t.Errorf("topic %+v", tp)
		}
		found = found || tp.Name == topicName
	}
	if !found {
		t.Errorf("/api/topics lacks %s", topicName)
	}
}

func TestTopic(t *testing.T) {
	ts := newTestServer(t, Config{})
	var res jsonResult
	ts.getJSON(t, "/api"+topicPath+"?size=100", 200, &res)
	if res.Topic == nil || res.Topic.Name != topicName || res.Topic.Passages == 0 || res.Topic.URL != topicPath {
		t.Fatalf("topic: %+v", res.Topic)
	}
	linked := 0
	for i, h := range res.Hits {
		if h.Linked {
			linked++
			if i >= linked {
				t.Errorf("linked hit %s comes after an unlinked one", h.ID)
			}
			if !slices.Contains(h.Directions, topicName) {
				t.Errorf("%s is linked but not to the topic", h.ID)
			}
		}
	}
	if linked == 0 || linked == len(res.Hits) {
		t.Errorf("%d of %d hits linked: want the linked passages, then the best matches", linked, len(res.Hits))
	}
	// Facets and filters work as on the search page.
	narrowed := ts.searchTopic(t, "issue=91")
	if narrowed.Total == 0 || narrowed.Total >= res.Total {
		t.Errorf("topic with issue=91: %d of %d", narrowed.Total, res.Total)
	}
	for _, h := range narrowed.Hits {
		if h.Issue.Running != 91 {
			t.Errorf("topic with issue=91: hit %s", h.ID)
		}
	}
	// Raw and encoded names are the same page.
	raw, enc := ts.get(t, "/topics/"+topicName), ts.get(t, topicPath)
	strip := regexp.MustCompile(`（[0-9.]+ 毫秒）`)
	if strip.ReplaceAllString(raw.body, "") != strip.ReplaceAllString(enc.body, "") {
		t.Errorf("raw and percent-encoded topic URLs answer differently")
	}
	if !strings.Contains(enc.body, `class="hit linked"`) || !strings.Contains(enc.body, "关联段落") {
		t.Errorf("the topic page does not mark linked passages")
	}
	if !strings.Contains(enc.body, `action="`+topicPath+`"`) {
		t.Errorf("the topic page's form does not stay on the topic")
	}
}

func (ts *testServer) searchTopic(t *testing.T, query string) *jsonResult {
	t.Helper()
	var r jsonResult
	ts.getJSON(t, "/api"+topicPath+"?"+query, 200, &r)
	return &r
}

// atom is enough of an Atom feed to check it.
type atom struct {
	XMLName xml.Name `xml:"http://www.w3.org/2005/Atom feed"`
	Title   string   `xml:"title"`
	ID      string   `xml:"id"`
	Updated string   `xml:"updated"`
	Author  struct {
		Name string `xml:"name"`
	} `xml:"author"`
	Links []struct {
		Href string `xml:"href,attr"`
		Rel  string `xml:"rel,attr"`
	} `xml:"link"`
	Entries []struct {
		Title   string `xml:"title"`
		ID      string `xml:"id"`
		Updated string `xml:"updated"`
		Link    struct {
			Href string `xml:"href,attr"`
		} `xml:"link"`
		Summary struct {
			Type string `xml:"type,attr"`
			Text string `xml:",chardata"`
		} `xml:"summary"`
	} `xml:"entry"`
}

func TestFeed(t *testing.T) {
	ts := newTestServer(t, Config{BaseURL: "https://zhengce.example.edu.cn/"})
	get := func(target, host string) atom {
		t.Helper()
		req, _ := http.NewRequest("GET", target, nil)
		req.Host = host
		req.RequestURI = target
		rec := newRecorder()
		ts.handler.ServeHTTP(rec, req)
		if rec.Code != 200 {
			t.Fatalf("GET %s: status %d\n%s", target, rec.Code, rec.Body.String())
		}
		var f atom
		if err := xml.Unmarshal(rec.Body.Bytes(), &f); err != nil {
			t.Fatalf("GET %s: not Atom XML: %v", target, err)
		}
		return f
	}
	f := get(topicPath+"/feed.atom", "127.0.0.1:8080")
	if len(f.Entries) == 0 || f.Author.Name == "" || !strings.Contains(f.Title, topicName) {
		t.Fatalf("feed: %d entries, title %q, author %q", len(f.Entries), f.Title, f.Author.Name)
	}
	if f.ID != "tag:zhengce.example.edu.cn,2024:topic/"+url.PathEscape(topicName) {
		t.Errorf("feed id %q", f.ID)
	}
	rels := map[string]string{}
	for _, l := range f.Links {
		rels[l.Rel] = l.Href
	}
	if rels["self"] != "https://zhengce.example.edu.cn"+topicPath+"/feed.atom" || rels["alternate"] != "https://zhengce.example.edu.cn"+topicPath {
		t.Errorf("feed links %v", rels)
	}
	ids := map[string]bool{}
	var updated []time.Time
	for _, e := range f.Entries {
		if !strings.HasPrefix(e.ID, "tag:zhengce.example.edu.cn,2024:passage/") || ids[e.ID] {
			t.Errorf("entry id %q", e.ID)
		}
		ids[e.ID] = true
		u, err := time.Parse(time.RFC3339, e.Updated)
		if err != nil {
			t.Errorf("entry %s: updated %q: %v", e.ID, e.Updated, err)
		}
		updated = append(updated, u)
		if !strings.HasPrefix(e.Link.Href, "https://zhengce.example.edu.cn/issues/") || e.Summary.Type != "html" || e.Title == "" {
			t.Errorf("entry %s: %+v", e.ID, e)
		}
	}
	if !sort.SliceIsSorted(updated, func(i, j int) bool { return updated[i].After(updated[j]) }) {
		t.Errorf("entries are not newest first: %v", updated)
	}
	if f.Updated != f.Entries[0].Updated {
		t.Errorf("feed updated %s, newest entry %s", f.Updated, f.Entries[0].Updated)
	}
	// The same entries, the same IDs, whoever asks.
	g := get(topicPath+"/feed.atom", "localhost")
	if len(g.Entries) != len(f.Entries) {
		t.Fatalf("a second fetch has %d entries, not %d", len(g.Entries), len(f.Entries))
	}
	for i := range g.Entries {
		if g.Entries[i].ID != f.Entries[i].ID {
			t.Errorf("entry %d: id %s, then %s", i, f.Entries[i].ID, g.Entries[i].ID)
		}
	}
	// Filters and size apply to the feed too.
	if n := len(get(topicPath+"/feed.atom?size=2", "x").Entries); n != 2 {
		t.Errorf("size=2: %d entries", n)
	}
	if r := ts.get(t, topicPath+"/feed.atom?size=0"); r.code != 400 {
		t.Errorf("size=0 on the feed: status %d", r.code)
	}

	// Without a base URL, the request's host.
	ts2 := newTestServer(t, Config{})
	req, _ := http.NewRequest("GET", topicPath+"/feed.atom", nil)
	req.Host = "portal.example:8443"
	rec := newRecorder()
	ts2.handler.ServeHTTP(rec, req)
	var h atom
	if err := xml.Unmarshal(rec.Body.Bytes(), &h); err != nil {
		t.Fatalf("not Atom XML: %v", err)
	}
	if !strings.HasPrefix(h.Entries[0].ID, "tag:portal.example,2024:passage/") || !strings.HasPrefix(h.Entries[0].Link.Href, "http://portal.example:8443/issues/") {
		t.Errorf("without a base URL: id %s, link %s", h.Entries[0].ID, h.Entries[0].Link.Href)
	}
}

func TestIssuePage(t *testing.T) {
	ts := newTestServer(t, Config{})
	var one struct {
		Passages []jsonHit `json:"passages"`
	}
	ts.getJSON(t, "/api/issues/89", 200, &one)
	r := ts.get(t, "/issues/89")
	at := -1
	for _, p := range one.Passages {
		i := strings.Index(r.body, `id="`+p.ID+`"`)
		if i < 0 {
			t.Errorf("/issues/89 has no element for %s", p.ID)
			continue
		}
		if i < at {
			t.Errorf("%s is out of the bulletin's order", p.ID)
		}
		at = i
	}
	for _, w := range []string{`id="guide"`, "本期导读", `id="s3"`, "三、中共中央 国务院《关于深化产业工人队伍建设改革的意见》",
		`id="directions"`, "五、本期推荐研究方向", `href="` + topicPath + `"`, `class="passage heading"`} {
		if !strings.Contains(r.body, w) {
			t.Errorf("/issues/89 lacks %s", w)
		}
	}
	if strings.Contains(r.body, "<mark>") {
		t.Errorf("/issues/89 without q marks something")
	}
	m := ts.get(t, "/issues/89?q=产业工人")
	if !strings.Contains(m.body, `class="passage match" id="089-s03-005"`) || !strings.Contains(m.body, "<mark>产业工人</mark>") {
		t.Errorf("/issues/89?q=产业工人 does not mark the matching passages")
	}
	if !strings.Contains(m.body, `id="marking"`) {
		t.Errorf("/issues/89?q= does not say what it marks")
	}
}

func TestEveryStateInTheURL(t *testing.T) {
	ts := newTestServer(t, Config{})
	r := ts.get(t, "/?q=助学金&body=财政部&sort=date&size=20&from=2024-01-01")
	for _, w := range []string{
		`<form class="search" id="search-form" method="get" action="/"`,
		`name="q" value="助学金"`,
		`name="body" value="财政部" checked`,
		`type="hidden" name="sort" value="date"`,
		`type="hidden" name="size" value="20"`,
		`name="from" value="2024-01-01"`,
		`name="to" value=""`,
	} {
		if !strings.Contains(r.body, w) {
			t.Errorf("the form lacks %s", w)
		}
	}
	// Month links set a date range and keep the rest.
	for _, m := range regexp.MustCompile(`<a href="([^"]*)" data-month="2024-10"`).FindAllStringSubmatch(r.body, -1) {
		v := mustQuery(t, html.UnescapeString(m[1]))
		if v.Get("from") != "2024-10-01" || v.Get("to") != "2024-10-31" || v.Get("body") != "财政部" || v.Get("q") != "助学金" {
			t.Errorf("month link %s", m[1])
		}
	}
	// Each hit has a stable id, its citation and its link.
	re := regexp.MustCompile(`<article class="hit[^"]*" id="hit-([^"]+)" data-id="([^"]+)"`)
	hits := re.FindAllStringSubmatch(r.body, -1)
	if len(hits) == 0 {
		t.Fatal("no hits on the page")
	}
	for _, h := range hits {
		if h[1] != h[2] || !strings.Contains(r.body, `id="cite-`+h[1]+`"`) || !strings.Contains(r.body, `href="/issues/`) {
			t.Errorf("hit %s lacks its citation or link", h[1])
		}
	}
}

// hostile is what an attacker puts in every parameter and path.
const hostile = "<script>alert(1)</script>"

// hostileValues go into every parameter and every path segment of every
// route: markup for each context (element, attribute, URL), very long
// values, control characters, bytes that are not UTF-8, numbers out of
// range, unbalanced quotes, query syntax of other engines, path tricks.
var hostileValues = []string{
	hostile,
	`"><svg onload=alert(1)>`,
	`'><img src=x onerror=alert(1)>`,
	`javascript:alert(1)`,
	`产业工人"><svg/onload=alert(1)>`,
	strings.Repeat("长", 34<<10/3*3), // 100 KB of UTF-8
	strings.Repeat("a", 100<<10),
	strings.Repeat("长", 201),
	"\x00\x01\x1b[31m\r\nSet-Cookie: x=1\t\x7f",
	"\xff\xfe", "\xc0\xae\xc0\xae\xc0\xaf", "\xed\xa0\x80",
	"99999999999999999999", "-99999999999999999999", "-1", "0", "1e9", "0x10", "1.5", " 2 ",
	`"产业工人`, `“产业`, `"`, `'`, `\`, `""`,
	"-", "--", "*", "?", `+a -b field:x ~2 ^3 /re/ (a OR b) {}[]`,
	"../../etc/passwd", "..%2f..%2f", "%2e%2e%2f", "%252e%252e%252f", `..\..\`,
	"产业工人&page=2&size=100",
}

// hostileRoutes are every route of the site, with the hostile values'
// place in its path marked {}.
var hostileRoutes = []struct {
	name, path, segment string
	params              []string // the parameters it reads
}{
	{"/", "/", "", searchParams},
	{"/issues", "/issues", "", nil},
	{"/issues/{running}", "/issues/89", "/issues/{}", []string{ParamQuery}},
	{"/topics", "/topics", "", nil},
	{"/topics/{direction}", topicPath, "/topics/{}", searchParams},
	{"/topics/{direction}/feed.atom", topicPath + "/feed.atom", "/topics/{}/feed.atom", searchParams},
	{"/api/search", "/api/search", "", searchParams},
	{"/api/issues", "/api/issues", "", nil},
	{"/api/issues/{running}", "/api/issues/89", "/api/issues/{}", nil},
	{"/api/topics", "/api/topics", "", nil},
	{"/api/topics/{direction}", "/api" + topicPath, "/api/topics/{}", searchParams},
	{"/healthz", "/healthz", "", nil},
	{"/static/{file}", "/static/style.css", "/static/{}", []string{"v"}},
	{"(unknown)", "/nothing", "/{}", nil},
	{"(unknown /api)", "/api/nothing", "/api/{}", nil},
}

// searchParams are the parameters ParseParams reads, and one it does not.
var searchParams = []string{
	ParamQuery, ParamBody, ParamArea, ParamDirection, ParamDocType, ParamKind, ParamIssue,
	ParamFrom, ParamTo, ParamSort, ParamPage, ParamSize, "unknown",
}

// pathTricks try to reach a file outside the embedded static set, or make
// the router resolve or redirect: each is a 404.
var pathTricks = []string{
	"/issues/../../etc/passwd",
	"/issues/89/../../../../../../etc/passwd",
	"/issues/..%2f..%2fetc%2fpasswd",
	"/issues/%2e%2e/%2e%2e/etc/passwd",
	"/issues/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd",
	"/%2e%2e/%2e%2e/etc/passwd",
	"/%2fetc%2fpasswd",
	"/static/../server.go",
	"/static/..%2fserver.go",
	"/static/%2e%2e%2fserver.go",
	"/static/%2e%2e/server.go",
	"/static/%252e%252e%252fserver.go",
	"/static/..%5cserver.go",
	`/static/..\server.go`,
	`/static\..\server.go`,
	"/static/%5c..%5cserver.go",
	"/static/%c0%ae%c0%ae%c0%afserver.go",
	"/static/%c0%ae%c0%ae/server.go",
	"/%c0%ae%c0%ae/%c0%ae%c0%ae/etc/passwd",
	"/static/%ff%fe",
	"/static/style.css%00",
	"/static/style.css%00.js",
	"/issues/89%00",
	"/%00",
	"/static/.hidden",
	"/static/.",
	"/static/..",
	"/static/%2e",
	"/static/style.css/..",
	"/static/web.go",
	"/static/../templates/layout.html",
	"/templates/layout.html",
	"/web_test.go",
	"//etc/passwd",
	"//static/style.css",
	"/static//style.css",
	"///",
	"/./issues",
	"/issues/./89",
	"/issues/89/.",
	"/issues/89/..",
	"/api/../healthz",
	"/api/./search",
	"/api/%2e/search",
	topicPath + "/../../static/site.js",
	topicPath + "/%2e%2e/feed.atom",
	"/topics/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
	"/api/topics/..%2F..%2Fetc%2Fpasswd",
	"/topics/a%2f..%2fb",
	"/topics/%2fa",
}

// hostileMarkers are what must never come back as markup: the hostile
// values' tags, unescaped.
var hostileMarkers = []string{"<script>alert", "<svg", "<img", "<script>set-cookie"}

// tally counts answers by route and status, for the test's log.
type tally map[string]map[int]int

func (c tally) add(route string, code int) {
	if c[route] == nil {
		c[route] = map[int]int{}
	}
	c[route][code]++
}

func (c tally) String() string {
	var b strings.Builder
	routes := slices.Sorted(maps.Keys(c))
	for _, r := range routes {
		codes := slices.Sorted(maps.Keys(c[r]))
		fmt.Fprintf(&b, "\n  %-40s", r)
		for _, code := range codes {
			fmt.Fprintf(&b, " %d×%d", code, c[r][code])
		}
	}
	return b.String()
}

// checkHostileAnswer fails unless r is a 2xx or 4xx carrying the security
// headers, with no hostile markup in its body (and no < at all in JSON).
func checkHostileAnswer(t *testing.T, label string, r response) bool {
	t.Helper()
	ok := true
	if r.code < 200 || (r.code >= 300 && r.code < 400) || r.code >= 500 {
		t.Errorf("%s: status %d\n%.300s", label, r.code, r.body)
		ok = false
	}
	if r.header.Get("X-Content-Type-Options") != "nosniff" || r.header.Get("Content-Security-Policy") != ContentSecurityPolicy ||
		r.header.Get("Referrer-Policy") != ReferrerPolicy {
		t.Errorf("%s: security headers %v", label, r.header)
		ok = false
	}
	lower := strings.ToLower(r.body)
	for _, m := range hostileMarkers {
		if strings.Contains(lower, m) {
			i := strings.Index(lower, m)
			t.Errorf("%s: the hostile markup comes back unescaped: …%s…", label, r.body[max(0, i-200):min(len(r.body), i+100)])
			ok = false
		}
	}
	if strings.HasPrefix(r.header.Get("Content-Type"), "application/json") && strings.Contains(r.body, "<") {
		t.Errorf("%s: JSON with a raw <: %.300s", label, r.body)
		ok = false
	}
	return ok
}

func TestHostileInput(t *testing.T) {
	ts := newTestServer(t, Config{})
	var (
		mu     sync.Mutex
		counts = tally{}
	)
	send := func(t *testing.T, label, route, method, target string) response {
		t.Helper()
		r := ts.do(t, method, target)
		mu.Lock()
		counts.add(route, r.code)
		mu.Unlock()
		checkHostileAnswer(t, method+" "+label, r)
		return r
	}
	short := func(s string) string { return fmt.Sprintf("%.60q", s) }

	// Every value in every parameter of every route: all parameters at
	// once, and one at a time on the routes that read them, alone and with
	// a query that finds passages. The routes run in parallel.
	t.Run("routes", func(t *testing.T) {
		for _, route := range hostileRoutes {
			t.Run(route.name, func(t *testing.T) {
				t.Parallel()
				for i, v := range hostileValues {
					all := url.Values{}
					for _, p := range searchParams {
						all.Set(p, v)
					}
					send(t, route.name+"?(every parameter)="+short(v), route.name, "GET", route.path+"?"+all.Encode())
					for _, p := range route.params {
						q := url.Values{p: {v}}.Encode()
						send(t, route.name+"?"+p+"="+short(v), route.name, "GET", route.path+"?"+q)
						if p != ParamQuery && i%3 == 0 {
							send(t, route.name+"?q=产业工人&"+p+"="+short(v), route.name, "GET", route.path+"?q="+url.QueryEscape("产业工人")+"&"+q)
						}
					}
				}
				// Every value in the route's variable path segment, encoded
				// and, where a request line can carry it, as it is.
				if route.segment == "" {
					return
				}
				for _, v := range hostileValues {
					seg := strings.Replace(route.segment, "{}", url.PathEscape(v), 1)
					send(t, route.segment+" with "+short(v), route.segment, "GET", seg)
					if raw := strings.Replace(route.segment, "{}", v, 1); isRequestLine(raw) {
						send(t, route.segment+" with raw "+short(v), route.segment, "GET", raw)
					}
				}
			})
		}
	})
	for _, target := range pathTricks {
		r := send(t, target, "path tricks", "GET", target)
		if r.code != http.StatusNotFound {
			t.Errorf("GET %s: status %d, want 404", target, r.code)
		}
		for _, leak := range []string{"package web", "root:", "{{define", ".search {"} {
			if strings.Contains(r.body, leak) {
				t.Errorf("GET %s: the answer holds a file's contents (%q)", target, leak)
			}
		}
	}
	// HEAD and OPTIONS on every route; other methods are TestReadOnly's.
	for _, route := range hostileRoutes {
		for _, target := range []string{route.path, route.path + "?q=" + url.QueryEscape(hostile)} {
			send(t, target, route.name+" HEAD", "HEAD", target)
			if r := send(t, target, route.name+" OPTIONS", "OPTIONS", target); r.code != http.StatusMethodNotAllowed && route.name[0] == '/' {
				t.Errorf("OPTIONS %s: status %d, want 405", target, r.code)
			}
		}
	}
	t.Logf("answers by route and status:%s", counts)

	// Values too long for an address are a 414, shorter ones that are
	// still too long a 400 naming the parameter.
	if r := ts.get(t, "/api/search?q="+url.QueryEscape(strings.Repeat("长", 34<<10/3*3))); r.code != http.StatusRequestURITooLong || !strings.Contains(r.body, `"error":"the address`) {
		t.Errorf("a 100 KB query: %d %.200s", r.code, r.body)
	}
	if r := ts.get(t, "/api/search?q="+url.QueryEscape(strings.Repeat("长", 201))); r.code != 400 || !strings.Contains(r.body, `"error":"q: must be at most 200 characters"`) {
		t.Errorf("a 201-character query: %d %.200s", r.code, r.body)
	}
	// The facet values a user sent come back escaped, as a value the page
	// can show.
	esc := url.QueryEscape(hostile)
	r := ts.get(t, "/?body="+esc)
	if !strings.Contains(r.body, html.EscapeString(hostile)) && !strings.Contains(r.body, "&lt;script&gt;") {
		t.Errorf("the hostile body value is not shown escaped")
	}
	// JSON escapes it too.
	r = ts.get(t, "/api/search?q="+esc)
	if r.code != 200 || !strings.Contains(r.body, `\u003cscript\u003e`) {
		t.Errorf("/api/search with a hostile q: %d %.300s", r.code, r.body)
	}
	// A hostile Host makes the feed's links (without a base URL) no markup.
	req := httptest.NewRequest("GET", topicPath+"/feed.atom", nil)
	req.Host = `x"><svg onload=alert(1)>`
	rec := httptest.NewRecorder()
	ts.handler.ServeHTTP(rec, req)
	feed := response{code: rec.Code, header: rec.Result().Header, body: rec.Body.String()}
	if checkHostileAnswer(t, "feed with a hostile Host", feed) {
		var f atom
		if err := xml.Unmarshal([]byte(feed.body), &f); err != nil || feed.code != 200 || len(f.Entries) == 0 {
			t.Errorf("feed with a hostile Host: %d %v", feed.code, err)
		}
	}
}

// isRequestLine says whether target can be sent as it is in a request
// line: no space, control character or byte that is not ASCII, and no
// % that does not start an escape.
func isRequestLine(target string) bool {
	for i := 0; i < len(target); i++ {
		c := target[i]
		if c <= ' ' || c >= 0x7f || c == '#' || c == '?' {
			return false
		}
		if c == '%' && (i+2 >= len(target) || !isHex(target[i+1]) || !isHex(target[i+2])) {
			return false
		}
	}
	return true
}

func isHex(c byte) bool { return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F' }

func TestParseParams(t *testing.T) {
	v, _ := url.ParseQuery("q=+产业工人+&body=中共中央&body=&body=中共中央&body=国务院&issue=89&issue=89&from=2024-01-01&to=2024-12-31&sort=date&page=3&size=20&utm=x")
	p, err := ParseParams(v)
	if err != nil {
		t.Fatal(err)
	}
	if p.Query != "产业工人" || !slices.Equal(p.Bodies, []string{"中共中央", "国务院"}) || !slices.Equal(p.Issues, []int{89}) ||
		p.From != "2024-01-01" || p.To != "2024-12-31" || p.Sort != "date" || p.Page != 3 || p.Size != 20 {
		t.Errorf("ParseParams: %+v", p)
	}
	req := p.Request()
	if req.From.String() != "2024-01-01" || req.To.String() != "2024-12-31" || req.Page != 3 || !slices.Equal(req.Issues, []int{89}) {
		t.Errorf("Request: %+v", req)
	}
	back, err := ParseParams(p.Values())
	if err != nil || !slices.Equal(back.Bodies, p.Bodies) || back.Query != p.Query || back.Page != p.Page || back.Size != p.Size || back.Sort != p.Sort {
		t.Errorf("Values does not round-trip: %+v, %v", back, err)
	}
	if got := (Params{Sort: "relevance", Size: 10, Page: 1}).Values().Encode(); got != "" {
		t.Errorf("defaults encode as %q", got)
	}
	for _, tc := range badParams {
		v, _ := url.ParseQuery(tc.query)
		if _, err := ParseParams(v); err == nil || !strings.HasPrefix(err.Error(), tc.param+": ") {
			t.Errorf("ParseParams(%s): %v", tc.query, err)
		}
	}
}

func TestSetSearcher(t *testing.T) {
	ts := newTestServer(t, Config{})
	small, err := buildSearcher(t.TempDir()+"/index", []string{seedIssue})
	if err != nil {
		t.Fatal(err)
	}
	defer ts.SetSearcher(testSearcher(t))
	var h struct {
		Issues int `json:"issues"`
	}
	ts.getJSON(t, "/healthz", 200, &h)
	if h.Issues != 6 {
		t.Fatalf("%d issues before the swap", h.Issues)
	}
	ts.SetSearcher(small)
	ts.getJSON(t, "/healthz", 200, &h)
	if h.Issues != 1 {
		t.Errorf("%d issues after the swap, want 1", h.Issues)
	}
	if r := ts.get(t, "/issues/91"); r.code != 404 {
		t.Errorf("/issues/91 after swapping to issue 89 alone: %d", r.code)
	}
	// Requests during swaps see one index or the other, never a mix or an error.
	var wg sync.WaitGroup
	ctx, cancel := context.WithCancel(context.Background())
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; ctx.Err() == nil; i++ {
			if i%2 == 0 {
				ts.SetSearcher(testSearcher(t))
			} else {
				ts.SetSearcher(small)
			}
			time.Sleep(time.Millisecond)
		}
	}()
	for i := 0; i < 30; i++ {
		var res jsonResult
		r := ts.getJSON(t, "/api/search?q=产业工人", 200, &res)
		_ = r
		if res.Total == 0 {
			t.Errorf("no hits during a swap")
		}
	}
	cancel()
	wg.Wait()
	ts.SetSearcher(nil)
	for _, target := range []string{"/api/search", "/healthz", "/", "/issues/89", topicPath + "/feed.atom"} {
		if r := ts.get(t, target); r.code != http.StatusServiceUnavailable {
			t.Errorf("no searcher: %s: status %d, want 503", target, r.code)
		}
	}
}

func TestInternalErrorsAreLoggedNotShown(t *testing.T) {
	testSearcher(t) // the dictionary is loaded once
	dir := t.TempDir() + "/index"
	if _, err := indexer.BuildFiles([]string{seedIssue}, dataDir, dir); err != nil {
		t.Fatal(err)
	}
	idx, err := indexer.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	aliases, err := idx.Aliases()
	if err != nil {
		t.Fatal(err)
	}
	var log syncLog
	srv := New(Config{Logger: slog.New(slog.NewTextHandler(&log, nil))}, search.New(idx, aliases))
	idx.Close() // every search now fails inside bleve
	for _, target := range []string{"/api/search?q=产业工人", "/?q=产业工人"} {
		rec := httptest.NewRecorder()
		srv.Handler().ServeHTTP(rec, httptest.NewRequest("GET", target, nil))
		body := rec.Body.String()
		if rec.Code != 500 {
			t.Errorf("GET %s on a closed index: status %d", target, rec.Code)
		}
		if strings.Contains(body, "closed") || (!strings.Contains(body, "internal error") && !strings.Contains(body, "服务器内部错误")) {
			t.Errorf("GET %s: the answer shows the internal error or no message:\n%.300s", target, body)
		}
	}
	if !strings.Contains(log.String(), "internal error") || !strings.Contains(log.String(), "closed") {
		t.Errorf("the internal error was not logged in full:\n%s", log.String())
	}
}

type syncLog struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *syncLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *syncLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func TestShortenAndCrumbs(t *testing.T) {
	for in, want := range map[string]string{
		"（四）健全职业发展体系，促进产业工人成长成才":                           "（四）健全职业发展体系…",
		"（一）本次政策调整的背景和意义是什么？":                              "（一）本次政策调整的背景和意义是什么？",
		"【延伸阅读】财政部、教育部、人力资源社会保障部有关司局负责人就调整学生资助政策 有关问题答记者问": "【延伸阅读】财政部、教育部、人力资源社会保障部有…",
	} {
		if got := shorten(in); got != want {
			t.Errorf("shorten(%s) = %s, want %s", in, got, want)
		}
	}
	ts := newTestServer(t, Config{})
	r := ts.get(t, "/?q=产业工人&issue=89&kind=正文")
	for _, w := range []string{
		`<a href="/issues/89" title="第 9 期（总第 89 期）2024-11-13">第 9 期（总第 89 期）2024-11-13</a>`,
		`<a href="/issues/89#s3"`,
		`>三、中共中央 国务院《关于深化产业工人队伍建设改革的意见》</a>`,
		`<span title="（四）健全职业发展体系，促进产业工人成长成才">（四）健全职业发展体系…</span>`,
	} {
		if !strings.Contains(r.body, w) {
			t.Errorf("the breadcrumbs lack %s", w)
		}
	}
}

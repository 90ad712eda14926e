package web

import (
	"fmt"
	"html/template"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"zhengce"
	"zhengce/search"
)

// facetLabels names the facets in the sidebar and on the chips, in the
// sidebar's order.
var facetLabels = []struct{ name, label string }{
	{ParamBody, "发文机关"},
	{ParamArea, "政策领域"},
	{ParamDirection, "研究方向"},
	{ParamDocType, "文种"},
	{ParamKind, "段落类型"},
	{ParamIssue, "期次"},
}

// facetShown is how many values of a facet show before 更多.
const facetShown = 8

// searchPage is the search page and, with Topic set, a topic's page.
type searchPage struct {
	layout
	Action      string // the path the form submits to and links keep
	Placeholder string
	Params      Params
	Error       string
	Result      *search.Result
	Count       string
	First       int
	Hits        []hitView
	Facets      []facetView
	Months      []monthView
	Chips       []chip
	ClearURL    string
	Suggestions []chip
	Sorts       []sortView
	Pager       pager
	Topic       *topicView
}

type hitView struct {
	ID, Kind, Date string
	Running        int
	Crumbs         []crumb
	Highlight      template.HTML
	Bodies         string
	DocType        string
	URL            string
	Citation       string
	Linked         bool
	Topics         []topicLink
}

type crumb struct{ Text, Full, URL string }

type topicLink struct{ Name, URL string }

type issueLink struct{ Label, URL string }

type facetView struct {
	Name, Label string
	Shown, More []facetValueView
}

type facetValueView struct {
	Value, Label   string
	Count          int
	Checked, Child bool
}

type monthView struct {
	Value, Label, URL string
	Count             int
	Active            bool
}

type chip struct{ Param, Value, Label, URL string }

type sortView struct {
	Value, Label, URL string
	Active            bool
}

type pager struct {
	Prev, Next string
	Pages      []pageLink
}

type pageLink struct {
	N            int
	URL          string
	Current, Gap bool
}

type topicView struct {
	Name, Subject string
	Passages      int
	Issues        []issueLink
}

// highlight is the one place a string becomes trusted HTML: the engine's
// highlight, which is the passage's text HTML-escaped with only <mark> added
// (search.Highlight).
func highlight(h search.Hit) template.HTML { return template.HTML(h.Highlight) }

func (s *Server) handleSearchPage(w http.ResponseWriter, r *http.Request, se *search.Searcher) error {
	page := &searchPage{layout: s.layout("检索", "search"), Action: "/", Placeholder: "检索词，如：技能人才评价 人社部"}
	if err := page.search(r, se, ""); err != nil {
		return s.formError(w, r, page, err)
	}
	if page.Params.Query != "" {
		page.Title = page.Params.Query + " · 检索"
	}
	s.render(w, r, http.StatusOK, "search.html", page)
	return nil
}

func (s *Server) handleTopicPage(w http.ResponseWriter, r *http.Request, se *search.Searcher) error {
	topic, err := loadTopic(r, se)
	if err != nil {
		return err
	}
	page := s.topicPage(*topic, se.TopicSubject(topic.Name))
	if err := page.search(r, se, topic.Name); err != nil {
		return s.formError(w, r, page, err)
	}
	s.render(w, r, http.StatusOK, "topic.html", page)
	return nil
}

// search runs the search r's parameters ask for, within topic if it is not
// "", and lays the result out.
func (page *searchPage) search(r *http.Request, se *search.Searcher, topic string) error {
	p, err := ParseParams(r.URL.Query())
	if err != nil {
		return err
	}
	page.Params = p
	res, cat, err := runSearch(r.Context(), se, p, topic)
	if err != nil {
		return err
	}
	page.fill(res, cat)
	return nil
}

// formError shows a bad request on its search page, the form kept with the
// message (status 400), and returns nil; any other error it returns, for
// the error page. It tests the code rather than the status so that status,
// which logs, runs once per error.
func (s *Server) formError(w http.ResponseWriter, r *http.Request, page *searchPage, err error) error {
	if zhengce.ErrorCode(err) != zhengce.EINVALID {
		return err
	}
	code, msg := s.status(r, err)
	if page.Params.Query == "" {
		// Keep what was typed in the box, whatever else was wrong.
		if q := r.URL.Query()[ParamQuery]; len(q) > 0 && utf8.ValidString(q[0]) {
			page.Params.Query = q[0]
		}
	}
	page.Title = "参数有误"
	page.Error = msg
	page.Result = nil
	page.Chips = nil
	tmpl := "search.html"
	if page.Topic != nil {
		tmpl = "topic.html"
	}
	s.render(w, r, code, tmpl, page)
	return nil
}

func (s *Server) topicPage(t search.Topic, subject string) *searchPage {
	page := &searchPage{
		layout: s.layout(t.Name+" · 研究方向", "topics"),
		Action: topicURL(t.Name), Placeholder: "在这一方向中检索",
		Topic: &topicView{Name: t.Name, Subject: subject, Passages: t.Passages},
	}
	for _, ref := range t.Issues {
		page.Topic.Issues = append(page.Topic.Issues, issueLink{Label: search.IssueLabel(ref), URL: issueURL(ref.Running)})
	}
	page.FeedURL = feedURL(t.Name)
	page.FeedTitle = "研究方向：" + t.Name
	return page
}

// fill lays out a result.
func (page *searchPage) fill(res *search.Result, cat catalogue) {
	p := page.Params
	page.Result = res
	page.First = (res.Page-1)*res.Size + 1
	switch {
	case res.Total == 0:
		page.Count = "共 0 段"
	case len(res.Hits) == 0:
		page.Count = fmt.Sprintf("共 %d 段；第 %d 页已超出范围", res.Total, res.Page)
	default:
		page.Count = fmt.Sprintf("共 %d 段，第 %d–%d 段（%.1f 毫秒）", res.Total, page.First, page.First+len(res.Hits)-1, res.TookMS)
	}
	for _, h := range res.Hits {
		page.Hits = append(page.Hits, newHitView(h, res.Query, cat))
	}

	for _, f := range facetLabels {
		if fv, ok := newFacetView(f.name, f.label, res.Facets[f.name], p, cat); ok {
			page.Facets = append(page.Facets, fv)
		}
	}
	months := slices.Clone(res.Facets[search.FacetMonth])
	sort.Slice(months, func(i, j int) bool { return months[i].Value > months[j].Value })
	for _, m := range months {
		first, last, ok := monthRange(m.Value)
		if !ok {
			continue
		}
		q := p.clone()
		q.From, q.To, q.Page = first, last, 0
		page.Months = append(page.Months, monthView{
			Value: m.Value, Label: strings.Replace(m.Value, "-", " 年 ", 1) + " 月", Count: m.Count,
			URL: q.link(page.Action), Active: p.From == first && p.To == last,
		})
	}

	for _, f := range facetLabels {
		for _, v := range p.values(f.name) {
			page.Chips = append(page.Chips, chip{Param: f.name, Value: v,
				Label: f.label + "：" + valueLabel(f.name, v, cat), URL: p.without(f.name, v).link(page.Action)})
		}
	}
	if p.From != "" {
		page.Chips = append(page.Chips, chip{Param: ParamFrom, Value: p.From, Label: "起：" + p.From, URL: p.without(ParamFrom, "").link(page.Action)})
	}
	if p.To != "" {
		page.Chips = append(page.Chips, chip{Param: ParamTo, Value: p.To, Label: "止：" + p.To, URL: p.without(ParamTo, "").link(page.Action)})
	}
	page.ClearURL = Params{Query: p.Query, Sort: p.Sort, Size: p.Size}.link(page.Action)
	if res.Total == 0 {
		page.Suggestions = page.Chips
	}

	if !ranked(p.Query) && page.Topic == nil {
		// Without words to rank by, the engine lists newest first.
		page.Sorts = []sortView{{Value: search.SortDate, Label: "按日期", Active: true}}
	} else {
		for _, o := range []struct{ value, label string }{{search.SortRelevance, "按相关度"}, {search.SortDate, "按日期"}} {
			q := p.clone()
			q.Sort, q.Page = o.value, 0
			active := p.Sort == o.value || (p.Sort == "" && o.value == search.SortRelevance)
			page.Sorts = append(page.Sorts, sortView{Value: o.value, Label: o.label, URL: q.link(page.Action), Active: active})
		}
	}
	page.Pager = newPager(p, res, page.Action)
}

// ranked says whether a query has words to rank by; without any (no query,
// or only exclusions) the engine lists newest first.
func ranked(q string) bool {
	terms, _ := search.ParseQuery(q)
	return slices.ContainsFunc(terms, func(t search.Term) bool { return !t.Exclude })
}

func newHitView(h search.Hit, query string, cat catalogue) hitView {
	v := hitView{
		ID: h.ID, Kind: string(h.Kind), Date: h.Date, Running: h.Issue.Running,
		Highlight: highlight(h), Bodies: strings.Join(h.Section.Bodies, " "), DocType: h.Section.DocType,
		URL: passageURL(h.Passage, query), Citation: search.Citation(h.Passage, cat.publisher(h.Issue.Running)),
		Linked: h.Linked,
	}
	v.Crumbs = crumbs(h.Passage)
	for _, d := range h.Directions {
		v.Topics = append(v.Topics, topicLink{Name: d, URL: topicURL(d)})
	}
	return v
}

// crumbs is the passage's breadcrumb with links into its issue's page; the
// headings inside a section are cut to their first clause.
func crumbs(p zhengce.Passage) []crumb {
	parts := search.Breadcrumb(p)
	out := make([]crumb, len(parts))
	for i, part := range parts {
		c := crumb{Text: part, Full: part}
		switch {
		case i == 0:
			c.URL = issueURL(p.Issue.Running)
		case i == 1 && p.Kind == zhengce.KindGuide:
			c.URL = issueURL(p.Issue.Running) + "#guide"
		case i == 1 && p.Kind == zhengce.KindDirection:
			c.URL = issueURL(p.Issue.Running) + "#directions"
		case i == 1:
			c.URL = issueURL(p.Issue.Running) + "#" + sectionAnchor(p.Section.Ordinal)
		default:
			c.Text = shorten(part)
		}
		out[i] = c
	}
	return out
}

// shorten cuts a sub-heading to its first clause, or to 24 characters:
// （四）健全职业发展体系，促进产业工人成长成才 → （四）健全职业发展体系…
func shorten(s string) string {
	const max = 24
	if i := strings.Index(s, "，"); i > 0 && utf8.RuneCountInString(s[:i]) <= max {
		return s[:i] + "…"
	}
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	return string([]rune(s)[:max]) + "…"
}

func sectionAnchor(ordinal int) string { return "s" + strconv.Itoa(ordinal) }

// newFacetView lists a facet's values for the sidebar: the values with
// counts, plus any value filtered on that has none (so it can be unticked).
// Policy areas list each second level under its top level; issues run
// newest first.
func newFacetView(name, label string, values []search.FacetValue, p Params, cat catalogue) (facetView, bool) {
	vals := slices.Clone(values)
	for _, v := range p.values(name) {
		if !slices.ContainsFunc(vals, func(f search.FacetValue) bool { return f.Value == v }) {
			vals = append(vals, search.FacetValue{Value: v})
		}
	}
	if len(vals) == 0 {
		return facetView{}, false
	}
	switch name {
	case ParamIssue:
		sort.SliceStable(vals, func(i, j int) bool {
			a, _ := strconv.Atoi(vals[i].Value)
			b, _ := strconv.Atoi(vals[j].Value)
			return a > b
		})
	case ParamArea:
		vals = nestAreas(vals)
	}
	fv := facetView{Name: name, Label: label}
	for i, v := range vals {
		item := facetValueView{Value: v.Value, Label: valueLabel(name, v.Value, cat), Count: v.Count, Checked: p.has(name, v.Value)}
		if name == ParamArea {
			if top, second, ok := strings.Cut(v.Value, "/"); ok && i > 0 && strings.HasPrefix(vals[i-1].Value, top) {
				item.Label, item.Child = second, true
			}
		}
		if i < facetShown || item.Checked {
			fv.Shown = append(fv.Shown, item)
		} else {
			fv.More = append(fv.More, item)
		}
	}
	return fv, true
}

// nestAreas orders policy areas so that each top level is followed by its
// second levels.
func nestAreas(vals []search.FacetValue) []search.FacetValue {
	var out []search.FacetValue
	placed := map[string]bool{}
	for _, v := range vals {
		if strings.Contains(v.Value, "/") {
			continue
		}
		out = append(out, v)
		placed[v.Value] = true
		for _, c := range vals {
			if top, _, ok := strings.Cut(c.Value, "/"); ok && top == v.Value {
				out = append(out, c)
				placed[c.Value] = true
			}
		}
	}
	for _, v := range vals {
		if !placed[v.Value] {
			out = append(out, v)
		}
	}
	return out
}

// valueLabel is how a facet value reads: an issue by its number within the
// year, anything else as it is.
func valueLabel(name, value string, cat catalogue) string {
	if name != ParamIssue {
		return value
	}
	n, err := strconv.Atoi(value)
	if err != nil {
		return value
	}
	if iss := cat[n]; iss != nil && len(iss.Date) >= 4 {
		return fmt.Sprintf("%s 年第 %d 期（总第 %d 期）", iss.Date[:4], iss.Number, n)
	}
	return fmt.Sprintf("总第 %d 期", n)
}

// monthRange is the first and last day of a month YYYY-MM.
func monthRange(month string) (first, last string, ok bool) {
	t, err := time.Parse("2006-01", month)
	if err != nil {
		return "", "", false
	}
	return t.Format(time.DateOnly), t.AddDate(0, 1, -1).Format(time.DateOnly), true
}

func newPager(p Params, res *search.Result, action string) pager {
	pages := int((res.Total + uint64(res.Size) - 1) / uint64(res.Size))
	pages = min(pages, MaxPage, MaxResults/res.Size) // no link to a page ParseParams refuses
	if pages <= 1 && res.Page <= 1 {
		return pager{}
	}
	link := func(n int) string {
		q := p.clone()
		q.Page = n
		return q.link(action)
	}
	var out pager
	if res.Page > 1 {
		out.Prev = link(min(res.Page-1, max(pages, 1)))
	}
	if res.Page < pages {
		out.Next = link(res.Page + 1)
	}
	last := 0
	for n := 1; n <= pages; n++ {
		if n != 1 && n != pages && (n < res.Page-2 || n > res.Page+2) {
			continue
		}
		if last != 0 && n > last+1 {
			out.Pages = append(out.Pages, pageLink{Gap: true})
		}
		out.Pages = append(out.Pages, pageLink{N: n, URL: link(n), Current: n == res.Page})
		last = n
	}
	return out
}

// The list of issues.

type issuesPage struct {
	layout
	Issues []issueListItem
}

type issueListItem struct {
	Running  int
	URL      string
	Label    string
	Weekday  string
	Sections []string
	Topics   []topicLink
	Passages int
}

func (s *Server) handleIssuesPage(w http.ResponseWriter, r *http.Request, se *search.Searcher) error {
	issues, err := se.Issues(r.Context())
	if err != nil {
		return err
	}
	page := issuesPage{layout: s.layout("各期", "issues")}
	for _, iss := range issues {
		item := issueListItem{
			Running: iss.Running, URL: issueURL(iss.Running), Weekday: iss.Weekday, Passages: iss.Passages,
			Label: search.IssueLabel(zhengce.IssueRef{Number: iss.Number, Running: iss.Running, Date: iss.Date}),
		}
		for _, sec := range iss.Sections {
			item.Sections = append(item.Sections, search.Numeral(sec.Ordinal)+"、"+sec.Heading)
		}
		for _, d := range iss.Directions {
			item.Topics = append(item.Topics, topicLink{Name: d, URL: topicURL(d)})
		}
		page.Issues = append(page.Issues, item)
	}
	s.render(w, r, http.StatusOK, "issues.html", page)
	return nil
}

// One issue, as the bulletin reads.

type issuePage struct {
	layout
	Issue    *search.IssueSummary
	Error    string
	Query    string
	Matches  int
	PlainURL string
	Parts    []issuePart
}

// issuePart is the guide, one policy section or the research directions.
type issuePart struct {
	ID, Heading, Meta string
	Entries           []issueEntry
}

type issueEntry struct {
	Lead      string // a guide entry's ● line, before its first passage
	ID, Kind  string
	Text      string
	Highlight template.HTML
	Match     bool
	Heading   bool // a sub-heading line
	Citation  string
	Number    int    // a research direction's number
	TopicURL  string // a research direction's page
}

func (s *Server) handleIssuePage(w http.ResponseWriter, r *http.Request, se *search.Searcher) error {
	sum, passages, err := loadIssue(r, se)
	if err != nil {
		return err
	}
	page := issuePage{
		layout: s.layout(search.IssueLabel(zhengce.IssueRef{Number: sum.Number, Running: sum.Running, Date: sum.Date}), "issues"),
		Issue:  sum, PlainURL: issueURL(sum.Running),
	}
	code := http.StatusOK
	// ?q= marks the query's words in the passages that match, so that a hit
	// opened from a search shows why it matched; a bad one still shows the
	// issue, with the message.
	marks := map[string]search.Hit{}
	if qs := r.URL.Query()[ParamQuery]; len(qs) > 0 {
		q := strings.TrimSpace(qs[0])
		err := checkQuery(q)
		if err == nil && len(qs) > 1 {
			err = invalid(ParamQuery, "given %d times, give it once", len(qs))
		}
		if err == nil && q != "" {
			marks, err = matchesInIssue(r, se, q, sum.Running)
		}
		switch {
		case zhengce.ErrorCode(err) == zhengce.EINVALID:
			code, page.Error = s.status(r, err)
		case err != nil:
			return err
		default:
			page.Query, page.Matches = q, len(marks)
		}
	}
	page.Parts = issueParts(sum, passages, marks)
	s.render(w, r, code, "issue.html", page)
	return nil
}

// matchesInIssue finds the passages of one issue that match q.
func matchesInIssue(r *http.Request, se *search.Searcher, q string, running int) (map[string]search.Hit, error) {
	out := map[string]search.Hit{}
	req := search.Request{Query: q, Issues: []int{running}, Size: search.MaxSize}
	for req.Page = 1; req.Page <= 20; req.Page++ {
		res, err := se.Search(r.Context(), req)
		if err != nil {
			return nil, err
		}
		for _, h := range res.Hits {
			out[h.ID] = h
		}
		if len(res.Hits) < req.Size {
			break
		}
	}
	return out, nil
}

// issueParts lays out an issue's passages in bulletin order: the guide, the
// sections, the research directions.
func issueParts(sum *search.IssueSummary, passages []zhengce.Passage, marks map[string]search.Hit) []issuePart {
	var parts []issuePart
	part := func(id string) *issuePart {
		if len(parts) == 0 || parts[len(parts)-1].ID != id {
			parts = append(parts, issuePart{ID: id})
		}
		return &parts[len(parts)-1]
	}
	sections := map[int]zhengce.SectionRef{}
	for _, sec := range sum.Sections {
		sections[sec.Ordinal] = sec
	}
	lastGuide := ""
	direction := 0
	for i, p := range passages {
		e := issueEntry{ID: p.ID, Kind: string(p.Kind), Text: p.Text, Citation: search.Citation(p, sum.Publisher)}
		if h, ok := marks[p.ID]; ok {
			e.Match, e.Highlight = true, highlight(h)
		}
		var pt *issuePart
		switch p.Kind {
		case zhengce.KindGuide:
			pt = part("guide")
			pt.Heading = "本期导读"
			// Guide IDs are RRR-gEE-PP: a new EE is a new ● entry.
			if entry, _, _ := strings.Cut(strings.TrimPrefix(p.ID, fmt.Sprintf("%03d-", p.Issue.Running)), "-"); entry != lastGuide {
				lastGuide = entry
				e.Lead = p.Section.Heading
			}
		case zhengce.KindDirection:
			pt = part("directions")
			pt.Heading = search.Numeral(len(sum.Sections)+1) + "、本期推荐研究方向"
			direction++
			e.Number, e.TopicURL = direction, topicURL(p.Text)
		default:
			pt = part(sectionAnchor(p.Section.Ordinal))
			if pt.Heading == "" {
				sec, ok := sections[p.Section.Ordinal]
				if !ok {
					sec = p.Section
				}
				pt.Heading = search.Numeral(sec.Ordinal) + "、" + sec.Heading
				var meta []string
				for _, m := range []string{sec.Date, strings.Join(sec.Bodies, " "), sec.DocType} {
					if m != "" {
						meta = append(meta, m)
					}
				}
				pt.Meta = strings.Join(meta, " · ")
			}
			e.Heading = i+1 < len(passages) && isHeadingOf(p, passages[i+1])
		}
		pt.Entries = append(pt.Entries, e)
	}
	return parts
}

// isHeadingOf says whether p is a heading line over next: next's heading
// path ends with p's text.
func isHeadingOf(p, next zhengce.Passage) bool {
	if len(next.Path) == 0 {
		return false
	}
	text := strings.TrimRight(p.Text, "。：:")
	return next.Path[len(next.Path)-1] == text || next.Path[len(next.Path)-1] == p.Text
}

// The list of topics.

type topicsPage struct {
	layout
	Topics []topicListItem
}

type topicListItem struct {
	Name, URL, Feed string
	Passages        int
	Issues          []issueLink
}

func (s *Server) handleTopicsPage(w http.ResponseWriter, r *http.Request, se *search.Searcher) error {
	topics, err := se.Topics(r.Context())
	if err != nil {
		return err
	}
	page := topicsPage{layout: s.layout("研究方向", "topics")}
	for _, t := range topics {
		item := topicListItem{Name: t.Name, URL: topicURL(t.Name), Feed: feedURL(t.Name), Passages: t.Passages}
		for _, ref := range t.Issues {
			item.Issues = append(item.Issues, issueLink{Label: search.IssueLabel(ref), URL: issueURL(ref.Running)})
		}
		page.Topics = append(page.Topics, item)
	}
	s.render(w, r, http.StatusOK, "topics.html", page)
	return nil
}

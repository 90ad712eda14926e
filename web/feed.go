package web

import (
	"bytes"
	"encoding/xml"
	"html"
	"net"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gorilla/feeds"

	"zhengce"
	"zhengce/search"
)

// A topic's Atom feed (/topics/{direction}/feed.atom) holds the hits of the
// topic's page for the same parameters — the passages linked to the
// direction, then the best matches for its subject — but feedDefaultLen of
// them unless size says otherwise, and newest first, as a feed reader
// expects: by passage date (the policy's, else the issue's), then issue,
// then place in the issue.
//
// Entries are made by gorilla/feeds. IDs are tag URIs that depend only on
// the site's host and the passage ID, which re-indexing keeps:
// tag:HOST,2024:passage/089-s03-004; the feed's own is
// tag:HOST,2024:topic/NAME (percent-encoded). HOST is Config.BaseURL's host,
// else the request's. updated is the passage's date (midnight, China time).

// tagDate is the date part of every tag URI: fixed, so IDs never change.
const tagDate = "2024"

// chinaTime is the zone the bulletin's dates are in.
var chinaTime = time.FixedZone("CST", 8*60*60)

// atomFeed is the feed element with both the links a feed should have
// (alternate and self), which feeds.AtomFeed has room for only one of; its
// entries are gorilla/feeds' own.
type atomFeed struct {
	XMLName  xml.Name           `xml:"feed"`
	Xmlns    string             `xml:"xmlns,attr"`
	Title    string             `xml:"title"`
	ID       string             `xml:"id"`
	Updated  string             `xml:"updated"`
	Subtitle string             `xml:"subtitle,omitempty"`
	Links    []feeds.AtomLink   `xml:"link"`
	Author   *feeds.AtomAuthor  `xml:"author,omitempty"`
	Entries  []*feeds.AtomEntry `xml:"entry"`
}

func (s *Server) handleTopicFeed(w http.ResponseWriter, r *http.Request, se *search.Searcher) error {
	topic, err := loadTopic(r, se)
	if err != nil {
		return err
	}
	p, err := ParseParams(r.URL.Query())
	if err != nil {
		return err
	}
	self := p.link(feedURL(topic.Name))
	if err := p.checkDepth(feedDefaultLen); err != nil {
		return err
	}
	if p.Size == 0 {
		p.Size = feedDefaultLen
	}
	res, cat, err := runSearch(r.Context(), se, p, topic.Name)
	if err != nil {
		return err
	}

	base := s.baseURL(r)
	authority := tagAuthority(base)
	hits := newestFirst(res.Hits)
	publisher := ""
	if len(topic.Issues) > 0 {
		publisher = cat.publisher(topic.Issues[0].Running)
	}
	if publisher == "" {
		publisher = "《高等职业教育动态》"
	}
	f := &feeds.Feed{
		Title:       "研究方向：" + topic.Name + " · 高等职业教育动态",
		Link:        &feeds.Link{Href: base + topicURL(topic.Name)},
		Description: "《高等职业教育动态》推荐的研究方向“" + topic.Name + "”：关联段落与各期中的相关段落",
		Author:      &feeds.Author{Name: publisher},
	}
	for _, h := range hits {
		f.Add(feedItem(h, base, authority, cat))
	}
	switch {
	case len(hits) > 0:
		f.Updated = dayTime(hits[0].Date)
	case len(topic.Issues) > 0:
		f.Updated = dayTime(topic.Issues[0].Date)
	}
	if f.Updated.IsZero() {
		f.Updated = time.Date(2000, 1, 1, 0, 0, 0, 0, chinaTime)
	}
	af := (&feeds.Atom{Feed: f}).AtomFeed()
	out := atomFeed{
		Xmlns: af.Xmlns, Title: af.Title, Updated: af.Updated, Subtitle: af.Subtitle, Author: af.Author,
		ID: "tag:" + authority + "," + tagDate + ":topic/" + url.PathEscape(topic.Name),
		Links: []feeds.AtomLink{
			{Href: base + topicURL(topic.Name), Rel: "alternate", Type: "text/html"},
			{Href: base + self, Rel: "self", Type: "application/atom+xml"},
		},
		Entries: af.Entries,
	}
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	enc := xml.NewEncoder(&buf)
	enc.Indent("", "  ")
	if err := enc.Encode(out); err != nil {
		return err
	}
	buf.WriteString("\n")
	w.Header().Set("Content-Type", "application/atom+xml; charset=utf-8")
	w.Write(buf.Bytes())
	return nil
}

func feedItem(h search.Hit, base, authority string, cat catalogue) *feeds.Item {
	crumb := strings.Join(search.Breadcrumb(h.Passage), " › ")
	citation := search.Citation(h.Passage, cat.publisher(h.Issue.Running))
	// The summary is HTML: the highlighted passage (already escaped), where
	// it sits and how to cite it (escaped here).
	summary := "<p>" + h.Highlight + "</p><p>" + html.EscapeString(crumb) + "</p><p>引用：" + html.EscapeString(citation) + "</p>"
	item := &feeds.Item{
		Title:       excerpt(h.Text, 40),
		Link:        &feeds.Link{Href: base + passageURL(h.Passage, "")},
		Id:          "tag:" + authority + "," + tagDate + ":passage/" + url.PathEscape(h.ID),
		Updated:     dayTime(h.Date),
		Description: summary,
	}
	if item.Updated.IsZero() {
		item.Updated = dayTime(h.Issue.Date)
	}
	if len(h.Section.Bodies) > 0 {
		item.Author = &feeds.Author{Name: strings.Join(h.Section.Bodies, " ")}
	}
	return item
}

// newestFirst orders hits by date, newest first, then by issue (newest
// first) and place in the issue.
func newestFirst(hits []search.Hit) []search.Hit {
	out := append([]search.Hit(nil), hits...)
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Date != b.Date {
			return a.Date > b.Date
		}
		if a.Issue.Running != b.Issue.Running {
			return a.Issue.Running > b.Issue.Running
		}
		return a.Ordinal < b.Ordinal
	})
	return out
}

// dayTime is midnight of a YYYY-MM-DD day in China; zero if it is not one.
func dayTime(day string) time.Time {
	d, err := zhengce.ParseDate(day)
	if err != nil {
		return time.Time{}
	}
	return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, chinaTime)
}

// excerpt is the first n characters of s.
func excerpt(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}

// baseURL is the site's absolute URL without a trailing slash: the
// configured one, else the request's scheme and host.
func (s *Server) baseURL(r *http.Request) string {
	if s.cfg.BaseURL != "" {
		return s.cfg.BaseURL
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	host := r.Host
	if host == "" {
		host = "localhost"
	}
	return scheme + "://" + host
}

// tagAuthority is the host name of base, the authority of tag URIs (which
// take no port).
func tagAuthority(base string) string {
	u, err := url.Parse(base)
	if err != nil || u.Host == "" {
		return "localhost"
	}
	host := u.Host
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.Trim(strings.ToLower(host), "[]")
	if host == "" {
		return "localhost"
	}
	return host
}

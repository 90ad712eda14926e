package web

import (
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"zhengce"
	"zhengce/search"
)

// Parameter names, the same for the pages, the API and the feeds.
const (
	ParamQuery     = "q"
	ParamBody      = search.FacetBody
	ParamArea      = search.FacetArea
	ParamDirection = search.FacetDirection
	ParamDocType   = search.FacetDocType
	ParamKind      = search.FacetKind
	ParamIssue     = search.FacetIssue
	ParamFrom      = "from"
	ParamTo        = "to"
	ParamSort      = "sort"
	ParamPage      = "page"
	ParamSize      = "size"
)

// Limits on what a request may ask, so that no URL makes a search costly.
const (
	MaxPage = 10000
	// MaxResults caps page × size: a search collects every hit up to the
	// page's last (bleve keeps them all in memory to sort), so a deep page
	// costs as much as one page holding all of them. Filters narrow a
	// search better.
	MaxResults     = 10000
	maxQueryRunes  = 200
	maxQueryTerms  = 32
	maxValues      = 50  // values of one facet parameter
	maxValueRunes  = 100 // length of one facet value
	maxRunning     = 1_000_000
	feedDefaultLen = 50
)

// Params is the state of a search as its URL carries it: every page and API
// call that searches reads it with ParseParams and links with Values, so a
// search can be bookmarked and shared.
type Params struct {
	Query      string
	Bodies     []string
	Areas      []string
	Directions []string
	DocTypes   []string
	Kinds      []string
	Issues     []int // running numbers
	From, To   string
	Sort       string // "" (relevance), search.SortRelevance or search.SortDate
	Page, Size int    // 0: the default
}

// multi lists the repeatable facet parameters and where Params keeps them.
func (p *Params) multi() []struct {
	name   string
	values *[]string
} {
	return []struct {
		name   string
		values *[]string
	}{
		{ParamBody, &p.Bodies}, {ParamArea, &p.Areas}, {ParamDirection, &p.Directions},
		{ParamDocType, &p.DocTypes}, {ParamKind, &p.Kinds},
	}
}

// ParseParams reads and checks a search's parameters. A bad one is a
// *zhengce.Error with code EINVALID whose message starts with the parameter's
// name. Unknown parameters are ignored.
func ParseParams(v url.Values) (Params, error) {
	var p Params
	single := func(name string) (string, error) {
		vs := v[name]
		if len(vs) > 1 {
			return "", invalid(name, "given %d times, give it once", len(vs))
		}
		if len(vs) == 0 {
			return "", nil
		}
		s := strings.TrimSpace(vs[0])
		if !utf8.ValidString(s) {
			return "", invalid(name, "is not valid UTF-8")
		}
		return s, nil
	}
	var err error
	if p.Query, err = single(ParamQuery); err != nil {
		return Params{}, err
	}
	if err := checkQuery(p.Query); err != nil {
		return Params{}, err
	}
	for _, m := range p.multi() {
		if *m.values, err = multiValues(v, m.name); err != nil {
			return Params{}, err
		}
	}
	issues, err := multiValues(v, ParamIssue)
	if err != nil {
		return Params{}, err
	}
	for _, s := range issues {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > maxRunning {
			return Params{}, invalid(ParamIssue, "must be a running number (总第 N 期) from 1, not %q", s)
		}
		if !slices.Contains(p.Issues, n) {
			p.Issues = append(p.Issues, n)
		}
	}
	var from, to zhengce.Date
	for _, d := range []struct {
		name string
		into *string
		date *zhengce.Date
	}{{ParamFrom, &p.From, &from}, {ParamTo, &p.To, &to}} {
		s, err := single(d.name)
		if err != nil {
			return Params{}, err
		}
		if s == "" {
			continue
		}
		if *d.date, err = zhengce.ParseDate(s); err != nil {
			return Params{}, invalid(d.name, "must be a date YYYY-MM-DD, not %q", s)
		}
		*d.into = d.date.String()
	}
	if !from.IsZero() && !to.IsZero() && to.Before(from.Time) {
		return Params{}, invalid(ParamTo, "%s is before from (%s)", p.To, p.From)
	}
	if p.Sort, err = single(ParamSort); err != nil {
		return Params{}, err
	}
	if p.Sort != "" && p.Sort != search.SortRelevance && p.Sort != search.SortDate {
		return Params{}, invalid(ParamSort, "must be %s or %s, not %q", search.SortRelevance, search.SortDate, p.Sort)
	}
	if s, err := single(ParamPage); err != nil {
		return Params{}, err
	} else if s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			return Params{}, invalid(ParamPage, "must be a whole number from 1, not %q", s)
		}
		if n > MaxPage {
			return Params{}, invalid(ParamPage, "must be at most %d, not %q", MaxPage, s)
		}
		p.Page = n
	}
	if s, err := single(ParamSize); err != nil {
		return Params{}, err
	} else if s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > search.MaxSize {
			return Params{}, invalid(ParamSize, "must be a whole number from 1 to %d, not %q", search.MaxSize, s)
		}
		p.Size = n
	}
	if err := p.checkDepth(search.DefaultSize); err != nil {
		return Params{}, err
	}
	return p, nil
}

// checkDepth checks that p pages no deeper than MaxResults, with a size of
// defaultSize if p has none.
func (p Params) checkDepth(defaultSize int) error {
	size := p.Size
	if size == 0 {
		size = defaultSize
	}
	if p.Page*size > MaxResults {
		return invalid(ParamPage, "page × size must be at most %d, not %d × %d = %d: narrow the search with a filter instead",
			MaxResults, p.Page, size, p.Page*size)
	}
	return nil
}

func checkQuery(q string) error {
	if utf8.RuneCountInString(q) > maxQueryRunes {
		return invalid(ParamQuery, "must be at most %d characters", maxQueryRunes)
	}
	terms, err := search.ParseQuery(q)
	if err != nil {
		return invalid(ParamQuery, "%s", strings.TrimPrefix(err.Error(), "query: "))
	}
	switch {
	case q != "" && len(terms) == 0:
		return invalid(ParamQuery, "%q has no words to search for", q)
	case len(terms) > maxQueryTerms:
		return invalid(ParamQuery, "must be at most %d words, not %d", maxQueryTerms, len(terms))
	}
	return nil
}

// multiValues reads a repeatable parameter: values trimmed, empty ones
// dropped (a form's empty field), duplicates dropped.
func multiValues(v url.Values, name string) ([]string, error) {
	var out []string
	for _, s := range v[name] {
		s = strings.TrimSpace(s)
		switch {
		case s == "" || slices.Contains(out, s):
			continue
		case !utf8.ValidString(s):
			return nil, invalid(name, "is not valid UTF-8")
		case utf8.RuneCountInString(s) > maxValueRunes:
			return nil, invalid(name, "a value must be at most %d characters", maxValueRunes)
		}
		out = append(out, s)
	}
	if len(out) > maxValues {
		return nil, invalid(name, "at most %d values, not %d", maxValues, len(out))
	}
	return out, nil
}

// Request is the search p asks for.
func (p Params) Request() search.Request {
	req := search.Request{
		Query: p.Query, Bodies: p.Bodies, Areas: p.Areas, Directions: p.Directions,
		DocTypes: p.DocTypes, Kinds: p.Kinds, Issues: p.Issues,
		Sort: p.Sort, Page: p.Page, Size: p.Size,
	}
	// ParseParams checked the dates.
	if p.From != "" {
		req.From, _ = zhengce.ParseDate(p.From)
	}
	if p.To != "" {
		req.To, _ = zhengce.ParseDate(p.To)
	}
	return req
}

// Filtered says whether any filter is set (the query aside).
func (p Params) Filtered() bool {
	return len(p.Bodies)+len(p.Areas)+len(p.Directions)+len(p.DocTypes)+len(p.Kinds)+len(p.Issues) > 0 ||
		p.From != "" || p.To != ""
}

// Values encodes p as URL parameters, leaving defaults out.
func (p Params) Values() url.Values {
	v := url.Values{}
	if p.Query != "" {
		v.Set(ParamQuery, p.Query)
	}
	for _, m := range p.multi() {
		for _, s := range *m.values {
			v.Add(m.name, s)
		}
	}
	for _, n := range p.Issues {
		v.Add(ParamIssue, strconv.Itoa(n))
	}
	if p.From != "" {
		v.Set(ParamFrom, p.From)
	}
	if p.To != "" {
		v.Set(ParamTo, p.To)
	}
	if p.Sort != "" && p.Sort != search.SortRelevance {
		v.Set(ParamSort, p.Sort)
	}
	if p.Page > 1 {
		v.Set(ParamPage, strconv.Itoa(p.Page))
	}
	if p.Size != 0 && p.Size != search.DefaultSize {
		v.Set(ParamSize, strconv.Itoa(p.Size))
	}
	return v
}

// link is path with p's parameters.
func (p Params) link(path string) string {
	if q := p.Values().Encode(); q != "" {
		return path + "?" + q
	}
	return path
}

// clone returns a copy of p that shares no slice with it.
func (p Params) clone() Params {
	c := p
	for _, m := range c.multi() {
		*m.values = slices.Clone(*m.values)
	}
	c.Issues = slices.Clone(p.Issues)
	return c
}

// without returns p without one value of a parameter, back on page 1: what a
// filter chip links to.
func (p Params) without(name, value string) Params {
	c := p.clone()
	c.Page = 0
	switch name {
	case ParamQuery:
		c.Query = ""
	case ParamIssue:
		c.Issues = slices.DeleteFunc(c.Issues, func(n int) bool { return strconv.Itoa(n) == value })
	case ParamFrom:
		c.From = ""
	case ParamTo:
		c.To = ""
	default:
		for _, m := range c.multi() {
			if m.name == name {
				*m.values = slices.DeleteFunc(*m.values, func(s string) bool { return s == value })
			}
		}
	}
	return c
}

// has says whether p filters on value of a facet.
func (p Params) has(name, value string) bool {
	if name == ParamIssue {
		return slices.ContainsFunc(p.Issues, func(n int) bool { return strconv.Itoa(n) == value })
	}
	for _, m := range p.multi() {
		if m.name == name {
			return slices.Contains(*m.values, value)
		}
	}
	return false
}

// values returns the values p filters a facet on, as strings.
func (p Params) values(name string) []string {
	if name == ParamIssue {
		out := make([]string, len(p.Issues))
		for i, n := range p.Issues {
			out[i] = strconv.Itoa(n)
		}
		return out
	}
	for _, m := range p.multi() {
		if m.name == name {
			return *m.values
		}
	}
	return nil
}

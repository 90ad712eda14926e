// Package gen writes synthetic issues of 《高等职业教育动态》 in the format the
// institute exports (see FORMAT.md), by recombining the parts of real issues:
// section headings, bodies, titles, sentences, points, further readings,
// guide summaries and research directions. It exists to exercise parsing,
// indexing, facets and topics at scale: 10,000 issues make about a million
// passages.
//
// Output is deterministic: the same material and options give the same
// bytes. Issue i depends only on the seed, i and the calendar, so that the
// first n issues of a longer run are those of a run of n (unless the run is
// so long that the calendar has to be compressed, see Options.End).
package gen

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"

	"zhengce"
)

// Options say what to generate.
type Options struct {
	Issues       int          // how many issues
	Seed         uint64       // the same seed gives the same issues
	FirstRunning int          // 总第 N 期 of the first issue (default DefaultFirstRunning)
	Start        zhengce.Date // date of the first issue (default DefaultStart)
	// Every is the number of days between issues (default 14; 0 means the
	// default). When the issues would run past End they are spread evenly
	// up to it instead, several a day if need be.
	Every float64
	End   zhengce.Date // no issue is dated after this (default DefaultEnd)
	// VaryEncoding writes some issues as GB18030, or UTF-8 with a BOM and
	// CRLF, or with CRLF, as the institute's files come; else all are
	// UTF-8 with LF.
	VaryEncoding bool
}

// Defaults. The first running number leaves room below for the real issues
// (总第 86–91 期 and those to come).
const (
	DefaultFirstRunning = 1000
	DefaultEvery        = 14

	maxIssues = 1_000_000 // 总第 N 期 stays a sensible number
)

var (
	DefaultStart = zhengce.NewDate(2015, 1, 7)   // a Wednesday, the bulletin's day
	DefaultEnd   = zhengce.NewDate(2099, 12, 31) // keeps dates (and years in the text) plausible
	LatestEnd    = zhengce.NewDate(2199, 12, 31) // the index stores dates as Unix nanoseconds: up to 2262
	EarliestDate = zhengce.NewDate(1950, 1, 1)   // a policy's year in the text stays four digits
)

// Generator makes the issues of one run.
type Generator struct {
	m          *Material
	opt        Options
	start, end time.Time
	every      float64
}

// New checks opt, fills in its defaults and returns the generator.
func New(m *Material, opt Options) (*Generator, error) {
	if opt.FirstRunning == 0 {
		opt.FirstRunning = DefaultFirstRunning
	}
	if opt.Start.IsZero() {
		opt.Start = DefaultStart
	}
	if opt.End.IsZero() {
		opt.End = DefaultEnd
	}
	if opt.Every == 0 {
		opt.Every = DefaultEvery
	}
	switch {
	case opt.Issues < 1 || opt.Issues > maxIssues:
		return nil, zhengce.Errorf(zhengce.EINVALID, "the number of issues must be 1 to %d, not %d", maxIssues, opt.Issues)
	case opt.FirstRunning < 1 || opt.FirstRunning > 10*maxIssues:
		return nil, zhengce.Errorf(zhengce.EINVALID, "the first running number must be 1 to %d, not %d", 10*maxIssues, opt.FirstRunning)
	case opt.Every < 0 || opt.Every > 366:
		return nil, zhengce.Errorf(zhengce.EINVALID, "the days between issues must be above 0 and at most 366, not %g", opt.Every)
	case opt.Start.Before(EarliestDate.Time) || opt.Start.After(LatestEnd.Time):
		return nil, zhengce.Errorf(zhengce.EINVALID, "the start date must be between %s and %s, not %s", EarliestDate, LatestEnd, opt.Start)
	case opt.End.After(LatestEnd.Time):
		return nil, zhengce.Errorf(zhengce.EINVALID, "the end date must be %s or earlier, not %s", LatestEnd, opt.End)
	case opt.End.Before(opt.Start.Time):
		return nil, zhengce.Errorf(zhengce.EINVALID, "the end date %s is before the start date %s", opt.End, opt.Start)
	}
	g := &Generator{m: m, opt: opt, start: opt.Start.Time, end: opt.End.Time, every: opt.Every}
	if n := opt.Issues - 1; n > 0 {
		span := g.end.Sub(g.start).Hours() / 24
		if float64(n)*g.every > span {
			g.every = span / float64(n)
		}
	}
	return g, nil
}

// Issue is one generated issue.
type Issue struct {
	Name       string // issue-01000.txt
	Running    int    // 总第 N 期
	Number     int    // 第 N 期, within the year
	Date       zhengce.Date
	Data       []byte // the file's bytes
	Passages   int    // as indexer.Passages counts them once parsed
	Sections   int
	Directions int
}

// Name is the file name of issue i (from 0).
func (g *Generator) Name(i int) string {
	return fmt.Sprintf("issue-%05d.txt", g.opt.FirstRunning+i)
}

// Issue generates issue i (from 0).
func (g *Generator) Issue(i int) Issue {
	is := g.build(i)
	return Issue{
		Name: g.Name(i), Running: is.running, Number: is.number, Date: zhengce.Date{Time: is.date},
		Data: is.data, Passages: is.passages(), Sections: len(is.sections), Directions: len(is.directions),
	}
}

// calendarKey separates the calendar's random stream from the issues'.
const calendarKey = 0x9e3779b97f4a7c15

// date is the date of issue i: the start date, then every g.every days, a
// day or two late now and then when issues are a week or more apart (so
// dates still increase strictly).
func (g *Generator) date(i int) time.Time {
	d := g.start.AddDate(0, 0, int(float64(i)*g.every))
	if g.every >= 7 && i > 0 {
		r := rand.New(rand.NewPCG(g.opt.Seed^calendarKey, uint64(i)))
		late := 0
		switch r.IntN(8) {
		case 6:
			late = 1
		case 7:
			late = 2
		}
		if l := d.AddDate(0, 0, late); !l.After(g.end) {
			d = l
		}
	}
	return d
}

// number is issue i's number within its year: the year's first issue of
// the run is 第 1 期.
func (g *Generator) number(i int) int {
	y := g.date(i).Year()
	lo, hi := 0, i // first index in [lo, hi] dated in year y; dates never decrease
	for lo < hi {
		mid := (lo + hi) / 2
		if g.date(mid).Year() < y {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	return i - lo + 1
}

// issue is the model of one issue: what is written and, beside it, what the
// parser must read back.
type issue struct {
	running, number int
	date            time.Time
	sections        []*section
	directions      []string
	data            []byte
}

type section struct {
	date      time.Time
	monthOnly bool // written 2024 年 11 月: the parser reads no date
	year      int  // the year its text speaks from
	heading   string
	bodies    []string
	note      string
	title     string // as the parser reads it, without 关于印发 wrappers
	docType   string
	leadIn    string
	headLine  string // the whole heading line after the ordinal
	guide     []para
	paras     []para
	further   string     // the 【延伸阅读】 title, "" for none
	budget    int        // passages of the section, further reading included
	furtherN  int        // passages of the further-reading block; -1 for none
	titleCore text       // the subject of its title, for the further reading's title
	subs      []int      // sub-headings used, indexes into Material.subHeadings
	guideFur  bool       // the guide names its further reading
	layout    layoutKind // how its sub-headings and paragraphs are laid out
}

// para is one paragraph: raw as written (** marks, a title on a line of
// its own), text as the parser reads it back, "" when it makes no passage.
type para struct {
	raw, text string
	breakable bool // a page break may cut it
}

func (is *issue) passages() int {
	n := len(is.directions)
	for _, s := range is.sections {
		n += len(s.guide)
		for _, p := range s.paras {
			if p.text != "" {
				n++
			}
		}
	}
	return n
}

type layoutKind int

const (
	layoutPlain        layoutKind = iota // paragraphs, no sub-headings
	layoutInline                         // （一）heading。text… in one paragraph
	layoutPoints                         // （一）heading。 alone, then 一是… paragraphs
	layoutInlinePoints                   // （一）heading。一是…二是… in one paragraph
	layoutMixed                          // （一）heading。 alone, then a paragraph of points and plain ones
)

// blockMean is the mean passages per sub-heading of each layout, and
// blockMin the fewest.
var (
	blockMean = [...]float64{1, 1.4, 4.5, 1.6, 3}
	blockMin  = [...]int{1, 1, 2, 1, 2}
)

const (
	maxSubHeadings = 15
	minPassages    = 40 // an issue's passages are drawn from [minPassages, maxPassages]
	maxPassages    = 160
)

// splitmix scrambles an issue index into a PCG stream selector.
func splitmix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

func (g *Generator) build(i int) *issue {
	r := rand.New(rand.NewPCG(g.opt.Seed, splitmix(uint64(i))))
	m := g.m
	is := &issue{running: g.opt.FirstRunning + i, number: g.number(i), date: g.date(i)}

	nsec := 2 + r.IntN(5)
	ndir := 1 + r.IntN(4)
	target := minPassages + r.IntN(maxPassages-minPassages+1)

	// What surrounds the sections first, so that the sections make up
	// the rest of the issue's passages.
	rest := target - ndir
	canFurther := len(m.questions) > 0 && len(m.answers) > 0
	for range nsec {
		s := &section{}
		s.date = is.date.AddDate(0, 0, -(3 + r.IntN(43)))
		s.year = s.date.Year()
		s.monthOnly = r.IntN(50) == 0
		s.furtherN = -1
		if canFurther && r.IntN(10) < 3 {
			s.furtherN = 0 // decided with the budget
			s.guideFur = r.IntN(10) < 7
		}
		guideN := 1
		if r.IntN(10) == 0 {
			guideN = 2
		}
		s.guide = make([]para, guideN)
		rest -= guideN
		if s.guideFur {
			rest--
		}
		is.sections = append(is.sections, s)
	}
	weights := make([]float64, nsec)
	total := 0.0
	for k := range weights {
		weights[k] = 0.5 + r.Float64()
		total += weights[k]
	}
	used := 0
	for k, s := range is.sections {
		s.budget = max(3, int(float64(rest)*weights[k]/total))
		used += s.budget
	}
	for k := 0; used < rest; k = (k + 1) % nsec {
		is.sections[k].budget++
		used++
	}

	titles := map[string]bool{}
	for _, s := range is.sections {
		g.fillSection(r, s, titles)
	}
	g.guide(r, is)
	g.pickDirections(r, is, ndir)
	is.data = g.render(r, is)
	return is
}

// fillSection chooses a section's layout, sub-headings, title and bodies
// and writes its paragraphs to fill its budget of passages.
func (g *Generator) fillSection(r *rand.Rand, s *section, titles map[string]bool) {
	m := g.m
	body := s.budget
	if s.furtherN == 0 {
		if body >= 6 {
			s.furtherN = max(3, min(body-2, int(float64(body)*(0.25+0.25*r.Float64())+0.5)))
			body -= s.furtherN
		} else {
			if s.guideFur {
				s.guide = append(s.guide, para{}) // a summary for the passage of the guide's 【延伸阅读】 line
			}
			s.furtherN, s.guideFur = -1, false
		}
	}

	switch x := r.IntN(100); {
	case len(m.subHeadings) == 0 || x < 5:
		s.layout = layoutPlain
	case x < 35:
		s.layout = layoutInline
	case x < 65:
		s.layout = layoutPoints
	case x < 85:
		s.layout = layoutInlinePoints
	default:
		s.layout = layoutMixed
	}
	if body < blockMin[s.layout] {
		s.layout = layoutInline
	}
	var sizes []int
	if s.layout != layoutPlain {
		h := int(float64(body)/blockMean[s.layout] + 0.5)
		h = max(1, min(h, maxSubHeadings, len(m.subHeadings), body/blockMin[s.layout]))
		sizes = make([]int, h)
		for k := range sizes {
			sizes[k] = blockMin[s.layout]
		}
		for extra := body - h*blockMin[s.layout]; extra > 0; extra-- {
			sizes[r.IntN(h)]++
		}
		s.subs = pickDistinct(r, len(m.subHeadings), h)
	}

	g.sectionHead(r, s, titles)

	y := s.year
	if s.layout == layoutPlain {
		for range body {
			s.paras = append(s.paras, g.plainPara(r, y))
		}
	}
	for k, sub := range s.subs {
		head := "（" + numeral(k+1) + "）" + m.subHeadings[sub].in(y) + "。"
		p := sizes[k]
		switch s.layout {
		case layoutInline:
			raw := head + g.sentences(r, y, 1+r.IntN(3))
			s.paras = append(s.paras, para{raw: raw, text: raw, breakable: true})
			for range p - 1 {
				s.paras = append(s.paras, g.plainPara(r, y))
			}
		case layoutPoints:
			s.paras = append(s.paras, para{raw: head, text: head})
			for j := range p - 1 {
				s.paras = append(s.paras, g.pointPara(r, y, j+1))
			}
		case layoutInlinePoints:
			n := 2 + r.IntN(3)
			raw, txt := g.points(r, y, 1, n)
			s.paras = append(s.paras, para{raw: head + raw, text: head + txt, breakable: true})
			for j := range p - 1 {
				s.paras = append(s.paras, g.pointPara(r, y, n+j+1))
			}
		case layoutMixed:
			s.paras = append(s.paras, para{raw: head, text: head})
			raw, txt := g.points(r, y, 1, 2+r.IntN(2))
			s.paras = append(s.paras, para{raw: raw, text: txt, breakable: true})
			for range p - 2 {
				s.paras = append(s.paras, g.plainPara(r, y))
			}
		}
	}
	if s.furtherN > 0 {
		g.further(r, s)
	}
}

// pickDistinct returns k distinct numbers below n, in random order.
func pickDistinct(r *rand.Rand, n, k int) []int {
	if k > n/2 {
		return r.Perm(n)[:k]
	}
	out := make([]int, 0, k)
	for len(out) < k {
		x := r.IntN(n)
		if !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	return out
}

// numeral writes n (1–99) in Chinese numerals, as ordinals are.
func numeral(n int) string {
	const digits = "〇一二三四五六七八九"
	d := func(k int) string { return string([]rune(digits)[k]) }
	switch {
	case n < 10:
		return d(n)
	case n == 10:
		return "十"
	case n < 20:
		return "十" + d(n-10)
	case n%10 == 0:
		return d(n/10) + "十"
	default:
		return d(n/10) + "十" + d(n%10)
	}
}

// leadInsBare are the lead-ins the parser recognises without a comma
// before them (…的意见》提出：).
var leadInsBare = []string{"指出", "提出", "强调", "要求", "明确", "部署", "主要任务"}

// wrappedTypes are the document types a notice issues (国务院办公厅印发
// 《…方案》的通知) and that a title may name without 关于.
var wrappedTypes = []string{"方案", "实施方案", "行动方案", "行动计划", "若干措施", "措施", "规划", "纲要", "工作要点", "指南", "办法"}

// sectionHead chooses the section's bodies and title and writes its heading.
func (g *Generator) sectionHead(r *rand.Rand, s *section, titles map[string]bool) {
	m, y := g.m, s.year
	for try := 0; ; try++ {
		s.titleCore = text{parts: []string{""}}
		made := false
		if len(s.subs) > 0 && r.IntN(10) < 7 {
			sub := s.subs[r.IntN(len(s.subs))]
			h := m.subHeadings[sub]
			clause := h.source()
			if k := strings.IndexAny(clause, "，,；;："); k >= 0 {
				clause = clause[:k]
			}
			c := cutText(h, clause)
			n := utf8.RuneCountInString(clause)
			if !c.empty() && n >= 4 && n <= 24 && !strings.ContainsAny(clause, "《》“”") {
				dt := m.docTypes[r.IntN(len(m.docTypes))]
				core := c.in(y)
				switch {
				case slices.Contains(wrappedTypes, dt) && r.IntN(10) < 4:
					s.title = core + dt
					if (dt == "行动计划" || dt == "规划" || dt == "纲要") && r.IntN(3) == 0 {
						s.title += fmt.Sprintf("（%d—%d 年）", y+1, y+3)
					}
				default:
					s.title = "关于" + core + "的" + dt
				}
				s.docType = dt
				s.titleCore = c
				made = true
			}
		}
		if !made {
			k := r.IntN(len(m.titles))
			s.title = m.titles[k].in(y)
			s.docType = docTypeOf(s.title)
			s.titleCore = m.titleCores[k]
		}
		if !titles[s.title] || try >= 8 {
			break
		}
	}
	titles[s.title] = true

	s.bodies, s.note = g.pickBodies(r)
	sep := " "
	if len(s.bodies) > 1 && r.IntN(4) == 0 {
		sep = "、"
	}
	names := strings.Join(s.bodies, sep) + s.note
	wrap := !strings.HasPrefix(s.title, "关于") && slices.Contains(wrappedTypes, s.docType) && r.IntN(10) < 6
	switch {
	case wrap && r.IntN(2) == 0:
		s.heading = names + "印发《" + s.title + "》的通知"
	case wrap:
		s.heading = names + "关于印发《" + s.title + "》的通知"
	default:
		s.heading = names + "《" + s.title + "》"
	}

	var date string
	switch {
	case s.monthOnly:
		date = fmt.Sprintf("%d 年 %d 月", s.date.Year(), s.date.Month())
	case r.IntN(4) == 0:
		date = fmt.Sprintf("%d年%d月%d日", s.date.Year(), s.date.Month(), s.date.Day())
	default:
		date = fmt.Sprintf("%d 年 %d 月 %d 日", s.date.Year(), s.date.Month(), s.date.Day())
	}
	s.leadIn = m.leadIns[r.IntN(len(m.leadIns))]
	lead := "："
	switch {
	case s.leadIn == "":
	case slices.Contains(leadInsBare, s.leadIn) && !wrap && r.IntN(4) == 0:
		lead = s.leadIn + "："
	default:
		lead = "，" + s.leadIn + "："
	}
	s.headLine = date + "，" + s.heading + lead
}

// docTypeOf is the parser's reading of a title's document type, for a real
// title (whose type the material has): the longest known suffix, ignoring
// a trailing parenthesis.
func docTypeOf(title string) string {
	for {
		t := strings.TrimSpace(title)
		if !strings.HasSuffix(t, "）") {
			break
		}
		k := strings.LastIndex(t, "（")
		if k < 0 {
			break
		}
		title = t[:k]
	}
	best := ""
	for _, dt := range append(slices.Clone(wrappedTypes), "通知", "意见", "指导意见", "实施意见", "决定") {
		if strings.HasSuffix(title, dt) && len(dt) > len(best) {
			best = dt
		}
	}
	return best
}

// pickBodies returns the issuing bodies of a section as written, and a
// note such as 等九部门: half the time those of a real section, else one
// to three bodies of aliases.toml, now and then under an alias.
func (g *Generator) pickBodies(r *rand.Rand) ([]string, string) {
	m := g.m
	if len(m.bodies) == 0 || len(m.bodySets) > 0 && r.IntN(2) == 0 {
		bs := m.bodySets[r.IntN(len(m.bodySets))]
		return slices.Clone(bs.names), bs.note
	}
	n := 1
	switch x := r.IntN(20); {
	case x >= 17:
		n = 3
	case x >= 11:
		n = 2
	}
	var picked []int
	if len(m.core) > 0 && r.IntN(2) == 0 {
		picked = append(picked, m.core[r.IntN(len(m.core))])
	}
	for len(picked) < min(n, len(m.bodies)) {
		k := r.IntN(len(m.bodies))
		if !slices.Contains(picked, k) {
			picked = append(picked, k)
		}
	}
	names := make([]string, len(picked))
	for k, b := range picked {
		names[k] = m.bodies[b].Name
		if as := m.bodies[b].Aliases; len(as) > 0 && r.IntN(8) == 0 {
			names[k] = as[r.IntN(len(as))]
		}
	}
	note := ""
	if r.IntN(12) == 0 {
		note = "等" + numeral(len(names)+2+r.IntN(8)) + "部门"
	}
	return names, note
}

// sentences writes n sentences: one that can open a paragraph, then any,
// none twice. A final ； becomes 。.
func (g *Generator) sentences(r *rand.Rand, y, n int) string {
	var b strings.Builder
	g.m.starters[r.IntN(len(g.m.starters))].write(&b, y)
	var used []int
	for range n - 1 {
		k := fresh(r, len(g.m.plain), used)
		used = append(used, k)
		g.m.plain[k].write(&b, y)
	}
	return fullStop(b.String())
}

// fresh draws a number below n, trying a few times for one not in used,
// so that a paragraph seldom says the same thing twice.
func fresh(r *rand.Rand, n int, used []int) int {
	k := r.IntN(n)
	for try := 0; try < 4 && slices.Contains(used, k); try++ {
		k = r.IntN(n)
	}
	return k
}

func fullStop(s string) string {
	if t, ok := strings.CutSuffix(s, "；"); ok {
		return t + "。"
	}
	return s
}

func (g *Generator) plainPara(r *rand.Rand, y int) para {
	t := g.sentences(r, y, 1+r.IntN(4))
	return para{raw: t, text: t, breakable: true}
}

// point writes the k-th point (一是…): its first sentence and up to two of
// the ones that followed it, sometimes in the export's ** marks.
func (g *Generator) point(r *rand.Rand, y, k int, used *[]int) (raw, txt string) {
	m := g.m
	if len(m.points) == 0 {
		s := numeral(k) + "是" + g.sentences(r, y, 1)
		return s, s
	}
	j := fresh(r, len(m.points), *used)
	*used = append(*used, j)
	pt := m.points[j]
	ord := numeral(k) + "是"
	lead := pt.lead.in(y)
	var more strings.Builder
	for j, s := range pt.more {
		if j == 2 {
			break
		}
		s.write(&more, y)
	}
	txt = fullStop(ord + lead + more.String())
	switch x := r.IntN(10); {
	case x < 2:
		raw = fullStop("**" + ord + "**" + lead + more.String())
	case x < 3 && strings.HasSuffix(lead, "。"):
		raw = fullStop("**" + ord + lead + "**" + more.String())
	default:
		raw = txt
	}
	return raw, txt
}

// points writes points from..from+n-1 in one run of text.
func (g *Generator) points(r *rand.Rand, y, from, n int) (raw, txt string) {
	var rb, tb strings.Builder
	var used []int
	for k := from; k < from+n; k++ {
		a, b := g.point(r, y, k, &used)
		rb.WriteString(a)
		tb.WriteString(b)
	}
	return rb.String(), tb.String()
}

func (g *Generator) pointPara(r *rand.Rand, y, k int) para {
	raw, txt := g.point(r, y, k, new([]int))
	return para{raw: raw, text: txt, breakable: true}
}

// further writes the section's 【延伸阅读】 block: its title, questions and
// answers, and the source, in s.furtherN passages.
func (g *Generator) further(r *rand.Rand, s *section) {
	m, y := g.m, s.year
	first := s.bodies[0]
	core := s.titleCore.in(y)
	switch x := r.IntN(3); {
	case x == 0 && core != "" && len(s.bodies) > 1:
		s.further = strings.Join(s.bodies, "、") + "有关司局负责人就" + core + "有关问题答记者问"
	case x == 1 && core != "":
		s.further = first + "有关负责人就" + core + "答记者问"
	default:
		s.further = first + "有关负责人就《" + s.title + "》答记者问"
	}
	label := "【延伸阅读】" + s.further
	raw := label
	if r.IntN(5) == 0 {
		raw = "【延伸阅读】\n\n" + s.further
	}
	s.paras = append(s.paras, para{raw: raw, text: label})

	asked := r.IntN(10) == 0 // 问：…？ rather than （一）…？
	short := "通知"
	if rs := []rune(s.docType); len(rs) >= 2 {
		short = string(rs[len(rs)-2:])
	}
	rest := s.furtherN - 1
	for q := 1; rest > 0; q++ {
		a := 1 + r.IntN(3)
		if rest-(1+a) == 1 {
			a++
		}
		if 1+a > rest {
			a = rest - 1
		}
		rest -= 1 + a
		question := m.questions[r.IntN(len(m.questions))].in(y)
		if r.IntN(2) == 0 && len(s.subs) > 0 {
			if subj := m.subSubjects[s.subs[r.IntN(len(s.subs))]]; !subj.empty() {
				question = fmt.Sprintf(questionForms[r.IntN(len(questionForms))], subj.in(y))
			}
		}
		if strings.Contains(question, "《") {
			for _, w := range []string{"通知", "意见", "方案", "措施", "纲要", "规划", "办法"} {
				question = strings.ReplaceAll(question, "《"+w+"》", "《"+short+"》")
			}
		}
		head := "（" + numeral(q) + "）" + question
		if asked {
			head = "问：" + question
		}
		s.paras = append(s.paras, para{raw: head, text: head})
		for k := range a {
			var raw, txt string
			if r.IntN(10) < 3 {
				raw, txt = g.points(r, y, 1, 2+r.IntN(3))
			} else {
				t := g.answer(r, y, 1+r.IntN(3))
				raw, txt = t, t
			}
			if k == 0 {
				raw, txt = "答："+raw, "答："+txt
			}
			s.paras = append(s.paras, para{raw: raw, text: txt, breakable: true})
		}
	}
	if r.IntN(20) < 17 {
		site := first + "网站"
		if len(m.sites) > 0 && r.IntN(3) == 0 {
			site = m.sites[r.IntN(len(m.sites))]
		}
		on := s.date.AddDate(0, 0, 1+r.IntN(7))
		src := "（来源：" + site + " " + on.Format(time.DateOnly) + "）"
		last := &s.paras[len(s.paras)-1]
		if r.IntN(2) == 0 {
			last.raw += src
		} else {
			s.paras = append(s.paras, para{raw: src})
		}
	}
}

// questionForms are questions a Q&A asks about a subject of its policy.
var questionForms = []string{
	"在%s方面有哪些具体举措？",
	"如何推动%s落地见效？",
	"%s方面的主要考虑是什么？",
}

// answer writes n sentences of an answer, from the Q&As of the material or,
// half the time, from its policy texts.
func (g *Generator) answer(r *rand.Rand, y, n int) string {
	m := g.m
	var b strings.Builder
	var used []int
	for range n {
		if r.IntN(2) == 0 {
			k := fresh(r, len(m.answers), used)
			used = append(used, k)
			m.answers[k].write(&b, y)
		} else {
			m.starters[r.IntN(len(m.starters))].write(&b, y)
		}
	}
	return fullStop(b.String())
}

// guide writes each section's entry in 本期导读: a summary from a real
// guide, or the section's own opening sentences.
func (g *Generator) guide(r *rand.Rand, is *issue) {
	m := g.m
	for _, s := range is.sections {
		for k := range s.guide {
			if s.guide[k].raw != "" {
				continue
			}
			var t string
			if r.IntN(10) < 6 {
				t = m.summaries[r.IntN(len(m.summaries))].in(s.year)
			} else {
				t = g.sentences(r, s.year, 1+r.IntN(2))
			}
			s.guide[k] = para{raw: t, text: t}
		}
		if s.guideFur {
			t := "【延伸阅读】" + s.further
			s.guide = append(s.guide, para{raw: t, text: t})
		}
	}
}

// pickDirections chooses the issue's research directions, each drawn from
// one of its sections: a real direction one of its sub-headings names, or a
// sub-heading's subject with 研究 (a title made from a sub-heading has the
// same). Only sub-headings are drawn on because only the text under a
// heading is searched when directions are linked to sections.
func (g *Generator) pickDirections(r *rand.Rand, is *issue, n int) {
	m := g.m
	cands := make([][]string, len(is.sections))
	for k, s := range is.sections {
		add := func(name string) {
			if validDirection(name) && !slices.Contains(cands[k], name) {
				cands[k] = append(cands[k], name)
			}
		}
		for _, sub := range s.subs {
			for _, d := range m.subDirs[sub] {
				add(m.directions[d].in(s.year))
			}
			if t := m.subSubjects[sub]; !t.empty() {
				add(t.in(s.year) + "研究")
			}
		}
	}
	order := r.Perm(len(is.sections))
	for d := 0; len(is.directions) < n && d < n+len(order); d++ {
		k := order[d%len(order)]
		var left []string
		for _, c := range cands[k] {
			if !slices.Contains(is.directions, c) && !slices.Contains(is.directions, "高职院校"+c) {
				left = append(left, c)
			}
		}
		if len(left) == 0 {
			continue
		}
		name := left[r.IntN(len(left))]
		if r.IntN(8) == 0 && !strings.HasPrefix(name, "高职") && !strings.HasPrefix(name, "职业") && validDirection("高职院校"+name) {
			name = "高职院校" + name
		}
		is.directions = append(is.directions, name)
	}
	if len(is.directions) == 0 && len(m.directions) > 0 {
		is.directions = append(is.directions, m.directions[r.IntN(len(m.directions))].in(is.sections[0].year))
	}
}

var weekdays = [...]string{"星期日", "星期一", "星期二", "星期三", "星期四", "星期五", "星期六"}

// writer assembles an issue's lines.
type writer struct {
	b bytes.Buffer
	r *rand.Rand
}

func (w *writer) line(s string) { w.b.WriteString(s); w.b.WriteByte('\n') }

// para writes a paragraph and the blank line after it; a breakable one is
// now and then cut by a page break, as the export cuts them.
func (w *writer) para(p para) {
	raw := p.raw
	if p.breakable && w.r.IntN(25) == 0 {
		if a, b, ok := pageBreak(w.r, raw); ok {
			raw = a + "\n\n" + b
		}
	}
	w.line(raw)
	w.line("")
}

// pageBreak cuts s where the parser joins the halves back exactly: after
// its first sentence, between two Han characters, or between two digits,
// or at the space between a digit and a Han character (which the parser
// puts back); never where the second half would start a part of its own.
func pageBreak(r *rand.Rand, s string) (string, string, bool) {
	first := strings.IndexAny(s, "。！？；")
	if first < 0 {
		return "", "", false
	}
	var cuts [][2]int // byte offsets: end of the first half, start of the second
	prev, prevPrev := rune(0), rune(0)
	for i, c := range s {
		if i <= first {
			prevPrev, prev = prev, c
			continue
		}
		switch {
		case isHan(prev) && isHan(c):
			cuts = append(cuts, [2]int{i, i})
		case isDigit(prev) && isDigit(c):
			cuts = append(cuts, [2]int{i, i})
		case prev == ' ' && isDigit(prevPrev) && isHan(c):
			cuts = append(cuts, [2]int{i - 1, i})
		}
		prevPrev, prev = prev, c
	}
	for range 4 {
		if len(cuts) == 0 {
			return "", "", false
		}
		c := cuts[r.IntN(len(cuts))]
		a, b := s[:c[0]], s[c[1]:]
		next, _ := utf8.DecodeRuneInString(b)
		if strings.Count(a, "**")%2 == 0 && utf8.RuneCountInString(b) > 2 &&
			!reNewPart.MatchString(b) && !strings.ContainsRune(noStart, next) && !tocLike(a) {
			return a, b, true
		}
	}
	return "", "", false
}

// tocLike reports a line the parser would take for the table of contents:
// dot leaders before a final number.
func tocLike(s string) bool {
	t := strings.TrimRightFunc(s, func(r rune) bool { return isDigit(r) || r == ' ' })
	return t != s && (strings.HasSuffix(t, "...") || strings.HasSuffix(t, "……") || strings.HasSuffix(t, "···"))
}

func isHan(r rune) bool   { return unicode.Is(unicode.Han, r) }
func isDigit(r rune) bool { return r >= '0' && r <= '9' }

// render writes the issue as the institute exports it.
func (g *Generator) render(r *rand.Rand, is *issue) []byte {
	m := g.m
	w := &writer{r: r}
	w.b.Grow(64 << 10)
	for range r.IntN(3) {
		w.line("")
	}

	// Masthead.
	compact := r.IntN(4) == 0
	w.line(m.title)
	w.line("")
	d := is.date
	date := fmt.Sprintf("%d 年 %d 月 %d 日", d.Year(), d.Month(), d.Day())
	number := fmt.Sprintf("第 %d 期·总第 %d 期", is.number, is.running)
	if compact {
		date = fmt.Sprintf("%d年%d月%d日", d.Year(), d.Month(), d.Day())
		number = fmt.Sprintf("第%d期·总第%d期", is.number, is.running)
	}
	if r.IntN(10) == 0 {
		w.line(date + " " + weekdays[d.Weekday()])
	} else {
		w.line(date)
		w.line("")
		w.line(weekdays[d.Weekday()])
	}
	w.line("")
	w.line(number)
	w.line("")
	if m.publisher != "" {
		w.line(m.publisher + "主办")
		w.line("")
	}
	w.line("内部刊物·请勿翻印")
	w.line("")

	// Guide.
	w.line("本期导读")
	w.line("")
	for _, s := range is.sections {
		w.line("●" + s.heading)
		w.line("")
		for _, p := range s.guide {
			w.para(para{raw: p.raw})
		}
	}
	byTOC := r.IntN(7) == 0
	if byTOC {
		w.line("目录")
	} else {
		w.line("●本期推荐研究方向")
	}
	w.line("")

	// Table of contents.
	dots := func(s string, page int) string { return s + ".....\t" + strconv.Itoa(page) }
	if r.IntN(5) == 0 {
		dots = func(s string, page int) string { return s + "……………… " + strconv.Itoa(page) }
	}
	page := 3
	for k, s := range is.sections {
		w.line(dots(numeral(k+1)+"、"+s.heading, page))
		n := 0
		for _, p := range s.paras {
			n += utf8.RuneCountInString(p.raw)
		}
		if s.further != "" {
			w.line(dots("【延伸阅读】"+s.further, page+1+n/2400))
		}
		page += 1 + n/1200
	}
	dirHead := []string{"推荐研究方向", "本期推荐研究方向"}[r.IntN(2)]
	dirNumbered := r.IntN(6) != 0
	w.line(numeral(len(is.sections)+1) + "、" + dirHead + "\t" + strconv.Itoa(page))
	w.line("")

	// Sections.
	for k, s := range is.sections {
		w.line(numeral(k+1) + "、" + s.headLine)
		w.line("")
		for _, p := range s.paras {
			w.para(p)
		}
	}

	// Research directions.
	if dirNumbered {
		w.line(numeral(len(is.sections)+1) + "、" + dirHead)
	} else {
		w.line("本期推荐研究方向")
	}
	w.line("")
	item := []string{"%d. ", "%d．", "%d、", "（%d）"}[min(r.IntN(7), 3)]
	cut := -1
	if r.IntN(30) == 0 {
		cut = r.IntN(len(is.directions))
	}
	for k, name := range is.directions {
		line := fmt.Sprintf(item, k+1) + name
		if k == cut {
			if a, b, ok := cutName(r, name); ok {
				line = fmt.Sprintf(item, k+1) + a + "\n" + b
			}
		}
		w.line(line)
	}
	w.line("")

	// Colophon.
	for _, c := range m.colophon {
		w.line(colophonLine(r, c))
		w.line("")
	}
	if len(m.colophon) == 0 {
		w.line("[责任编辑] " + m.publisher)
	}

	out := w.b.Bytes()
	if g.opt.VaryEncoding {
		switch x := r.IntN(25); {
		case x < 2:
			if enc, err := simplifiedchinese.GB18030.NewEncoder().Bytes(out); err == nil {
				out = enc
			}
		case x < 4:
			out = append([]byte("\uFEFF"), bytes.ReplaceAll(out, []byte("\n"), []byte("\r\n"))...)
		case x < 5:
			out = bytes.ReplaceAll(out, []byte("\n"), []byte("\r\n"))
		}
	}
	return out
}

// cutName cuts a research direction's name in two as a page break does,
// leaving a second half the parser joins back (short, Han, no item number).
func cutName(r *rand.Rand, name string) (string, string, bool) {
	rs := []rune(name)
	if len(rs) < 8 {
		return "", "", false
	}
	k := 3 + r.IntN(len(rs)-5)
	a, b := string(rs[:k]), string(rs[k:])
	if !isHan(rs[k-1]) || !isHan(rs[k]) || len(rs)-k > 30 || reNewPart.MatchString(b) {
		return "", "", false
	}
	return a, b, true
}

// colophonLine writes [总 指 导] …, [责任编辑] …, 报：… .
func colophonLine(r *rand.Rand, c zhengce.ColophonEntry) string {
	rs := []rune(c.Label)
	switch {
	case len(rs) <= 2:
		return c.Label + "：" + c.Text
	case len(rs) == 3:
		label := strings.Join(strings.Split(c.Label, ""), " ")
		if r.IntN(10) == 0 {
			return "［" + label + "］" + c.Text
		}
		return "[" + label + "] " + c.Text
	default:
		if r.IntN(10) == 0 {
			return "［" + c.Label + "］" + c.Text
		}
		return "[" + c.Label + "] " + c.Text
	}
}

// Summary is what a run wrote.
type Summary struct {
	Issues     int // issues generated
	Written    int // files written (new or replaced); the rest were already there
	Passages   int
	Sections   int
	Directions int
	Bytes      int64
	First      Issue // without Data
	Last       Issue // without Data
}

// Write generates the issues into dir (created if need be), several at a
// time. A file already there with the same bytes is left alone; one with
// other bytes is an error, found before anything is written, unless force,
// which replaces it. progress, if not nil, is called after each issue, from
// one goroutine at a time.
func (g *Generator) Write(dir string, force bool, progress func(done, total int)) (Summary, error) {
	var sum Summary
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return sum, err
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return sum, err
	}
	there := map[string]bool{}
	for _, e := range entries {
		there[e.Name()] = true
	}
	same := map[string]bool{}
	n := g.opt.Issues
	if len(there) > 0 {
		for i := range n {
			name := g.Name(i)
			if !there[name] {
				continue
			}
			old, err := os.ReadFile(filepath.Join(dir, name))
			if err != nil {
				return sum, err
			}
			if bytes.Equal(old, g.Issue(i).Data) {
				same[name] = true
			} else if !force {
				return sum, zhengce.Errorf(zhengce.EINVALID,
					"%s already exists with other content: nothing written (generate into another folder, or replace such files with -force)",
					filepath.Join(dir, name))
			}
		}
	}

	// Workers generate and write issues by index; this goroutine adds up.
	type done struct {
		iss     Issue
		size    int
		written bool
		err     error
	}
	next := make(chan int)
	results := make(chan done)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for range writers {
		wg.Go(func() {
			for i := range next {
				iss := g.Issue(i)
				d := done{iss: iss, size: len(iss.Data)}
				if !same[iss.Name] {
					d.err = writeFile(filepath.Join(dir, iss.Name), iss.Data, there[iss.Name])
					d.written = true
				}
				d.iss.Data = nil
				select {
				case results <- d:
				case <-stop:
					return
				}
			}
		})
	}
	go func() {
		defer close(next)
		for i := range n {
			select {
			case next <- i:
			case <-stop:
				return
			}
		}
	}()
	var firstErr error
	for k := range n {
		d := <-results
		if d.err != nil {
			firstErr = d.err
			break
		}
		iss := d.iss
		if d.written {
			sum.Written++
		}
		sum.Issues++
		sum.Passages += iss.Passages
		sum.Sections += iss.Sections
		sum.Directions += iss.Directions
		sum.Bytes += int64(d.size)
		if iss.Running == g.opt.FirstRunning {
			sum.First = iss
		}
		if iss.Running == g.opt.FirstRunning+n-1 {
			sum.Last = iss
		}
		if progress != nil {
			progress(k+1, n)
		}
	}
	close(stop)
	wg.Wait()
	return sum, firstErr
}

// writers is how many issues Write generates and writes at a time: writing
// is most of the time, and file systems take several writes at once well.
const writers = 4

// writeFile writes one issue. A new file is created exclusively; an old one
// is replaced. On an error the partial file is removed.
func writeFile(path string, data []byte, replace bool) error {
	flags := os.O_WRONLY | os.O_CREATE | os.O_EXCL
	if replace {
		flags = os.O_WRONLY | os.O_CREATE | os.O_TRUNC
	}
	f, err := os.OpenFile(path, flags, 0o644)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
	}
	return err
}

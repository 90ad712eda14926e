package indexer

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/mapping"

	"zhengce"
)

// Report is what `zhengce check` shows an editor about one parsed issue
// before it is indexed: the outline as the index will see it (the same
// passages, canonical bodies, areas and direction links a build produces),
// to compare with the bulletin, and the things that look wrong.
type Report struct {
	Source     string
	Issue      IssueSummary // what the list of issues will show; Sections carry canonical bodies
	Passages   Counts       // the issue's passages by kind
	Guide      []GuideOutline
	Sections   []SectionOutline
	Directions []DirectionOutline
	Colophon   []zhengce.ColophonEntry
	Warnings   []Warning
}

// Counts counts passages by kind.
type Counts struct {
	Guide, Body, Further, Direction int
}

// Total is the number of passages counted.
func (c Counts) Total() int { return c.Guide + c.Body + c.Further + c.Direction }

func (c *Counts) add(k zhengce.Kind) {
	switch k {
	case zhengce.KindGuide:
		c.Guide++
	case zhengce.KindFurther:
		c.Further++
	case zhengce.KindDirection:
		c.Direction++
	default:
		c.Body++
	}
}

// GuideOutline is one ● entry of 本期导读.
type GuideOutline struct {
	Heading    string
	Section    int // ordinal of the section it introduces (as the index links it), 0 if none
	Paragraphs int
	Line       int
}

// SectionOutline is one policy section as the index will hold it.
type SectionOutline struct {
	Ordinal     int
	Numeral     string   // 一
	Date        string   // YYYY-MM-DD, "" when the heading has no full date
	Bodies      []string // canonical names, as the body facet will show them
	Written     []string // the bodies as the heading writes them
	BodiesNote  string   // 等九部门
	PolicyTitle string
	DocType     string
	LeadIn      string
	Areas       []string
	Directions  []string // the research directions linked to it
	Passages    Counts   // Body and Further
	Further     []zhengce.FurtherReading
	Line        int
}

// DirectionOutline is one recommended research direction and the sections
// it was linked to.
type DirectionOutline struct {
	Ordinal  int
	Name     string
	Sections []int // ordinals, in section order
	Line     int
}

// Warning is something in an issue that parses but looks wrong to an
// editor. Line is 0 when it concerns the file as a whole.
type Warning struct {
	File    string
	Line    int
	Code    string
	Message string // in Chinese, for the editor
}

func (w Warning) String() string {
	if w.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", w.File, w.Line, w.Message)
	}
	return fmt.Sprintf("%s: %s", w.File, w.Message)
}

// Warning codes.
const (
	WarnIssueDate         = "issue-date"         // the masthead has no date, or its weekday does not fit it
	WarnNoDate            = "no-date"            // a section heading without a full date
	WarnSectionDate       = "section-date"       // a policy dated after the issue, or more than a year before
	WarnUnknownBody       = "unknown-body"       // a body aliases.toml does not know
	WarnNoBodies          = "no-bodies"          // a section heading without issuing bodies
	WarnNoTitle           = "no-title"           // a section heading without a 《title》
	WarnEmptySection      = "empty-section"      // a section with no paragraph
	WarnNoAreas           = "no-areas"           // a section no rule of areas.toml files
	WarnNumbering         = "numbering"          // sections or directions not numbered 1, 2, 3 …
	WarnSplitParagraph    = "split-paragraph"    // a paragraph that looks cut by a page break
	WarnGuide             = "guide"              // a guide entry matching no section, or a section without one
	WarnUnlinkedDirection = "unlinked-direction" // a direction linked to no section
	WarnWeakDirection     = "weak-direction"     // a direction whose linked sections say none of its words
	WarnDirectionName     = "direction-name"     // a direction name without a [direction] suffix (研究)
	WarnNoDirections      = "no-directions"
	WarnNoColophon        = "no-colophon"
)

// maxPolicyAge is how long before an issue a policy it summarises may be
// dated before the date looks like a typo (a year copied from last year's).
const maxPolicyAge = 366 * 24 * time.Hour

// Check builds the report on iss: its passages are made and its directions
// linked exactly as a build does (Data.IssuePassages), with m the mapping
// of data.
func Check(data *Data, m mapping.IndexMapping, iss *zhengce.Issue) (Report, error) {
	ps, err := data.IssuePassages(m, iss)
	if err != nil {
		return Report{}, err
	}
	aliases, areas := data.Taxonomy.Aliases, data.Taxonomy.Areas
	r := Report{Source: iss.Source, Issue: Summarise(iss, ps, aliases), Colophon: iss.Colophon}
	c := &checker{iss: iss, r: &r}

	// Counts, areas and links, read off the passages the index would get.
	type sectionFacts struct {
		counts     Counts
		areas      []string
		directions []string
		seen       bool
	}
	facts := map[int]*sectionFacts{}
	for _, s := range iss.Sections {
		facts[s.Ordinal] = &sectionFacts{}
	}
	linked := map[string][]int{}
	for _, p := range ps {
		r.Passages.add(p.Kind)
		if p.Kind != zhengce.KindBody && p.Kind != zhengce.KindFurther {
			continue
		}
		f := facts[p.Section.Ordinal]
		if f == nil {
			continue
		}
		f.counts.add(p.Kind)
		if !f.seen {
			f.seen, f.areas, f.directions = true, p.Areas, p.Directions
			for _, d := range p.Directions {
				linked[d] = appendOrd(linked[d], p.Section.Ordinal)
			}
		}
	}

	c.masthead()
	for i, s := range iss.Sections {
		f := facts[s.Ordinal]
		if !f.seen {
			// No passage: classify as Passages would, for the outline.
			f.areas = areas.Classify(s.PolicyTitle, sectionText(s))
		}
		ref := sectionRef(s, aliases)
		r.Sections = append(r.Sections, SectionOutline{
			Ordinal: s.Ordinal, Numeral: s.Numeral, Date: ref.Date, Bodies: ref.Bodies,
			Written: nonNil(s.Bodies), BodiesNote: s.BodiesNote, PolicyTitle: s.PolicyTitle,
			DocType: s.DocType, LeadIn: s.LeadIn, Areas: nonNil(f.areas),
			Directions: nonNil(f.directions), Passages: f.counts, Further: s.Further, Line: s.Line,
		})
		c.section(i, s, f.seen, f.areas, aliases.KnownBody)
	}
	c.guide()
	for _, d := range iss.Directions {
		r.Directions = append(r.Directions, DirectionOutline{
			Ordinal: d.Ordinal, Name: d.Name, Sections: linked[d.Name], Line: d.Line,
		})
	}
	if err := c.directions(m, linked, aliases.Subject); err != nil {
		return Report{}, err
	}
	c.paragraphs()
	if len(iss.Colophon) == 0 {
		c.warn(0, WarnNoColophon, "没有编者信息（[总 指 导]、[责任编辑]、报：、发：），文件是否不完整？")
	}
	slices.SortStableFunc(r.Warnings, func(a, b Warning) int { return a.Line - b.Line })
	return r, nil
}

// appendOrd adds ord to a list of section ordinals kept in order.
func appendOrd(list []int, ord int) []int {
	if i, found := slices.BinarySearch(list, ord); !found {
		list = slices.Insert(list, i, ord)
	}
	return list
}

type checker struct {
	iss *zhengce.Issue
	r   *Report
}

func (c *checker) warn(line int, code, format string, args ...any) {
	c.r.Warnings = append(c.r.Warnings, Warning{
		File: c.iss.Source, Line: line, Code: code, Message: fmt.Sprintf(format, args...),
	})
}

// weekdays are the names the masthead prints, Sunday first as time.Weekday.
var weekdays = []string{"星期日", "星期一", "星期二", "星期三", "星期四", "星期五", "星期六"}

func (c *checker) masthead() {
	iss := c.iss
	if iss.Date.IsZero() {
		c.warn(0, WarnIssueDate, "期头没有日期（如“2024 年 11 月 13 日”）：没有发文日期的段落将没有日期")
		return
	}
	printed := strings.Replace(iss.Weekday, "星期天", "星期日", 1)
	if want := weekdays[iss.Date.Weekday()]; printed != "" && printed != want {
		c.warn(0, WarnIssueDate, "期头日期 %s 是%s，期头却写%s：日期或星期是否写错？", iss.Date, want, iss.Weekday)
	}
}

// section checks the heading and the filing of section i.
func (c *checker) section(i int, s zhengce.Section, hasPassages bool, areas []string, known func(string) bool) {
	at := "第" + s.Numeral + "节"
	want := 1
	if i > 0 {
		want = c.iss.Sections[i-1].Ordinal + 1
	}
	switch {
	case slices.ContainsFunc(c.iss.Sections[:i], func(o zhengce.Section) bool { return o.Ordinal == s.Ordinal }):
		c.warn(s.Line, WarnNumbering, "%s与前面一节编号相同：两节的段落编号会重复，索引里会互相覆盖", at)
	case s.Ordinal != want:
		c.warn(s.Line, WarnNumbering, "%s的编号不接上一节：应为“%s、”", at, numeral(want))
	}
	switch {
	case s.Date.IsZero():
		msg := fmt.Sprintf("%s没有完整的发文日期（应写作“%s、2024 年 10 月 25 日，……”）", at, s.Numeral)
		if !c.iss.Date.IsZero() {
			msg += fmt.Sprintf("：这一节的段落将按本期日期 %s 检索、排序", c.iss.Date)
		}
		c.warn(s.Line, WarnNoDate, "%s", msg)
	case !c.iss.Date.IsZero() && s.Date.After(c.iss.Date.Time):
		c.warn(s.Line, WarnSectionDate, "%s的发文日期 %s 晚于本期日期 %s：年、月是否写错？", at, s.Date, c.iss.Date)
	case !c.iss.Date.IsZero() && c.iss.Date.Sub(s.Date.Time) > maxPolicyAge:
		c.warn(s.Line, WarnSectionDate, "%s的发文日期 %s 比本期日期 %s 早一年多：年份是否写错？", at, s.Date, c.iss.Date)
	}
	if len(s.Bodies) == 0 && s.PolicyTitle != "" {
		c.warn(s.Line, WarnNoBodies, "%s的标题里没有读出发文机关：机关名称应写在日期和《》之间，用空格或顿号分开", at)
	}
	for _, b := range s.Bodies {
		if !known(b) {
			c.warn(s.Line, WarnUnknownBody, "%s的发文机关“%s”不在 aliases.toml 里：名称无误的话，请在 aliases.toml 加一个 [[body]] 条目（name 写规范名称，aliases 写简称等其他写法），否则发文机关筛选里它会照原样单列，检索简称也找不到它", at, b)
		}
	}
	if s.PolicyTitle == "" {
		c.warn(s.Line, WarnNoTitle, "%s的标题里没有《》括起的文件名：文种、政策领域和引文都靠它", at)
	}
	if !hasPassages {
		c.warn(s.Line, WarnEmptySection, "%s只有标题，没有正文段落", at)
	} else if len(areas) == 0 {
		c.warn(s.Line, WarnNoAreas, "%s没有归入任何政策领域：areas.toml 的规则（标题词、正文词）都没对上；应有领域的话，请在 areas.toml 加关键词", at)
	}
}

// guide checks that guide entries and sections match one to one.
func (c *checker) guide() {
	iss := c.iss
	introduced := map[int]bool{}
	for _, g := range iss.Guide {
		ord := guideSection(iss, g)
		c.r.Guide = append(c.r.Guide, GuideOutline{Heading: g.Heading, Section: ord, Paragraphs: len(g.Paragraphs), Line: g.Line})
		if ord == 0 {
			c.warn(g.Line, WarnGuide, "导读条目“%s”对不上正文的任何一节：《》里的文件名应与正文那一节的一致", g.Heading)
			continue
		}
		introduced[ord] = true
	}
	if len(iss.Guide) == 0 {
		return
	}
	for _, s := range iss.Sections {
		if !introduced[s.Ordinal] {
			c.warn(s.Line, WarnGuide, "第%s节在本期导读里没有条目", s.Numeral)
		}
	}
}

// directions checks numbering, names and links of the research directions.
func (c *checker) directions(m mapping.IndexMapping, linked map[string][]int, subject func(string) string) error {
	iss := c.iss
	if len(iss.Directions) == 0 {
		c.warn(0, WarnNoDirections, "本期没有推荐研究方向（“推荐研究方向”下的 1. 2. … 列表）")
		return nil
	}
	texts := map[int]string{}
	for _, s := range iss.Sections {
		texts[s.Ordinal] = strings.Join(strings.Fields(sectionText(s)), "")
	}
	words, err := queryWords(m)
	if err != nil {
		return err
	}
	for i, d := range iss.Directions {
		want := 1
		if i > 0 {
			want = iss.Directions[i-1].Ordinal + 1
		}
		if d.Ordinal != want {
			c.warn(d.Line, WarnNumbering, "研究方向编号为 %d，接上一条应为 %d", d.Ordinal, want)
		}
		if subject(d.Name) == d.Name {
			c.warn(d.Line, WarnDirectionName, "研究方向“%s”的名称不以“研究”等结尾（见 aliases.toml 的 [direction]）：是否被分页截断？", d.Name)
		}
		ords := linked[d.Name]
		if len(ords) == 0 {
			c.warn(d.Line, WarnUnlinkedDirection, "研究方向“%s”没有关联到本期任何一节：名称是否写错，或它不取自本期的政策？", d.Name)
			continue
		}
		// The link is a ranking: when any pair of characters matches, some
		// section comes first. A direction none of whose words the sections
		// it was linked to say was linked by chance.
		var terms []string
		said := false
		for _, w := range words(subject(d.Name)) {
			if utf8.RuneCountInString(w) < 2 || slices.Contains(terms, w) {
				continue
			}
			terms = append(terms, w)
			for _, ord := range ords {
				said = said || strings.Contains(texts[ord], w)
			}
		}
		if len(terms) > 0 && !said {
			var secs []string
			for _, ord := range ords {
				secs = append(secs, "第"+numeral(ord)+"节")
			}
			c.warn(d.Line, WarnWeakDirection, "研究方向“%s”关联到%s只因个别字相同：那里没有它的任何一个词（%s）。名称是否写错，或它不取自本期的政策？",
				d.Name, strings.Join(secs, "、"), strings.Join(terms, "、"))
		}
	}
	return nil
}

// queryWords returns a function cutting text into words with the query
// analyzer of m, the cut a search uses.
func queryWords(m mapping.IndexMapping) (func(string) []string, error) {
	a := m.AnalyzerNamed(AnalyzerWordsQuery)
	if a == nil {
		return nil, fmt.Errorf("the mapping has no analyzer %s", AnalyzerWordsQuery)
	}
	return func(s string) []string {
		var out []string
		for _, t := range a.Analyze([]byte(s)) {
			out = append(out, string(t.Term))
		}
		return out
	}, nil
}

// sentenceEnds are the characters a paragraph may end with (the parser's
// own rule for a line that ends a paragraph).
const sentenceEnds = "。！？；…”’）」』】：!?;):"

// noStart are characters no sentence starts with: a paragraph starting with
// one is the rest of the paragraph before it. 的 is among them: a break
// after a closing quote (…“银行+担保+保险” / 的风险共担机制) leaves one.
const noStart = "、，。；：？！”’）》」』,;:?!)的"

// paragraphs flags paragraphs that look cut by a page break the parser
// could not rejoin: one that does not end a sentence, or one that starts
// with punctuation that cannot start one.
func (c *checker) paragraphs() {
	check := func(p zhengce.Paragraph) {
		if p.Heading || strings.HasPrefix(p.Text, "【") {
			return
		}
		first, _ := utf8.DecodeRuneInString(p.Text)
		last, _ := utf8.DecodeLastRuneInString(p.Text)
		switch {
		case strings.ContainsRune(noStart, first):
			c.warn(p.Line, WarnSplitParagraph, "这一段以“%c”开头（%s）：是否是上一段被分页截断的后半段？请把它接到上一段末尾", first, head(p.Text))
		case !strings.ContainsRune(sentenceEnds, last):
			c.warn(p.Line, WarnSplitParagraph, "这一段没有以句末标点结尾（%s）：是否被分页截断？请把后半段接上，或补上标点", tail(p.Text))
		}
	}
	for _, g := range c.iss.Guide {
		for _, p := range g.Paragraphs {
			check(p)
		}
	}
	for _, s := range c.iss.Sections {
		for _, p := range s.Paragraphs {
			check(p)
		}
	}
}

// quoteRunes is how much of a paragraph a warning quotes.
const quoteRunes = 12

func head(s string) string {
	rs := []rune(s)
	if len(rs) <= quoteRunes {
		return s
	}
	return string(rs[:quoteRunes]) + "……"
}

func tail(s string) string {
	rs := []rune(s)
	if len(rs) <= quoteRunes {
		return s
	}
	return "……" + string(rs[len(rs)-quoteRunes:])
}

var numerals = []string{"", "一", "二", "三", "四", "五", "六", "七", "八", "九", "十"}

// numeral writes n (1–99) in Chinese numerals, as section ordinals are.
func numeral(n int) string {
	switch {
	case n > 0 && n <= 10:
		return numerals[n]
	case n > 10 && n < 20:
		return "十" + numerals[n-10]
	case n >= 20 && n < 100 && n%10 == 0:
		return numerals[n/10] + "十"
	case n > 20 && n < 100:
		return numerals[n/10] + "十" + numerals[n%10]
	}
	return fmt.Sprint(n)
}

// Package parser reads an issue of 《高等职业教育动态》 as the institute
// exports it to text (see FORMAT.md) into a zhengce.Issue, undoing the
// export's artefacts: page breaks inside paragraphs, ** marks, the table of
// contents, and the file's encoding.
package parser

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"zhengce"
	"zhengce/indexer/docx"
)

// MaxFileSize is the largest file ParseFile reads. An issue is a few tens
// of kilobytes; anything near this is not an issue.
const MaxFileSize = 20 << 20

// ParseFile reads, decodes and parses one issue file: exported text, or a
// Word document when the name ends in .docx. Issue.Source is path.
func ParseFile(path string) (*zhengce.Issue, error) {
	fi, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, zhengce.Errorf(zhengce.ENOTFOUND, "%s: no such file", path)
	}
	if err != nil {
		return nil, fmt.Errorf("parse %s: %w", path, err)
	}
	switch {
	case fi.IsDir():
		return nil, errorf(path, 0, "is a directory, not an issue file")
	case !fi.Mode().IsRegular():
		return nil, errorf(path, 0, "not a regular file")
	case fi.Size() == 0:
		return nil, errorf(path, 0, "empty file")
	case fi.Size() > MaxFileSize:
		return nil, errorf(path, 0, "file is %.1f MB, over the %d MB limit for an issue", float64(fi.Size())/(1<<20), MaxFileSize>>20)
	}
	var iss *zhengce.Issue
	if strings.EqualFold(filepath.Ext(path), ".docx") {
		iss, err = parseDocx(path)
	} else {
		var data []byte
		if data, err = os.ReadFile(path); err != nil {
			return nil, fmt.Errorf("parse %s: %w", path, err)
		}
		iss, err = Parse(path, data)
	}
	if err != nil {
		return nil, err
	}
	iss.Source = path
	return iss, nil
}

// parseDocx reads the paragraphs of a Word document (see package docx) and
// parses them as lines, a paragraph with line breaks being several: a .docx
// and a .txt of the same issue give the same issue. A file that is not a
// readable .docx is a *ParseError naming it.
func parseDocx(path string) (*zhengce.Issue, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("parse %s: %w", path, err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("parse %s: %w", path, err)
	}
	paras, err := docx.Paragraphs(f, fi.Size())
	if err != nil {
		if errors.Is(err, docx.ErrNotDocx) || errors.Is(err, docx.ErrDamaged) || errors.Is(err, docx.ErrTooLarge) {
			return nil, errorf(path, 0, "%v", err)
		}
		return nil, fmt.Errorf("parse %s: %w", path, err)
	}
	return ParseLines(path, docx.Lines(paras))
}

// Parse decodes data (see Decode) and parses it. name is used in errors.
func Parse(name string, data []byte) (*zhengce.Issue, error) {
	text, err := Decode(data)
	if err != nil {
		return nil, errorf(name, 0, "%v", err)
	}
	return ParseLines(name, strings.Split(text, "\n"))
}

// ParseLines parses an issue from decoded lines, or from the paragraphs of
// a word-processor document. Line numbers in errors and in Paragraph.Line
// are 1-based positions in lines.
func ParseLines(name string, lines []string) (*zhengce.Issue, error) {
	p := &parser{name: name, iss: &zhengce.Issue{}}
	for i, raw := range lines {
		if err := p.line(i+1, raw); err != nil {
			return nil, err
		}
	}
	return p.finish()
}

// state is the part of the issue the parser is in. Parts come in a fixed
// order, so the parser only ever moves forward.
type state int

const (
	inMasthead   state = iota
	inGuide            // 本期导读
	inContents         // after the guide, before the first section: the TOC
	inSection          // a policy section
	inDirections       // 推荐研究方向
	inColophon
)

type parser struct {
	name  string
	iss   *zhengce.Issue
	state state

	hasNumber bool // 第 N 期·总第 M 期 seen

	pend *pending // the paragraph being assembled across page breaks

	// headRest is the current section heading after its date while the
	// heading is cut by a page break inside its 《title》; "" otherwise.
	headRest string

	sub          string // current （一） heading in the section
	further      int    // index+1 of the open 【延伸阅读】 block in Section.Further, 0 if none
	furtherTitle bool   // the 【延伸阅读】 line had no title: the next line is it
	question     string // current question heading inside the further block
}

// pending is a paragraph whose last line may continue after a page break.
type pending struct {
	text string
	line int
	open bool // the last line did not end a sentence
}

// line reads line n. Headings that move the parser on to the next part
// are recognised here; the rest goes to the reader of the current part.
func (p *parser) line(n int, raw string) error {
	if isTOC(raw) {
		// The TOC repeats headings (一、…) with page numbers; never content.
		p.flush()
		if p.state == inMasthead {
			if err := p.endMasthead(n); err != nil {
				return err
			}
		}
		if p.state < inContents {
			p.state = inContents
		}
		return nil
	}
	s := clean(raw)
	if s == "" {
		return nil
	}
	if p.state == inMasthead {
		return p.masthead(n, s)
	}
	if p.state >= inGuide && p.state < inColophon {
		if ok := p.sectionHeading(n, s); ok {
			return nil
		}
		if reDirectionsHead.MatchString(s) {
			p.flush()
			if p.state == inGuide {
				// The guide's last line, written without its ●.
				p.state = inContents
			} else {
				p.state = inDirections
			}
			return nil
		}
	}
	if p.state >= inSection && isColophon(s) {
		p.flush()
		p.state = inColophon
	}
	switch p.state {
	case inGuide:
		p.guide(n, s)
	case inSection:
		p.section(n, s)
	case inDirections:
		p.direction(n, s)
	case inColophon:
		p.colophon(s)
	}
	// inContents: stray lines of the TOC (目录, a wrapped entry) are dropped.
	return nil
}

// masthead reads the lines before the guide: title, date, weekday, number,
// publisher. The first line that is none of the others is the title.
func (p *parser) masthead(n int, s string) error {
	compact := strings.Join(strings.Fields(s), "")
	switch {
	case compact == "本期导读" || strings.HasPrefix(s, "●"):
		if err := p.endMasthead(n); err != nil {
			return err
		}
		p.state = inGuide
		if strings.HasPrefix(s, "●") {
			p.guide(n, s)
		}
		return nil
	case reOrdinal.MatchString(s):
		// No guide and no TOC: the first section follows the masthead.
		if err := p.endMasthead(n); err != nil {
			return err
		}
		p.state = inContents
		return p.line(n, s)
	}
	iss, known := p.iss, false
	if m := reDate.FindStringSubmatch(s); m != nil && iss.Date.IsZero() {
		iss.Date, known = dateOf(m[1], m[2], m[3]), true
	}
	if m := reWeekday.FindString(s); m != "" {
		iss.Weekday, known = m, true
	}
	if m := reIssueNumber.FindStringSubmatch(s); m != nil {
		num, ok1 := parseNumber(m[1])
		run, ok2 := parseNumber(m[2])
		if !ok1 || !ok2 {
			return errorf(p.name, n, "masthead: cannot read issue numbers in %q", s)
		}
		iss.Number, iss.Running, p.hasNumber, known = num, run, true, true
	}
	if m := rePublisher.FindStringSubmatch(s); m != nil {
		iss.Publisher, known = m[1], true
	}
	if reInternal.MatchString(s) {
		known = true
	}
	if !known && iss.Title == "" {
		iss.Title = strings.Trim(s, "《》 ")
	}
	return nil
}

var (
	reWeekday     = regexp.MustCompile(`星期[一二三四五六日天]`)
	reIssueNumber = regexp.MustCompile(`第\s*([0-9一二三四五六七八九十两]+)\s*期\s*[·・•.．\s（(]*\s*总第\s*([0-9一二三四五六七八九十百]+)\s*期`)
	rePublisher   = regexp.MustCompile(`^(\S+?)\s*主办$`)
	reInternal    = regexp.MustCompile(`内部(刊物|资料)|请勿(翻印|外传)`)
)

func (p *parser) endMasthead(n int) error {
	if !p.hasNumber {
		return errorf(p.name, n, "no masthead: expected 第 N 期·总第 M 期 before this line")
	}
	if p.iss.Title == "" {
		return errorf(p.name, n, "no masthead: expected the bulletin's title before this line")
	}
	return nil
}

// dateOf builds a date from regexp captures, or the zero Date when the
// numbers do not make a calendar day (2024 年 2 月 30 日).
func dateOf(y, m, d string) zhengce.Date {
	yy, _ := parseDigits(y)
	mm, _ := parseDigits(m)
	dd, _ := parseDigits(d)
	date := zhengce.NewDate(yy, time.Month(mm), dd)
	if date.Year() != yy || int(date.Month()) != mm || date.Day() != dd {
		return zhengce.Date{}
	}
	return date
}

// guide reads 本期导读: ● lines, each with its summary paragraphs.
func (p *parser) guide(n int, s string) {
	switch {
	case strings.Join(strings.Fields(s), "") == "目录":
		// The TOC's own heading closes a guide that had no last ● line.
		p.flush()
		p.state = inContents
	case strings.HasPrefix(s, "●"):
		p.flush()
		head := strings.TrimSpace(strings.TrimPrefix(s, "●"))
		if reDirectionsHead.MatchString(head) {
			// ●本期推荐研究方向 closes the guide; the TOC follows.
			p.state = inContents
			return
		}
		h := parsePolicyHeading(head, false)
		p.iss.Guide = append(p.iss.Guide, zhengce.GuideEntry{
			Heading: h.Heading, Bodies: h.Bodies, PolicyTitle: h.Title, Line: n,
		})
	case strings.HasPrefix(s, "【"):
		// 【延伸阅读】… names the entry's companion Q&A: one line of its own.
		p.flush()
		p.addGuide(zhengce.Paragraph{Text: s, Kind: zhengce.KindGuide, Line: n})
	default:
		p.text(n, s)
	}
}

func (p *parser) addGuide(para zhengce.Paragraph) {
	if len(p.iss.Guide) == 0 {
		return // text between 本期导读 and the first ● belongs to no entry
	}
	g := &p.iss.Guide[len(p.iss.Guide)-1]
	g.Paragraphs = append(g.Paragraphs, para)
}

// sectionHeading starts a new section if s is a section heading: 一、 then
// a date, or (for a heading whose date is missing) 一、 with a 《title》 and
// the next ordinal in sequence. A TOC line never gets here.
func (p *parser) sectionHeading(n int, s string) bool {
	m := reOrdinal.FindStringSubmatch(s)
	if m == nil {
		return false
	}
	ord, ok := parseNumber(m[1])
	if !ok {
		return false
	}
	rest := m[2]
	var date zhengce.Date
	if d := reLeadDate.FindStringSubmatch(rest); d != nil {
		if d[3] != "" {
			date = dateOf(d[1], d[2], d[3])
		}
		rest = rest[len(d[0]):]
	} else if !p.undatedHeading(ord, rest) {
		return false
	}
	p.flush()
	p.iss.Sections = append(p.iss.Sections, zhengce.Section{Ordinal: ord, Numeral: m[1], Date: date, Line: n})
	p.setHeading(rest)
	p.state = inSection
	p.sub, p.further, p.furtherTitle, p.question = "", 0, false, ""
	return true
}

// undatedHeading decides whether 一、… without a date heads a section. It
// must name a 《title》 and carry the next ordinal; before the first section
// it must also end with the lead-in colon, since there a TOC entry wrapped
// onto two lines looks the same but never ends with one.
func (p *parser) undatedHeading(ord int, rest string) bool {
	if !strings.Contains(rest, "《") || ord != len(p.iss.Sections)+1 {
		return false
	}
	return p.state == inSection || strings.HasSuffix(rest, "：") || strings.HasSuffix(rest, ":")
}

// setHeading fills the current section from its heading text after the
// date. A heading whose 《 is not closed was cut by a page break and waits
// for its next line.
func (p *parser) setHeading(rest string) {
	sec := &p.iss.Sections[len(p.iss.Sections)-1]
	h := parsePolicyHeading(rest, true)
	sec.Heading, sec.Bodies, sec.BodiesNote = h.Heading, h.Bodies, h.BodiesNote
	sec.PolicyTitle, sec.DocType, sec.LeadIn = h.Title, h.DocType, h.LeadIn
	p.headRest = ""
	if strings.Count(rest, "《") > strings.Count(rest, "》") {
		p.headRest = rest
	}
}

// section reads a line inside a policy section.
func (p *parser) section(n int, s string) {
	sec := &p.iss.Sections[len(p.iss.Sections)-1]
	if rest := p.headRest; rest != "" {
		p.headRest = ""
		if !startsNewPart(s) {
			p.setHeading(joinBroken(rest, s))
			return
		}
	}
	switch {
	case strings.HasPrefix(s, "【延伸阅读】"):
		p.flush()
		title := strings.TrimSpace(strings.TrimPrefix(s, "【延伸阅读】"))
		sec.Further = append(sec.Further, zhengce.FurtherReading{Title: title, Line: n})
		p.further, p.question, p.furtherTitle = len(sec.Further), "", title == ""
		if title != "" {
			p.addFurtherTitle(sec)
		}
	case p.furtherTitle:
		p.furtherTitle = false
		sec.Further[p.further-1].Title = s
		p.addFurtherTitle(sec)
	default:
		p.text(n, s)
	}
}

// addFurtherTitle makes the 【延伸阅读】 title a heading paragraph, so that
// searching the Q&A's name (答记者问) finds it.
func (p *parser) addFurtherTitle(sec *zhengce.Section) {
	fr := sec.Further[p.further-1]
	sec.Paragraphs = append(sec.Paragraphs, zhengce.Paragraph{
		Text: furtherLabel(fr.Title), Kind: zhengce.KindFurther, Heading: true, Line: fr.Line,
	})
}

func furtherLabel(title string) string { return "【延伸阅读】" + title }

// text adds a content line: it continues the pending paragraph when that
// was cut by a page break, or starts a new one.
func (p *parser) text(n int, s string) {
	if p.pend != nil && p.pend.open && !startsNewPart(s) {
		p.pend.text = joinBroken(p.pend.text, s)
		p.pend.open = !endsSentence(s)
		return
	}
	p.flush()
	p.pend = &pending{text: s, line: n, open: !endsSentence(s) && !isBareHeading(s)}
}

// flush files the pending paragraph where the parser is.
func (p *parser) flush() {
	pd := p.pend
	if pd == nil {
		return
	}
	p.pend = nil
	switch p.state {
	case inGuide:
		p.addGuide(zhengce.Paragraph{Text: pd.text, Kind: zhengce.KindGuide, Line: pd.line})
	case inSection:
		p.addSection(pd)
	}
}

// addSection files a finished paragraph in the current section, working
// out its heading path: the （一） heading above it, or inside a further
// reading block the block's title and the question being answered.
func (p *parser) addSection(pd *pending) {
	sec := &p.iss.Sections[len(p.iss.Sections)-1]
	para := zhengce.Paragraph{Text: pd.text, Kind: zhengce.KindBody, Line: pd.line}
	var outer []string
	cur := &p.sub
	if p.further > 0 {
		fr := &sec.Further[p.further-1]
		para.Kind = zhengce.KindFurther
		outer = []string{furtherLabel(fr.Title)}
		cur = &p.question
		if m := reSource.FindStringSubmatchIndex(para.Text); m != nil {
			fr.Source = para.Text[m[2]:m[3]]
			para.Text = strings.TrimSpace(para.Text[:m[0]])
			if para.Text == "" {
				return
			}
		}
	}
	if reSubHeading.MatchString(para.Text) || p.further > 0 && isAsked(para.Text) {
		head, rest := splitHeading(para.Text)
		*cur = head
		if rest == "" {
			para.Heading = true
			para.Path = outer
			sec.Paragraphs = append(sec.Paragraphs, para)
			return
		}
	}
	if *cur != "" {
		para.Path = append(append([]string(nil), outer...), *cur)
	} else {
		para.Path = outer
	}
	sec.Paragraphs = append(sec.Paragraphs, para)
}

// maxDirectionTail is the longest line, in runes, taken as the rest of a
// research direction's name cut by a page break.
const maxDirectionTail = 30

// isAsked reports a question written 问：…？ in a Q&A, the other way the
// bulletin prints questions besides （一）…？ .
func isAsked(s string) bool {
	return strings.HasPrefix(s, "问：") || strings.HasPrefix(s, "问:")
}

// direction reads one item of 推荐研究方向. A line that is not an item
// finishes the name before it, cut by a page break.
func (p *parser) direction(n int, s string) {
	if m := reListItem.FindStringSubmatch(s); m != nil {
		num := m[1] + m[2]
		ord, _ := parseDigits(num)
		p.iss.Directions = append(p.iss.Directions, zhengce.Direction{Ordinal: ord, Name: m[3], Line: n})
		return
	}
	// A name's second half is short and, like every name, has no final
	// punctuation; anything else (以上方向供参考。) is a remark, dropped.
	k := len(p.iss.Directions)
	if k > 0 && !endsSentence(p.iss.Directions[k-1].Name) && !endsSentence(s) &&
		utf8.RuneCountInString(s) <= maxDirectionTail {
		d := &p.iss.Directions[k-1]
		d.Name = joinBroken(d.Name, s)
	}
}

// colophon reads [总 指 导] 江 涛 …, 报：…, 发：… . A line without a label
// continues the entry before it.
func (p *parser) colophon(s string) {
	var label, text string
	if m := reColophonBracket.FindStringSubmatch(s); m != nil {
		label, text = m[1], m[2]
	} else if m := reColophonLabel.FindStringSubmatch(s); m != nil {
		label, text = m[1], m[2]
	} else if k := len(p.iss.Colophon); k > 0 {
		c := &p.iss.Colophon[k-1]
		c.Text = joinBroken(c.Text, s)
		return
	} else {
		return
	}
	label = strings.Join(strings.Fields(label), "")
	p.iss.Colophon = append(p.iss.Colophon, zhengce.ColophonEntry{Label: label, Text: strings.TrimSpace(text)})
}

func (p *parser) finish() (*zhengce.Issue, error) {
	p.flush()
	if p.state == inMasthead {
		if !p.hasNumber {
			return nil, errorf(p.name, 0, "no masthead: no 第 N 期·总第 M 期 line")
		}
		return nil, errorf(p.name, 0, "no policy sections (一、<date>，<bodies>《<title>》)")
	}
	if len(p.iss.Sections) == 0 {
		return nil, errorf(p.name, 0, "no policy sections (一、<date>，<bodies>《<title>》) after the masthead")
	}
	return p.iss, nil
}

package gen

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"zhengce"
	"zhengce/indexer/parser"
	"zhengce/indexer/taxonomy"
)

// Material is what the generator recombines: the parts of the source
// issues, cut where the bulletin's format cuts them, and the issuing bodies
// of aliases.toml. It is read once and only read after.
type Material struct {
	title     string // 高等职业教育动态
	publisher string // 高等职业教育研究所

	bodySets []bodySet // the bodies of the source sections, as written
	bodies   []Body    // aliases.toml's bodies, for new combinations
	core     []int     // indexes into bodies of the ones most bulletins cite

	titles      []text   // real policy titles
	docTypes    []string // document types as found, repeated as often as found
	leadIns     []string // lead-ins as found, "" for a heading without one
	subHeadings []text   // （一）… headings without their numeral or final 。
	subDirs     [][]int  // per sub-heading: the real directions whose subject it names
	subSubjects []text   // per sub-heading: a direction subject drawn from it, or empty
	titleCores  []text   // per real title: its subject (关于X的通知 → X), or empty
	starters    []text   // sentences that can open a paragraph
	plain       []text   // every sentence that is not a point's first
	points      []point  // 一是… units: first sentence and the ones after it
	questions   []text   // questions of further-reading blocks, without numeral
	answers     []text   // sentences of answers, that can open one
	summaries   []text   // guide summaries
	sites       []string // sources of further readings, without their date
	directions  []text   // real research directions
	colophon    []zhengce.ColophonEntry

	sources int // issues read
}

// Body is one issuing body of aliases.toml: its canonical name and other
// names it is written under.
type Body struct {
	Name    string
	Aliases []string
}

type bodySet struct {
	names []string
	note  string // 等九部门
}

// point is one 一是… unit: its first sentence without the ordinal, and the
// sentences that followed it in the same paragraph up to the next point.
type point struct {
	lead text
	more []text
}

// text is a piece of source text whose years move with the policy it is
// put under: "从 2024 年起" in an issue of 2024 says "从 2031 年起" under a
// policy of 2031. parts surround the year numbers; deltas are each year
// minus the year of the source issue.
type text struct {
	parts  []string
	deltas []int
}

// newText cuts s around its years (1980–2100, standing alone, followed by
// 年, a dash or 至), read as written in an issue of year src.
func newText(s string, src int) text {
	var t text
	last := 0
	for i := 0; i+4 <= len(s); i++ {
		if !isYearAt(s, i) {
			continue
		}
		y, _ := strconv.Atoi(s[i : i+4])
		t.parts = append(t.parts, s[last:i])
		t.deltas = append(t.deltas, y-src)
		last = i + 4
		i += 3
	}
	t.parts = append(t.parts, s[last:])
	return t
}

// isYearAt reports a year at byte i of s: four digits, not part of a longer
// number or a decimal, from 1980 to 2100, followed by 年, a dash or 至.
func isYearAt(s string, i int) bool {
	for k := i; k < i+4; k++ {
		if !isDigit(rune(s[k])) {
			return false
		}
	}
	if i > 0 && (isDigit(rune(s[i-1])) || s[i-1] == '.') {
		return false
	}
	y, _ := strconv.Atoi(s[i : i+4])
	if y < 1980 || y > 2100 {
		return false
	}
	rest := strings.TrimLeft(s[i+4:], " ")
	for _, w := range []string{"年", "—", "–", "－", "至"} {
		if strings.HasPrefix(rest, w) {
			return true
		}
	}
	return false
}

func (t text) empty() bool { return len(t.deltas) == 0 && t.parts[0] == "" }

// in writes the text for a policy of year y.
func (t text) in(y int) string {
	if len(t.deltas) == 0 {
		return t.parts[0]
	}
	var b strings.Builder
	t.write(&b, y)
	return b.String()
}

func (t text) write(b *strings.Builder, y int) {
	b.WriteString(t.parts[0])
	for i, d := range t.deltas {
		b.WriteString(strconv.Itoa(y + d))
		b.WriteString(t.parts[i+1])
	}
}

// source renders the text with each year as its offset from the source
// issue's year (2024 in an issue of 2024 reads 0): for matching texts of
// different issues with each other, never for output.
func (t text) source() string { return t.in(0) }

// LoadMaterial parses the issue files (*.txt, *.docx) directly inside each
// of dirs and reads the bodies of aliasesPath (none when it is "").
func LoadMaterial(dirs []string, aliasesPath string) (*Material, error) {
	var issues []*zhengce.Issue
	for _, dir := range dirs {
		entries, err := os.ReadDir(dir)
		if err != nil {
			if errors.Is(err, os.ErrNotExist) {
				return nil, zhengce.Errorf(zhengce.EINVALID, "%s: no such folder of issues", dir)
			}
			return nil, fmt.Errorf("reading %s: %w", dir, err)
		}
		for _, e := range entries {
			if e.IsDir() || !isIssueFile(e.Name()) {
				continue
			}
			iss, err := parser.ParseFile(filepath.Join(dir, e.Name()))
			if err != nil {
				return nil, err
			}
			issues = append(issues, iss)
		}
	}
	var bodies []Body
	if aliasesPath != "" {
		a, err := taxonomy.LoadAliases(aliasesPath)
		if err != nil {
			return nil, err
		}
		for _, name := range a.Bodies() {
			b := Body{Name: name}
			for _, w := range a.Expand(name)[1:] {
				if a.CanonicalBody(w) == name {
					b.Aliases = append(b.Aliases, w)
				}
			}
			bodies = append(bodies, b)
		}
	}
	m, err := NewMaterial(issues, bodies)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", strings.Join(dirs, ", "), err)
	}
	return m, nil
}

// isIssueFile is indexer.IsIssueFile, which this package cannot import (the
// indexer's own tests may use the generator).
func isIssueFile(name string) bool {
	if strings.HasPrefix(name, ".") || strings.HasPrefix(name, "~$") {
		return false
	}
	ext := strings.ToLower(filepath.Ext(name))
	return ext == ".txt" || ext == ".docx"
}

// NewMaterial collects the parts of issues, in the order given, and the
// bodies to combine (may be empty).
func NewMaterial(issues []*zhengce.Issue, bodies []Body) (*Material, error) {
	m := &Material{sources: len(issues)}
	for _, b := range bodies {
		b.Aliases = slices.DeleteFunc(slices.Clone(b.Aliases), func(a string) bool {
			// Short aliases (中央, 国办) are how people speak, not how a
			// heading names a body.
			return utf8.RuneCountInString(a) < 3 || a == "党中央"
		})
		m.bodies = append(m.bodies, b)
	}
	for i, b := range m.bodies {
		if slices.Contains(coreBodies, b.Name) {
			m.core = append(m.core, i)
		}
	}
	seen := map[string]bool{}
	add := func(pool *[]text, s string, year int) {
		key := fmt.Sprintf("%p|%s", pool, s)
		if s == "" || seen[key] {
			return
		}
		seen[key] = true
		*pool = append(*pool, newText(s, year))
	}
	subIndex := map[string]int{}
	addSub := func(s string, year int) {
		s = subHeadingText(s)
		if s == "" || strings.ContainsAny(s, "？！?!") || utf8.RuneCountInString(s) > 45 {
			return
		}
		if _, ok := subIndex[s]; ok {
			return
		}
		subIndex[s] = len(m.subHeadings)
		m.subHeadings = append(m.subHeadings, newText(s, year))
	}
	for _, iss := range issues {
		year := iss.Date.Year()
		if m.title == "" {
			m.title = iss.Title
		}
		if m.publisher == "" {
			m.publisher = iss.Publisher
		}
		if len(m.colophon) == 0 {
			m.colophon = slices.Clone(iss.Colophon)
		}
		for _, g := range iss.Guide {
			for _, p := range g.Paragraphs {
				if starts(p.Text) && endsSentence(p.Text) {
					add(&m.summaries, p.Text, year)
				}
			}
		}
		for _, d := range iss.Directions {
			if validDirection(d.Name) {
				add(&m.directions, d.Name, year)
			}
		}
		for _, s := range iss.Sections {
			if len(s.Bodies) > 0 {
				m.bodySets = append(m.bodySets, bodySet{names: s.Bodies, note: s.BodiesNote})
			}
			if s.PolicyTitle != "" && !strings.ContainsAny(s.PolicyTitle, "《》") {
				add(&m.titles, s.PolicyTitle, year)
			}
			if s.DocType != "" {
				m.docTypes = append(m.docTypes, s.DocType)
			}
			m.leadIns = append(m.leadIns, s.LeadIn)
			for _, f := range s.Further {
				if site := strings.TrimSpace(reSourceDate.ReplaceAllString(f.Source, "")); site != "" && !slices.Contains(m.sites, site) {
					m.sites = append(m.sites, site)
				}
			}
			for _, p := range s.Paragraphs {
				t := p.Text
				if p.Kind == zhengce.KindFurther {
					if strings.HasPrefix(t, "【") {
						continue
					}
					if p.Heading {
						if q := questionText(t); q != "" {
							add(&m.questions, q, year)
						}
						continue
					}
					if reSubHeading.MatchString(t) || strings.HasPrefix(t, "问") {
						head, rest := splitHeading(t)
						if q := questionText(head); q != "" {
							add(&m.questions, q, year)
						}
						t = rest
					}
					t = strings.TrimPrefix(strings.TrimPrefix(t, "答："), "答:")
					plain, pts := sentencesOf(t)
					for _, x := range plain {
						if starts(x) {
							add(&m.answers, x, year)
						}
					}
					for _, pt := range pts {
						m.points = append(m.points, newPoint(pt, year))
					}
					continue
				}
				if p.Heading {
					addSub(t, year)
					continue
				}
				if reSubHeading.MatchString(t) {
					head, rest := splitHeading(t)
					addSub(head, year)
					t = rest
				}
				plain, pts := sentencesOf(t)
				for _, x := range plain {
					add(&m.plain, x, year)
					if starts(x) {
						add(&m.starters, x, year)
					}
				}
				for _, pt := range pts {
					m.points = append(m.points, newPoint(pt, year))
					for _, x := range pt[1:] {
						add(&m.plain, x, year)
					}
				}
			}
		}
	}
	if m.title == "" {
		m.title = "高等职业教育动态"
	}
	switch {
	case len(issues) == 0:
		return nil, zhengce.Errorf(zhengce.EINVALID, "no issue files to draw on")
	case len(m.titles) == 0:
		return nil, zhengce.Errorf(zhengce.EINVALID, "no policy section with a 《title》 to draw on")
	case len(m.bodySets) == 0 && len(m.bodies) == 0:
		return nil, zhengce.Errorf(zhengce.EINVALID, "no issuing bodies to draw on")
	case len(m.starters) < 3:
		return nil, zhengce.Errorf(zhengce.EINVALID, "too little text to draw on (%d sentences)", len(m.starters))
	}
	if len(m.docTypes) == 0 {
		m.docTypes = []string{"通知", "意见"}
	}
	// A few common document types the shipped issues happen not to use,
	// now and then, so that the facet has a tail.
	for _, dt := range []string{"办法", "规划", "工作要点", "决定", "指南"} {
		if !slices.Contains(m.docTypes, dt) {
			m.docTypes = append(m.docTypes, dt)
		}
	}
	if len(m.summaries) == 0 {
		m.summaries = m.starters
	}

	// Subjects of directions: a real direction whose subject a sub-heading
	// names is linked to it; every sub-heading and title also gives one.
	m.subDirs = make([][]int, len(m.subHeadings))
	m.subSubjects = make([]text, len(m.subHeadings))
	for i, h := range m.subHeadings {
		src := h.source()
		for j, d := range m.directions {
			subj := strings.TrimSuffix(d.source(), "研究")
			if len([]rune(subj)) >= 4 && strings.Contains(src, subj) {
				m.subDirs[i] = append(m.subDirs[i], j)
			}
		}
		m.subSubjects[i] = subjectOf(h)
	}
	for _, t := range m.titles {
		m.titleCores = append(m.titleCores, subjectOf(titleCore(t)))
	}
	return m, nil
}

// coreBodies are the bodies most of the bulletin's policies come from.
var coreBodies = []string{"教育部", "人力资源社会保障部", "财政部", "国务院办公厅", "国家发展改革委", "工业和信息化部", "中共中央办公厅"}

var (
	reSubHeading = regexp.MustCompile(`^（[一二三四五六七八九十]+）`)
	reSourceDate = regexp.MustCompile(`\s*\d{4}\s*[-－年]\s*\d{1,2}\s*[-－月]\s*\d{1,2}\s*日?$`)
	// reNewPart matches the starts of lines the parser reads as a part of
	// their own (a heading, a list item, the colophon, a Q&A turn), which
	// a paragraph or the second half of a paragraph cut by a page break
	// must not have.
	reNewPart = regexp.MustCompile(`^(?:[（(][一二三四五六七八九十0-9]+[）)]|[一二三四五六七八九十]+、|[0-9]{1,2}\s*[.．、]|(?:报|发|送|抄送|抄报)\s*[：:]|[\[［]|【|●|答\s*[：:]|问\s*[：:]|(?:本期)?推荐研究方向|目\s*录)`)
)

// noStart are characters no sentence starts with (indexer.check's rule
// for a paragraph cut by a page break).
const noStart = "、，。；：？！”’）》」』,;:?!)的"

// starts reports whether s can open a paragraph: the parser reads it as
// text, and no check takes it for the second half of a broken paragraph.
func starts(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return s != "" && !strings.ContainsRune(noStart, r) && !unicode.IsSpace(r) &&
		!reNewPart.MatchString(s) && !rePointStart.MatchString(s)
}

// endsSentence is the parser's rule for a line that ends a paragraph.
func endsSentence(s string) bool {
	r, _ := utf8.DecodeLastRuneInString(s)
	return strings.ContainsRune("。！？；…”’）」』】：!?;):", r)
}

// subHeadingText is a sub-heading without its （一） and final 。 or ：.
func subHeadingText(s string) string {
	s = reSubHeading.ReplaceAllString(s, "")
	s = strings.TrimRight(strings.TrimSpace(s), "。：:")
	if !starts(s) {
		return ""
	}
	return s
}

// questionText is a further reading's question without （一） or 问：,
// ending with its ？, or "" when it is not one.
func questionText(s string) string {
	s = reSubHeading.ReplaceAllString(s, "")
	s = strings.TrimPrefix(strings.TrimPrefix(s, "问："), "问:")
	s = strings.TrimSpace(s)
	if !strings.HasSuffix(s, "？") || !starts(s) {
		return ""
	}
	return s
}

// splitHeading is the parser's: the heading sentence of a sub-heading
// paragraph (without a final 。) and the text after it.
func splitHeading(s string) (heading, rest string) {
	i := strings.IndexAny(s, "。！？!?")
	if i < 0 {
		return strings.TrimRight(s, "：:"), ""
	}
	_, size := utf8.DecodeRuneInString(s[i:])
	return strings.TrimSuffix(s[:i+size], "。"), strings.TrimSpace(s[i+size:])
}

var rePointStart = regexp.MustCompile(`^[一二三四五六七八九十]+是`)

// sentencesOf cuts a paragraph into sentences (at 。！？； outside quotes
// and brackets) and groups them: plain sentences, and points (一是…
// followed by the sentences up to the next point). A sentence without a
// final stop (a paragraph's unfinished end) is dropped.
func sentencesOf(p string) (plain []string, points [][]string) {
	var cur []string
	for _, s := range splitSentences(p) {
		if !endsSentence(s) || utf8.RuneCountInString(s) < 6 {
			cur = nil
			continue
		}
		if m := rePointStart.FindString(s); m != "" {
			lead := strings.TrimSpace(s[len(m):])
			if utf8.RuneCountInString(lead) < 4 || !starts(lead) {
				cur = nil
				continue
			}
			points = append(points, []string{lead})
			cur = points[len(points)-1]
			continue
		}
		if cur != nil {
			points[len(points)-1] = append(points[len(points)-1], s)
			cur = points[len(points)-1]
			continue
		}
		plain = append(plain, s)
	}
	return plain, points
}

func newPoint(p []string, year int) point {
	pt := point{lead: newText(p[0], year)}
	for _, s := range p[1:] {
		pt.more = append(pt.more, newText(s, year))
	}
	return pt
}

// splitSentences cuts at 。！？； that are not inside “”, 《》 or （）,
// keeping closing quotes and brackets that follow the stop.
func splitSentences(p string) []string {
	var out []string
	depth, start := 0, 0
	rs := []rune(p)
	pos := 0 // byte offset of rs[i]
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		size := utf8.RuneLen(r)
		switch r {
		case '“', '《', '（', '「':
			depth++
		case '”', '》', '）', '」':
			if depth > 0 {
				depth--
			}
		case '。', '！', '？', '；':
			if depth == 0 {
				end := pos + size
				for i+1 < len(rs) && strings.ContainsRune("”’）」", rs[i+1]) {
					i++
					end += utf8.RuneLen(rs[i])
				}
				if s := strings.TrimSpace(p[start:end]); s != "" {
					out = append(out, s)
				}
				start = end
				pos = end
				continue
			}
		}
		pos += size
	}
	if s := strings.TrimSpace(p[start:]); s != "" {
		out = append(out, s)
	}
	return out
}

// directionVerbs are words a heading starts with that a research
// direction's name leaves out: 增加普惠托育服务供给 → 普惠托育服务供给研究.
var directionVerbs = []string{
	"进一步", "全面", "大力", "切实", "积极", "着力", "持续", "加快", "深入", "不断",
	"增强", "加大", "塑造", "抓好", "着眼", "用好", "办好", "稳定", "吸引", "畅通",
	"增加", "完善", "加强", "提高", "推进", "健全", "深化", "促进", "扩大", "强化",
	"建立", "推动", "实施", "支持", "优化", "提升", "落实", "做好", "构建", "培育",
	"坚持", "规范", "明确", "降低", "拓宽", "维护", "发挥", "搭建", "壮大", "适应",
	"突出", "聚焦", "调整", "共建", "建设", "打造", "发展", "保障", "开展", "探索",
}

// subjectOf is the subject a research direction could take from a heading
// or title core: its first clause without leading verbs, or empty when
// that leaves nothing a direction could be named after.
func subjectOf(t text) text {
	s := t.source()
	if i := strings.IndexAny(s, "，,；;。：:"); i >= 0 {
		s = s[:i]
	}
	for trimmed := true; trimmed; {
		trimmed = false
		for _, v := range directionVerbs {
			if rest, ok := strings.CutPrefix(s, v); ok && utf8.RuneCountInString(rest) >= 4 {
				s, trimmed = rest, true
			}
		}
	}
	n := utf8.RuneCountInString(s)
	if n < 4 || n > 22 || !validDirection(s+"研究") || strings.ContainsAny(s, "《》“”（）()") {
		return text{parts: []string{""}}
	}
	// Rebuild the subject from the original text so that its years move:
	// the subject is a substring of the source, found by its position.
	return cutText(t, s)
}

// cutText returns the part of t that reads sub (in the years-relative-to-0
// rendering source() gives), keeping its year slots.
func cutText(t text, sub string) text {
	src := t.source()
	i := strings.Index(src, sub)
	if i < 0 {
		return text{parts: []string{""}}
	}
	// Walk t's parts to cut [i, i+len(sub)) out of the rendering.
	var out text
	pos := 0
	lo, hi := i, i+len(sub)
	emit := func(s string, from int) {
		a, b := max(lo, from), min(hi, from+len(s))
		if a < b {
			if len(out.parts) == len(out.deltas) {
				out.parts = append(out.parts, "")
			}
			out.parts[len(out.parts)-1] += s[a-from : b-from]
		}
	}
	for k, p := range t.parts {
		emit(p, pos)
		pos += len(p)
		if k < len(t.deltas) {
			y := strconv.Itoa(t.deltas[k])
			if pos >= lo && pos+len(y) <= hi {
				if len(out.parts) == len(out.deltas) {
					out.parts = append(out.parts, "")
				}
				out.deltas = append(out.deltas, t.deltas[k])
			} else if pos < hi && pos+len(y) > lo {
				// A year cut in half: nothing a name can be made of.
				return text{parts: []string{""}}
			}
			pos += len(y)
		}
	}
	if len(out.parts) == len(out.deltas) {
		out.parts = append(out.parts, "")
	}
	return out
}

// titleCore is a title without 关于 and its document type: 关于调整…政策的
// 通知 → 调整…政策.
func titleCore(t text) text {
	s := t.source()
	core := strings.TrimPrefix(s, "关于")
	if i := strings.LastIndex(core, "的"); i > 0 && utf8.RuneCountInString(core[i:]) <= 6 {
		core = core[:i]
	} else {
		for _, dt := range []string{"实施方案", "行动计划", "若干措施", "实施意见", "规划纲要", "方案", "纲要", "规划", "办法", "措施"} {
			if c, ok := strings.CutSuffix(core, dt); ok {
				core = c
				break
			}
		}
	}
	return cutText(t, core)
}

// validDirection reports a name the parser reads back whole as a list
// item and that links like one: starting with a Han character, without
// sentence punctuation.
func validDirection(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.Is(unicode.Han, r) && !strings.ContainsAny(s, "。！？；：，,;:!?") &&
		strings.HasSuffix(s, "研究") && utf8.RuneCountInString(s) <= 30
}

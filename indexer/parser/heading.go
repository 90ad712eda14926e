package parser

import (
	"regexp"
	"sort"
	"strings"
	"unicode/utf8"
)

// policyHeading is what a section heading or a guide line says about the
// policy document: 财政部 教育部《关于…的通知》，指出.
type policyHeading struct {
	Heading    string // bodies and title as printed, without lead-in
	Bodies     []string
	BodiesNote string // 等九部门
	Title      string
	DocType    string
	LeadIn     string
}

// docTypes are the kinds of document a title can end with. The longest
// matching suffix wins, so 指导意见 beats 意见 and 行动计划 beats 计划.
// The set stays small on purpose (办法, not 管理办法): it is a facet.
var docTypes = byLength([]string{
	"通知", "意见", "指导意见", "实施意见", "方案", "实施方案", "行动方案",
	"措施", "若干措施", "办法", "规定", "规划", "纲要", "决定", "决议",
	"要点", "工作要点", "计划", "行动计划", "指南", "细则", "实施细则", "条例",
	"批复", "函", "公告", "通告", "通报", "标准", "清单", "目录", "报告", "公报",
})

// leadIns are the words that introduce the summary after a heading when no
// comma sets them off (…的意见》提出：).
var leadIns = byLength([]string{
	"指出", "提出", "强调", "要求", "明确", "明确提出", "部署", "主要任务",
	"重点任务", "主要内容", "主要措施", "工作目标", "总体要求", "主要目标",
})

func byLength(words []string) []string {
	sort.SliceStable(words, func(i, j int) bool { return len(words[i]) > len(words[j]) })
	return words
}

// bodyWrappers are the verbs between the issuing bodies and the 《title》.
// They are removed from the end of the bodies repeatedly (…关于印发《).
var bodyWrappers = []string{"关于印发", "关于转发", "联合印发", "联合发布", "印发", "转发", "发布", "公布", "出台", "关于"}

var (
	// 等九部门, 等 9 部门, 等七个部门: bodies not named one by one.
	reBodiesNote = regexp.MustCompile(`等\s*[一二三四五六七八九十两\d]+\s*个?(?:部门|单位|部委)$`)
	reBodySep    = regexp.MustCompile(`[\s\x{3000}、，,]+`)
	// A title that is itself a 印发 notice: keep the document it issues.
	reIssuedTitle = regexp.MustCompile(`^.*?印发[〈《<](.+)[〉》>]的通知$`)
	// A trailing （2024—2035 年） or （试行） does not name the document type.
	reTrailingParen = regexp.MustCompile(`[（(][^（）()]*[）)]$`)
)

// parsePolicyHeading reads the part of a section heading after its ordinal
// and date, or a guide line without its ● (withLeadIn false: guide lines
// have no lead-in, and a comma in one is part of the text).
func parsePolicyHeading(s string, withLeadIn bool) policyHeading {
	s = strings.TrimSpace(strings.TrimRight(s, "：: "))
	var h policyHeading
	spans := titleSpans(s)
	h.Heading = s
	if withLeadIn {
		h.Heading, h.LeadIn = splitLeadIn(s, spans)
	}
	if len(spans) == 0 {
		return h
	}
	main := spans[0]
	for _, sp := range spans {
		if docType(unwrapTitle(s[sp.inner:sp.end])) != "" {
			main = sp
			break
		}
	}
	h.Title = unwrapTitle(s[main.inner:main.end])
	h.DocType = docType(h.Title)
	h.Bodies, h.BodiesNote = splitBodies(s[:main.start])
	return h
}

// span locates one top-level 《…》: start at 《, inner after it, end at 》.
type span struct{ start, inner, end int }

// titleSpans finds the top-level 《…》 in s. Nested quotes (《关于印发《…》
// 的通知》) stay inside their outer span.
func titleSpans(s string) []span {
	var spans []span
	depth, start := 0, 0
	for i, r := range s {
		switch r {
		case '《':
			if depth == 0 {
				start = i
			}
			depth++
		case '》':
			if depth == 0 {
				continue
			}
			depth--
			if depth == 0 {
				spans = append(spans, span{start: start, inner: start + len("《"), end: i})
			}
		}
	}
	return spans
}

// splitLeadIn separates the lead-in (指出, 主要任务, …) from the heading. It
// is looked for only after the last 》 so that a comma inside a title is
// never mistaken for the one before a lead-in.
func splitLeadIn(s string, spans []span) (heading, leadIn string) {
	from := 0
	if len(spans) > 0 {
		from = spans[len(spans)-1].end
	}
	tail := s[from:]
	if i := strings.LastIndexAny(tail, "，,"); i >= 0 {
		_, size := utf8.DecodeRuneInString(tail[i:])
		return strings.TrimSpace(s[:from+i]), strings.TrimSpace(tail[i+size:])
	}
	if len(spans) == 0 {
		// Without a title nothing marks where the heading ends, and
		// words like 要求 can end a heading.
		return s, ""
	}
	for _, w := range leadIns {
		if strings.HasSuffix(tail, w) {
			return strings.TrimSpace(strings.TrimSuffix(s, w)), w
		}
	}
	return s, ""
}

// splitBodies reads the issuing bodies before a title: space- or
// 、-separated names, then perhaps 等九部门 and a verb such as 印发.
func splitBodies(prefix string) (bodies []string, note string) {
	prefix = strings.TrimSpace(prefix)
	for trimmed := true; trimmed; {
		trimmed = false
		for _, w := range bodyWrappers {
			if strings.HasSuffix(prefix, w) {
				prefix, trimmed = strings.TrimSpace(strings.TrimSuffix(prefix, w)), true
			}
		}
	}
	if loc := reBodiesNote.FindStringIndex(prefix); loc != nil {
		note = prefix[loc[0]:]
		prefix = prefix[:loc[0]]
	}
	for _, b := range reBodySep.Split(prefix, -1) {
		if b != "" {
			bodies = append(bodies, b)
		}
	}
	return bodies, note
}

// unwrapTitle drops a 关于印发〈…〉的通知 wrapper inside the quotes, since
// the document worth naming is the one being issued.
func unwrapTitle(t string) string {
	t = strings.TrimSpace(t)
	if m := reIssuedTitle.FindStringSubmatch(t); m != nil {
		return strings.TrimSpace(m[1])
	}
	return t
}

// docType names the kind of document from the end of its title, ignoring a
// trailing parenthesis such as （2024—2035 年） or （试行）.
func docType(title string) string {
	for reTrailingParen.MatchString(title) {
		title = strings.TrimSpace(reTrailingParen.ReplaceAllString(title, ""))
	}
	for _, t := range docTypes {
		if strings.HasSuffix(title, t) {
			return t
		}
	}
	return ""
}

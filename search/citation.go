package search

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"zhengce"
)

// This file says how a passage is referred to: where it sits in the bulletin
// (its breadcrumb) and how to cite it. The CLI and the web pages both use it.

// Breadcrumb is where a passage sits, outermost first: the issue (第 9 期（总第
// 89 期）2024-11-13), then 本期导读 for a guide passage or the numbered policy
// section (三、中共中央 国务院《关于深化产业工人队伍建设改革的意见》), then the
// headings above the passage inside its section.
func Breadcrumb(p zhengce.Passage) []string {
	parts := []string{IssueLabel(p.Issue)}
	switch {
	case p.Kind == zhengce.KindGuide:
		parts = append(parts, "本期导读")
	case p.Section.Heading != "" && p.Section.Ordinal > 0:
		parts = append(parts, Numeral(p.Section.Ordinal)+"、"+p.Section.Heading)
	}
	return append(parts, p.Path...)
}

// IssueLabel names an issue as the bulletin's masthead does, with its date:
// 第 9 期（总第 89 期）2024-11-13.
func IssueLabel(ref zhengce.IssueRef) string {
	s := fmt.Sprintf("第 %d 期（总第 %d 期）", ref.Number, ref.Running)
	if ref.Date != "" {
		s += ref.Date
	}
	return s
}

// Numeral writes n (1–99) in Chinese numerals as section ordinals are
// printed: 一, 十, 十一, 二十三. Other numbers are written in digits.
func Numeral(n int) string {
	digits := []string{"", "一", "二", "三", "四", "五", "六", "七", "八", "九"}
	switch {
	case n <= 0 || n >= 100:
		return strconv.Itoa(n)
	case n < 10:
		return digits[n]
	}
	tens, ones := n/10, n%10
	s := "十"
	if tens > 1 {
		s = digits[tens] + s
	}
	return s + digits[ones]
}

// Citation formats a passage as a reference in the style of GB/T 7714-2015,
// naming the bulletin issue it was read in. publisher is the issue's
// publisher (高等职业教育研究所); it may be "".
//
// A passage of a policy section (正文, 延伸阅读, and a guide summary, which
// carries the section it introduces) cites the policy document as a
// normative document, type [Z], with the issue it was read in after 载:
//
//	中共中央, 国务院. 关于深化产业工人队伍建设改革的意见[Z]. 2024-10-22. （载：高等职业教育研究所. 高等职业教育动态, 2024年第9期（总第89期）. 2024-11-13.）
//
// Authors are the issuing bodies (canonical names) separated by ", "; as
// GB/T 7714 has it, at most three, then ", 等" — also when the heading says
// the document came from more bodies than it names (教育部等九部门). A policy
// without a known date leaves the date out.
//
// A passage with no policy title (a research direction) cites the issue
// itself, as a serial, type [J]:
//
//	高等职业教育研究所. 高等职业教育动态[J]. 2024年第9期（总第89期）. 2024-11-13.
func Citation(p zhengce.Passage, publisher string) string {
	if p.Section.PolicyTitle == "" {
		return issueCitation(p.Issue, publisher)
	}
	var b strings.Builder
	if authors := citationAuthors(p.Section); authors != "" {
		b.WriteString(authors)
		b.WriteString(". ")
	}
	b.WriteString(p.Section.PolicyTitle)
	b.WriteString("[Z].")
	if p.Section.Date != "" {
		b.WriteString(" ")
		b.WriteString(p.Section.Date)
		b.WriteString(".")
	}
	b.WriteString(" （载：")
	if publisher != "" {
		b.WriteString(publisher)
		b.WriteString(". ")
	}
	b.WriteString(p.Issue.Title)
	b.WriteString(", ")
	b.WriteString(issueNumber(p.Issue))
	if p.Issue.Date != "" {
		b.WriteString(". ")
		b.WriteString(p.Issue.Date)
	}
	b.WriteString(".）")
	return b.String()
}

func issueCitation(ref zhengce.IssueRef, publisher string) string {
	var b strings.Builder
	if publisher != "" {
		b.WriteString(publisher)
		b.WriteString(". ")
	}
	b.WriteString(ref.Title)
	b.WriteString("[J]. ")
	b.WriteString(issueNumber(ref))
	b.WriteString(".")
	if ref.Date != "" {
		b.WriteString(" ")
		b.WriteString(ref.Date)
		b.WriteString(".")
	}
	return b.String()
}

// issueNumber is 2024年第9期（总第89期）: the year of the issue's date, its
// number within the year and its running number.
func issueNumber(ref zhengce.IssueRef) string {
	year := ""
	if len(ref.Date) >= 4 {
		year = ref.Date[:4] + "年"
	}
	return fmt.Sprintf("%s第%d期（总第%d期）", year, ref.Number, ref.Running)
}

// moreBodies matches a heading that names fewer bodies than issued the
// document: 教育部等九部门, 人力资源社会保障部 教育部等七部门.
var moreBodies = regexp.MustCompile(`等[一二三四五六七八九十两0-9]+(个)?(部门|单位|部委)`)

func citationAuthors(s zhengce.SectionRef) string {
	bodies := s.Bodies
	etAl := false
	if len(bodies) > 3 {
		bodies, etAl = bodies[:3], true
	}
	if head, _, ok := strings.Cut(s.Heading, "《"); ok && moreBodies.MatchString(head) {
		etAl = true
	}
	if len(bodies) == 0 {
		return ""
	}
	out := strings.Join(bodies, ", ")
	if etAl {
		out += ", 等"
	}
	return out
}

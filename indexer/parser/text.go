package parser

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Patterns for the parts of an issue. A line is matched after clean, so
// export marks are gone and space runs are single.
var (
	// Dot leaders (ASCII, ellipsis or middle dots) or a tab before a page
	// number: a table-of-contents line, matched on the raw line because
	// clean turns the tab into a space.
	reTOC = regexp.MustCompile(`(?:\.{3,}|…{2,}|·{3,})\s*\d+\s*$|\S\t+\d+\s*$`)

	reSpaceRun = regexp.MustCompile(`[ \t\x{00A0}]+`)

	// 一、 at the start of a line: a section heading (or the research
	// directions heading) when what follows fits.
	reOrdinal = regexp.MustCompile(`^([一二三四五六七八九十]+)、\s*(.*)$`)
	// （一） at the start of a line: a sub-heading or a question.
	reSubHeading = regexp.MustCompile(`^（[一二三四五六七八九十]+）`)
	// A full date; spaces around the numbers are the bulletin's habit.
	reDate = regexp.MustCompile(`(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日`)
	// A date at the start of a section heading, possibly without its day,
	// and the comma after it.
	reLeadDate = regexp.MustCompile(`^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(?:(\d{1,2})\s*日)?\s*[，,、]?\s*`)

	reDirectionsHead = regexp.MustCompile(`^(?:[一二三四五六七八九十]+、\s*)?(?:本期)?推荐研究方向[：:]?$`)
	// 1. 1． 1、 （1） (1): a numbered list item. A digit right after the dot
	// would make it a decimal (5.2%), not an item.
	reListItem = regexp.MustCompile(`^(?:(\d{1,2})\s*[.．、]|[（(](\d{1,2})[）)])\s*([^\d\s].*)$`)

	// [总 指 导], [责任编辑]: a label of Han characters, so that a note
	// reference such as [1] in the text is not taken for the colophon.
	reColophonBracket = regexp.MustCompile(`^[\[［]\s*(\p{Han}[\p{Han}\s]*?)\s*[\]］]\s*(.*)$`)
	reColophonLabel   = regexp.MustCompile(`^(报|发|送|抄送|抄报)\s*[：:]\s*(.*)$`)

	// （来源：教育部网站 2024-10-30） closing an official Q&A.
	reSource = regexp.MustCompile(`[（(]\s*来源\s*[：:]\s*([^（）()]+?)\s*[）)]\s*$`)
)

// clean undoes the export marks on one line: ** from bold text, surrounding
// whitespace, and runs of spaces (the single spaces the bulletin prints
// around numbers, 从 2024 年起, are kept).
func clean(s string) string {
	s = strings.ReplaceAll(s, "**", "")
	s = strings.TrimFunc(s, func(r rune) bool { return unicode.IsSpace(r) || r == '\uFEFF' })
	return reSpaceRun.ReplaceAllString(s, " ")
}

// isTOC reports a table-of-contents line: it repeats a heading and ends
// with dot leaders or a tab and the page number.
func isTOC(raw string) bool {
	return reTOC.MatchString(strings.TrimRight(raw, " \t\r"))
}

// endsSentence reports whether a line ends where a paragraph may end. A
// colon counts: the bulletin ends a paragraph with one before a list, and
// treating it as an end at worst splits a paragraph where no phrase spans.
func endsSentence(s string) bool {
	r, _ := utf8.DecodeLastRuneInString(s)
	return strings.ContainsRune("。！？；…”’）」』】：!?;):", r)
}

// startsNewPart reports whether a line begins a part of its own, so that
// it cannot be the rest of a paragraph split by a page break.
func startsNewPart(s string) bool {
	switch {
	case reSubHeading.MatchString(s), reOrdinal.MatchString(s), reListItem.MatchString(s):
		return true
	case isColophon(s), reDirectionsHead.MatchString(s):
		return true
	}
	for _, p := range []string{"【", "●", "答：", "答:", "问：", "问:"} {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

func isColophon(s string) bool {
	return reColophonBracket.MatchString(s) || reColophonLabel.MatchString(s)
}

// maxBareHeading is the longest, in runes, a sub-heading line without any
// sentence end can be and still stand alone. 成长成才-style headings are
// short; a longer unpunctuated line is a paragraph cut by a page break.
const maxBareHeading = 50

// isBareHeading reports a sub-heading line with no sentence end at all,
// such as （四）健全职业发展体系，促进产业工人成长成才: it stands alone
// although it does not end a sentence.
func isBareHeading(s string) bool {
	return reSubHeading.MatchString(s) && !strings.ContainsAny(s, "。！？；!?;") &&
		utf8.RuneCountInString(s) <= maxBareHeading
}

// joinBroken rejoins the halves of a paragraph split by a page break. The
// halves meet with no space, except between an ASCII letter or digit and a
// Han character, where the bulletin prints one (增加到 2 万名).
func joinBroken(a, b string) string {
	ra, _ := utf8.DecodeLastRuneInString(a)
	rb, _ := utf8.DecodeRuneInString(b)
	if isASCIIAlnum(ra) && isHan(rb) || isHan(ra) && isASCIIAlnum(rb) {
		return a + " " + b
	}
	return a + b
}

func isASCIIAlnum(r rune) bool {
	return r < utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r))
}

func isHan(r rune) bool { return unicode.Is(unicode.Han, r) }

// splitHeading splits a sub-heading paragraph into its heading sentence
// and the text after it in the same paragraph (empty for a heading line on
// its own). The heading keeps its （一） and loses a final 。 .
func splitHeading(s string) (heading, rest string) {
	i := strings.IndexAny(s, "。！？!?")
	if i < 0 {
		// A bare heading; a colon before its list is not part of it.
		return strings.TrimRight(s, "：:"), ""
	}
	_, size := utf8.DecodeRuneInString(s[i:])
	heading, rest = s[:i+size], strings.TrimSpace(s[i+size:])
	return strings.TrimSuffix(heading, "。"), rest
}

var numeralValue = map[rune]int{
	'一': 1, '二': 2, '两': 2, '三': 3, '四': 4, '五': 5,
	'六': 6, '七': 7, '八': 8, '九': 9,
}

// parseNumber reads a number written in digits or in Chinese numerals up to
// 九十九 (一, 十, 十二, 二十, 二十三).
func parseNumber(s string) (int, bool) {
	if s == "" {
		return 0, false
	}
	if n, ok := parseDigits(s); ok {
		return n, true
	}
	rs := []rune(s)
	switch {
	case len(rs) == 1 && rs[0] == '十':
		return 10, true
	case len(rs) == 1:
		v, ok := numeralValue[rs[0]]
		return v, ok
	case len(rs) == 2 && rs[0] == '十':
		v, ok := numeralValue[rs[1]]
		return 10 + v, ok
	case len(rs) == 2 && rs[1] == '十':
		v, ok := numeralValue[rs[0]]
		return v * 10, ok
	case len(rs) == 3 && rs[1] == '十':
		t, ok1 := numeralValue[rs[0]]
		u, ok2 := numeralValue[rs[2]]
		return t*10 + u, ok1 && ok2
	}
	return 0, false
}

func parseDigits(s string) (int, bool) {
	n := 0
	for _, r := range s {
		if r < '0' || r > '9' || n > 1e8 {
			return 0, false
		}
		n = n*10 + int(r-'0')
	}
	return n, true
}

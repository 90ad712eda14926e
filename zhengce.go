// Package zhengce holds the domain types of the engine: an issue of the bulletin
// 《高等职业教育动态》, its policy sections and the paragraphs they are made of.
// Adapters (the parser, the bleve index, the web server) live in sub-packages and
// speak in these types.
package zhengce

import (
	"errors"
	"fmt"
	"time"
)

// Kind says which part of an issue a paragraph comes from. The values are the
// Chinese labels users see in facets.
type Kind string

const (
	KindBody      Kind = "正文"   // a policy section's summary text
	KindFurther   Kind = "延伸阅读" // an official Q&A or interpretation inside a section
	KindGuide     Kind = "导读"   // the guide (本期导读) at the front of an issue
	KindDirection Kind = "研究方向" // a recommended research direction
)

// Date is a calendar day. Policies and issues are dated to the day; a time of
// day or a zone would only invite off-by-one errors in range filters.
type Date struct{ time.Time }

// NewDate returns the given calendar day.
func NewDate(year int, month time.Month, day int) Date {
	return Date{time.Date(year, month, day, 0, 0, 0, 0, time.UTC)}
}

// ParseDate reads YYYY-MM-DD.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, fmt.Errorf("date %q is not YYYY-MM-DD", s)
	}
	return Date{t}, nil
}

// String formats the day as YYYY-MM-DD, or "" for the zero day.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return d.Format(time.DateOnly)
}

// Issue is one issue of the bulletin as parsed from a file.
type Issue struct {
	Source    string // the file it was read from
	Title     string // 高等职业教育动态
	Date      Date
	Weekday   string // 星期三, as printed
	Number    int    // number within the year: 第 9 期
	Running   int    // running number across years: 总第 89 期
	Publisher string // 高等职业教育研究所 (without 主办)

	Guide      []GuideEntry
	Sections   []Section // policy sections, in order; the research-direction section is not one of them
	Directions []Direction
	Colophon   []ColophonEntry
}

// GuideEntry is one ● line of 本期导读 with the paragraphs that follow it.
type GuideEntry struct {
	Heading     string   // the line without ●, as printed
	Bodies      []string // issuing bodies as written, in order
	PolicyTitle string   // title inside 《》, without 关于印发 wrappers
	Paragraphs  []Paragraph
	Line        int
}

// Section is one policy document summarised in the issue (一、二、…).
type Section struct {
	Ordinal     int    // 1 for 一、
	Numeral     string // 一
	Heading     string // bodies and title as printed, without ordinal, date and lead-in
	Date        Date   // the policy's date
	Bodies      []string
	BodiesNote  string // what followed the named bodies, e.g. 等九部门
	PolicyTitle string // inside 《》, without 关于印发 wrappers
	DocType     string // 通知, 意见, 实施方案, 若干措施, …
	LeadIn      string // 指出, 提出, 主要任务, …
	Paragraphs  []Paragraph
	Further     []FurtherReading
	Line        int
}

// FurtherReading is a 【延伸阅读】 block inside a section. Its paragraphs are
// in the section's Paragraphs with Kind KindFurther; this holds its metadata.
type FurtherReading struct {
	Title  string // the line after 【延伸阅读】
	Source string // e.g. 教育部网站 2024-10-30, from （来源：…）
	Line   int
}

// Paragraph is one paragraph of content as the bulletin reads it, with page
// breaks rejoined and export marks removed.
type Paragraph struct {
	Text string
	Kind Kind
	// Path is the chain of headings above the paragraph inside its section,
	// outermost first: a （一） sub-heading, or 【延伸阅读】 and a question.
	Path []string
	// Heading marks a paragraph that is only a heading line (it also appears in
	// the Path of the paragraphs under it).
	Heading bool
	Line    int // first line in the source file
}

// Direction is one recommended research direction.
type Direction struct {
	Ordinal int
	Name    string // 技能人才评价体系研究
	Line    int
}

// ColophonEntry is one line of the colophon: [责任编辑] 赵连明 …, 报：…
type ColophonEntry struct {
	Label string // 总指导, 责任编辑, 报, 发
	Text  string
}

// Passage is one paragraph as the index holds it: the unit a search returns,
// with what a result needs to show where it comes from and to cite it.
type Passage struct {
	ID         string     `json:"id"`
	Text       string     `json:"text"`
	Kind       Kind       `json:"kind"`
	Ordinal    int        `json:"ordinal"` // position within the issue, from 1
	Line       int        `json:"line,omitempty"`
	Date       string     `json:"date"` // the policy's date, else the issue's: YYYY-MM-DD
	Issue      IssueRef   `json:"issue"`
	Section    SectionRef `json:"section"`
	Path       []string   `json:"path"`
	Areas      []string   `json:"areas"`
	Directions []string   `json:"directions"`
}

// IssueRef names the issue a passage was read in.
type IssueRef struct {
	Number  int    `json:"number"`  // 第 N 期
	Running int    `json:"running"` // 总第 N 期
	Date    string `json:"date"`
	Title   string `json:"title"`
}

// SectionRef names the policy section a passage belongs to. Guide passages
// carry the section their guide entry introduces; research directions carry
// the bodies of the sections they draw on.
type SectionRef struct {
	Ordinal     int      `json:"ordinal"`
	Heading     string   `json:"heading"`
	PolicyTitle string   `json:"policy_title"`
	Bodies      []string `json:"bodies"`
	Date        string   `json:"date"`
	DocType     string   `json:"doc_type"`
}

// Error codes let callers (the CLI, the HTTP server) map an error to an exit
// code or status in one place.
const (
	EINVALID  = "invalid" // the user's input is wrong
	ENOTFOUND = "not_found"
	EINTERNAL = "internal"
)

// Error is the engine's error for things a user did wrong or asked for that
// does not exist. Anything else is internal.
type Error struct {
	Code    string
	Message string
}

func (e *Error) Error() string { return e.Message }

// Errorf returns an *Error with the given code.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL
// for any other error, and "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

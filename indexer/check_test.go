package indexer

import (
	"fmt"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/blevesearch/bleve/v2/mapping"

	"zhengce"
	"zhengce/indexer/parser"
)

// checkData loads the data and its mapping once for the check tests.
var checkData = sync.OnceValues(func() (*Data, error) { return LoadData(dataDir) })

func checkFile(t *testing.T, file string) Report {
	t.Helper()
	iss, err := parser.ParseFile(file)
	if err != nil {
		t.Fatal(err)
	}
	return checkIssue(t, iss)
}

func checkIssue(t *testing.T, iss *zhengce.Issue) Report {
	t.Helper()
	d, err := checkData()
	if err != nil {
		t.Fatal(err)
	}
	var m mapping.IndexMapping
	if m, err = d.Mapping(); err != nil {
		t.Fatal(err)
	}
	r, err := Check(d, m, iss)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestCheckSeedIssue(t *testing.T) {
	r := checkFile(t, seedFile)
	iss := r.Issue
	if iss.Number != 9 || iss.Running != 89 || iss.Date != "2024-11-13" || iss.Weekday != "星期三" ||
		iss.Title != "高等职业教育动态" || iss.Publisher != "高等职业教育研究所" {
		t.Errorf("masthead %+v", iss)
	}
	if want := (Counts{Guide: 5, Body: 40, Further: 12, Direction: 3}); r.Passages != want || iss.Passages != want.Total() {
		t.Errorf("passages %+v (summary %d), want %+v", r.Passages, iss.Passages, want)
	}

	type section struct {
		date, title, docType string
		bodies, directions   []string
		passages             Counts
		line                 int
	}
	want := []section{
		{"2024-10-25", "关于调整高等教育阶段和高中阶段国家奖助学金政策的通知", "通知",
			[]string{"财政部", "教育部", "人力资源社会保障部"}, []string{}, Counts{Body: 13, Further: 12}, 44},
		{"2024-10-28", "关于加快完善生育支持政策体系推动建设生育友好型社会的若干措施", "若干措施",
			[]string{"国务院办公厅"}, []string{"普惠托育服务供给研究"}, Counts{Body: 13}, 106},
		{"2024-10-22", "关于深化产业工人队伍建设改革的意见", "意见",
			[]string{"中共中央", "国务院"}, []string{"技能人才评价体系研究"}, Counts{Body: 9}, 142},
		{"2024-11-07", "共建现代化新重庆知识产权强市实施方案", "实施方案",
			[]string{"重庆市人民政府", "国家知识产权局"}, []string{"知识产权融合发展研究"}, Counts{Body: 5}, 168},
	}
	if len(r.Sections) != len(want) {
		t.Fatalf("%d sections, want %d", len(r.Sections), len(want))
	}
	for i, w := range want {
		s := r.Sections[i]
		got := section{s.Date, s.PolicyTitle, s.DocType, s.Bodies, s.Directions, s.Passages, s.Line}
		if s.Ordinal != i+1 || !reflect.DeepEqual(got, w) {
			t.Errorf("section %d:\n got %+v\nwant %+v", i+1, got, w)
		}
		if len(s.Areas) == 0 {
			t.Errorf("section %d has no areas", i+1)
		}
	}
	if s := r.Sections[0]; !slices.Contains(s.Areas, "科技、教育/教育") || !slices.Contains(s.Areas, "财政、金融、审计/财政") {
		t.Errorf("section 1 areas %v", s.Areas)
	}
	if s := r.Sections[3]; !slices.Contains(s.Areas, "科技、教育/知识产权") {
		t.Errorf("section 4 areas %v", s.Areas)
	}
	if f := r.Sections[0].Further; len(f) != 1 || f[0].Source != "教育部网站 2024-10-30" {
		t.Errorf("section 1 further reading %+v", f)
	}

	wantDirections := []DirectionOutline{
		{1, "技能人才评价体系研究", []int{3}, 188},
		{2, "普惠托育服务供给研究", []int{2}, 189},
		{3, "知识产权融合发展研究", []int{4}, 190},
	}
	if !reflect.DeepEqual(r.Directions, wantDirections) {
		t.Errorf("directions\n got %+v\nwant %+v", r.Directions, wantDirections)
	}
	var guide []int
	for _, g := range r.Guide {
		guide = append(guide, g.Section)
	}
	if !reflect.DeepEqual(guide, []int{1, 2, 3, 4}) {
		t.Errorf("guide entries introduce sections %v, want 1 2 3 4", guide)
	}
	if len(r.Colophon) != 4 {
		t.Errorf("colophon %+v", r.Colophon)
	}
	if len(r.Warnings) != 0 {
		t.Errorf("issue 89 has warnings:\n%s", warningList(r.Warnings))
	}
}

// TestCheckLinksAsTheIndex: the report's links are the index's.
func TestCheckLinksAsTheIndex(t *testing.T) {
	iss, ps := seedPassages(t)
	r := checkIssue(t, iss)
	fromIndex := map[string][]int{}
	for _, p := range ps {
		if p.Kind == zhengce.KindBody {
			for _, d := range p.Directions {
				fromIndex[d] = appendOrd(fromIndex[d], p.Section.Ordinal)
			}
		}
	}
	for _, d := range r.Directions {
		if !reflect.DeepEqual(d.Sections, fromIndex[d.Name]) {
			t.Errorf("%s: report links %v, index %v", d.Name, d.Sections, fromIndex[d.Name])
		}
	}
}

type warned struct {
	line int
	code string
}

func (w warned) String() string { return fmt.Sprintf("%d %s", w.line, w.code) }

func warningList(ws []Warning) string {
	var b strings.Builder
	for _, w := range ws {
		fmt.Fprintf(&b, "  %s [%s]\n", w, w.Code)
	}
	return b.String()
}

// TestCheckWarnings pins the warnings on every fixture: testdata/check was
// made to trigger them (see testdata/README.md); the format fixtures in
// testdata/issues give what an editor would see on them.
func TestCheckWarnings(t *testing.T) {
	tests := []struct {
		file string
		want []warned
	}{
		// The fixtures exercising the format.
		{"../testdata/issues/issue-086.txt", []warned{{31, WarnUnknownBody}}}, // 人力资源社会保障部办公厅
		{"../testdata/issues/issue-087.txt", []warned{{44, WarnNoAreas}}},     // 新质生产力: no rule in areas.toml
		{"../testdata/issues/issue-088.txt", nil},
		{"../testdata/issues/issue-090.txt", []warned{{39, WarnNoDate}, {39, WarnNoAreas}}}, // 2024年11月; 专精特新
		{"../testdata/issues/issue-091.txt", nil},
		// Made to trigger them.
		{"../testdata/check/no-date.txt", []warned{{40, WarnNoDate}}},
		{"../testdata/check/unknown-body.txt", []warned{{40, WarnUnknownBody}}},
		{"../testdata/check/split-paragraph.txt", []warned{{38, WarnSplitParagraph}, {58, WarnSplitParagraph}}},
		{"../testdata/check/stray-direction.txt", []warned{
			{67, WarnWeakDirection}, {68, WarnDirectionName}, {68, WarnUnlinkedDirection}}},
		{"../testdata/check/loose-ends.txt", []warned{
			{0, WarnIssueDate}, {0, WarnNoColophon}, {27, WarnGuide}, {38, WarnSectionDate}, {70, WarnNumbering}}},
	}
	for _, tt := range tests {
		t.Run(filepath.Base(tt.file), func(t *testing.T) {
			r := checkFile(t, tt.file)
			var got []warned
			for _, w := range r.Warnings {
				got = append(got, warned{w.Line, w.Code})
				if w.File != tt.file || w.Message == "" {
					t.Errorf("warning %+v: file or message missing", w)
				}
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("warnings %v, want %v:\n%s", got, tt.want, warningList(r.Warnings))
			}
		})
	}
}

func TestCheckWarningMessages(t *testing.T) {
	tests := []struct {
		file string
		want []string // in the messages, in order
	}{
		{"../testdata/check/no-date.txt", []string{"第二节没有完整的发文日期", "2024-10-23"}},
		{"../testdata/check/unknown-body.txt", []string{"“中国银行业协会”不在 aliases.toml 里", "[[body]]"}},
		{"../testdata/check/split-paragraph.txt", []string{"职业院校健全内部）", "以“的”开头"}},
		{"../testdata/check/stray-direction.txt", []string{"量子计算芯片散热研究", "“待定”", "“待定”没有关联到本期任何一节"}},
		{"../testdata/check/loose-ends.txt", []string{"是星期三，期头却写星期四", "没有编者信息",
			"教育部《关于加强高等职业学校内部审计工作的通知》", "2024-11-09 晚于本期日期 2024-10-23", "编号为 4，接上一条应为 3"}},
	}
	for _, tt := range tests {
		r := checkFile(t, tt.file)
		var all strings.Builder
		for _, w := range r.Warnings {
			all.WriteString(w.Message + "\n")
		}
		rest := all.String()
		for _, w := range tt.want {
			i := strings.Index(rest, w)
			if i < 0 {
				t.Errorf("%s: warnings lack %q (in order):\n%s", tt.file, w, warningList(r.Warnings))
				break
			}
			rest = rest[i+len(w):]
		}
	}
}

// TestCheckHeadings covers the warnings about sections no fixture file
// holds: numbering, a heading without bodies or 《title》, an empty
// section, an old date, no directions.
func TestCheckHeadings(t *testing.T) {
	src := `高等职业教育动态
2024 年 10 月 23 日 星期三
第 8 期·总第 88 期
高等职业教育研究所主办
一、2022 年 10 月 9 日，《审计工作“十四五”规划中期推进方案》，要求：
（一）加强重点领域审计。一是加强财政审计，推动财政资金提质增效。
三、2024 年 10 月 15 日，教育部关于做好某项工作的通知：
四、2024 年 10 月 16 日，审计署《关于推进内部审计工作的通知》：
（一）推进内部审计。
四、2024 年 10 月 17 日，审计署《关于推进经济责任审计的通知》：
（一）推进经济责任审计。
[责任编辑] 赵连明
`
	iss, err := parser.ParseLines("headings.txt", strings.Split(src, "\n"))
	if err != nil {
		t.Fatal(err)
	}
	iss.Source = "headings.txt"
	r := checkIssue(t, iss)
	var got []warned
	for _, w := range r.Warnings {
		got = append(got, warned{w.Line, w.Code})
	}
	want := []warned{
		{0, WarnNoDirections},
		{5, WarnSectionDate}, {5, WarnNoBodies},
		{7, WarnNumbering}, {7, WarnNoTitle}, {7, WarnEmptySection},
		{10, WarnNumbering}, // 四、 again; 四、 after 三、 (line 8) is in sequence
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("warnings %v, want %v:\n%s", got, want, warningList(r.Warnings))
	}
}

func TestNumeral(t *testing.T) {
	for n, want := range map[int]string{1: "一", 9: "九", 10: "十", 11: "十一", 20: "二十", 23: "二十三", 99: "九十九", 100: "100"} {
		if got := numeral(n); got != want {
			t.Errorf("numeral(%d) = %s, want %s", n, got, want)
		}
	}
}

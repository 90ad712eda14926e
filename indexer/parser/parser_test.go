package parser

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"

	"zhengce"
)

const (
	corpusDir = "../../corpus"
	issuesDir = "../../testdata/issues"
	badDir    = "../../testdata/bad"
)

type sectionWant struct {
	numeral     string
	ordinal     int
	date        string // YYYY-MM-DD, "" when the heading has none
	bodies      []string
	note        string
	title       string
	docType     string
	leadIn      string
	heading     string // checked when not empty
	further     int
	source      string // of the first further-reading block
	furtherHead string // title of the first further-reading block
}

// pathWant names a paragraph by the start of its text and says where it sits.
type pathWant struct {
	prefix  string
	path    []string
	heading bool
	kind    zhengce.Kind
}

type issueWant struct {
	file       string
	date       string
	weekday    string
	number     int
	running    int
	guide      []string // guide headings
	guideParas []int    // paragraphs per guide entry
	sections   []sectionWant
	directions []string
	colophon   []string // labels
	contains   []string // text some paragraph must hold: page-break joins
	paths      []pathWant
}

var issueTests = []issueWant{
	{
		file: filepath.Join(corpusDir, "issue-089.txt"),
		date: "2024-11-13", weekday: "星期三", number: 9, running: 89,
		guide: []string{
			"财政部 教育部 人力资源社会保障部《关于调整高等教育阶段和高中阶段国家奖助学金政策的通知》",
			"国务院办公厅印发《关于加快完善生育支持政策体系推动建设生育友好型社会的若干措施》的通知",
			"中共中央 国务院《关于深化产业工人队伍建设改革的意见》",
			"重庆市人民政府 国家知识产权局关于印发《共建现代化新重庆知识产权强市实施方案》的通知",
		},
		guideParas: []int{2, 1, 1, 1},
		sections: []sectionWant{
			{
				numeral: "一", ordinal: 1, date: "2024-10-25",
				bodies: []string{"财政部", "教育部", "人力资源社会保障部"},
				title:  "关于调整高等教育阶段和高中阶段国家奖助学金政策的通知", docType: "通知",
				heading:     "财政部 教育部 人力资源社会保障部《关于调整高等教育阶段和高中阶段国家奖助学金政策的通知》",
				further:     1,
				source:      "教育部网站 2024-10-30",
				furtherHead: "财政部、教育部、人力资源社会保障部有关司局负责人就调整学生资助政策 有关问题答记者问",
			},
			{
				numeral: "二", ordinal: 2, date: "2024-10-28",
				bodies:  []string{"国务院办公厅"},
				title:   "关于加快完善生育支持政策体系推动建设生育友好型社会的若干措施",
				docType: "若干措施", leadIn: "指出",
				heading: "国务院办公厅印发《关于加快完善生育支持政策体系推动建设生育友好型社会的若干措施》的通知",
			},
			{
				numeral: "三", ordinal: 3, date: "2024-10-22",
				bodies: []string{"中共中央", "国务院"},
				title:  "关于深化产业工人队伍建设改革的意见", docType: "意见", leadIn: "提出",
				heading: "中共中央 国务院《关于深化产业工人队伍建设改革的意见》",
			},
			{
				numeral: "四", ordinal: 4, date: "2024-11-07",
				bodies: []string{"重庆市人民政府", "国家知识产权局"},
				title:  "共建现代化新重庆知识产权强市实施方案", docType: "实施方案", leadIn: "主要任务",
				heading: "重庆市人民政府 国家知识产权局关于印发《共建现代化新重庆知识产权强市实施方案》的通知",
			},
		},
		directions: []string{"技能人才评价体系研究", "普惠托育服务供给研究", "知识产权融合发展研究"},
		colophon:   []string{"总指导", "责任编辑", "报", "发"},
		contains: []string{
			"博士生由 1 万名增加到 2 万名。",
			"持续强化产业工人队伍思想政治工作。坚持",
			"从 2025 年春季学期起",
			"落实好 3 岁以下婴幼儿照护、子女教育个人所得税专项附加扣除政策。",
			"全国技工院校学生资助管理工作办公室",
			"四是加大宣传力度。创新政策宣传方式",
		},
		paths: []pathWant{
			{prefix: "一是畅通产业工人向上发展通道", path: []string{"（四）健全职业发展体系，促进产业工人成长成才"}, kind: zhengce.KindBody},
			{prefix: "（四）健全职业发展体系", heading: true, kind: zhengce.KindBody},
			{prefix: "（一）增加高等教育阶段国家奖学金名额，提高奖助学金标准。", heading: true, kind: zhengce.KindBody},
			{prefix: "四是增加研究生国家奖学金名额", path: []string{"（一）增加高等教育阶段国家奖学金名额，提高奖助学金标准"}, kind: zhengce.KindBody},
			{prefix: "（一）增强生育保险保障功能。强化", path: []string{"（一）增强生育保险保障功能"}, kind: zhengce.KindBody},
			{prefix: "（十一）强化职工权益保障。", path: []string{"（十一）强化职工权益保障"}, kind: zhengce.KindBody},
			{prefix: "（一）本次政策调整的背景和意义是什么？", heading: true, kind: zhengce.KindFurther,
				path: []string{"【延伸阅读】财政部、教育部、人力资源社会保障部有关司局负责人就调整学生资助政策 有关问题答记者问"}},
			{prefix: "近年来，按照党中央、国务院决策部署", kind: zhengce.KindFurther, path: []string{
				"【延伸阅读】财政部、教育部、人力资源社会保障部有关司局负责人就调整学生资助政策 有关问题答记者问",
				"（一）本次政策调整的背景和意义是什么？"}},
			{prefix: "答：为确保新政策落实落地", kind: zhengce.KindFurther, path: []string{
				"【延伸阅读】财政部、教育部、人力资源社会保障部有关司局负责人就调整学生资助政策 有关问题答记者问",
				"（五）如何保障《通知》的贯彻落实？"}},
		},
	},
	{
		// UTF-8 with BOM and CRLF; 等九部门; 强调 and 要求; ** marks; two
		// directions as 1、; a page break mid-word.
		file: filepath.Join(issuesDir, "issue-086.txt"),
		date: "2024-09-18", weekday: "星期三", number: 6, running: 86,
		guide: []string{
			"人力资源社会保障部办公厅《关于进一步加强技能人才评价工作的通知》",
			"教育部等九部门印发《关于深化职业教育产教融合推进职普融通的若干措施》的通知",
		},
		guideParas: []int{1, 1},
		sections: []sectionWant{
			{
				numeral: "一", ordinal: 1, date: "2024-08-30",
				bodies: []string{"人力资源社会保障部办公厅"},
				title:  "关于进一步加强技能人才评价工作的通知", docType: "通知", leadIn: "强调",
			},
			{
				numeral: "二", ordinal: 2, date: "2024-09-05",
				bodies: []string{"教育部"}, note: "等九部门",
				title:   "关于深化职业教育产教融合推进职普融通的若干措施",
				docType: "若干措施", leadIn: "要求",
				heading: "教育部等九部门印发《关于深化职业教育产教融合推进职普融通的若干措施》的通知",
			},
		},
		directions: []string{"技能人才评价质量监管研究", "市域产教联合体运行机制研究"},
		colophon:   []string{"总指导", "责任编辑", "报", "发"},
		contains: []string{
			"毕业生可在离校前取得相应职业技能等级证书。",
			"一是建设一批综合高中。二是在普通高中",
			"四是加大宣传力度。总结推广",
			"人社部将加快国家职业标准开发修订",
			"可按规定给予每人 10000 元一次性奖励。",
		},
		paths: []pathWant{
			{prefix: "一是支持企业自主开展技能人才评价", path: []string{"（二）拓宽技能人才评价渠道"}, kind: zhengce.KindBody},
			{prefix: "（三）强化技能人才评价质量监管。各地", path: []string{"（三）强化技能人才评价质量监管"}, kind: zhengce.KindBody},
			{prefix: "（一）推进职普融通。支持", path: []string{"（一）推进职普融通"}, kind: zhengce.KindBody},
		},
	},
	{
		// GB18030; compact dates; 明确, 指导意见, 指出 without a comma; a page
		// break inside 10000; five directions as （1）; no further reading.
		file: filepath.Join(issuesDir, "issue-087.txt"),
		date: "2024-10-09", weekday: "星期三", number: 7, running: 87,
		guide: []string{
			"国务院办公厅《关于加快发展普惠托育服务体系的意见》",
			"国家发展改革委 工业和信息化部《关于加快培育发展新质生产力的指导意见》",
			"财政部 教育部《关于做好2024年秋季学期中等职业学校国家助学金发放工作的通知》",
		},
		guideParas: []int{1, 1, 1},
		sections: []sectionWant{
			{
				numeral: "一", ordinal: 1, date: "2024-09-20",
				bodies: []string{"国务院办公厅"},
				title:  "关于加快发展普惠托育服务体系的意见", docType: "意见", leadIn: "明确",
			},
			{
				numeral: "二", ordinal: 2, date: "2024-09-26",
				bodies: []string{"国家发展改革委", "工业和信息化部"},
				title:  "关于加快培育发展新质生产力的指导意见", docType: "指导意见", leadIn: "提出",
			},
			{
				numeral: "三", ordinal: 3, date: "2024-09-29",
				bodies: []string{"财政部", "教育部"},
				title:  "关于做好2024年秋季学期中等职业学校国家助学金发放工作的通知", docType: "通知", leadIn: "指出",
				heading: "财政部 教育部《关于做好2024年秋季学期中等职业学校国家助学金发放工作的通知》",
			},
		},
		directions: []string{
			"普惠托育服务体系建设研究", "托育服务人才培养研究", "新质生产力与职业教育专业设置研究",
			"专精特新企业技能人才需求研究", "中等职业学校国家助学金政策绩效研究",
		},
		colophon: []string{"总指导", "责任编辑", "报", "发"},
		contains: []string{
			"按每个托位10000元给予补助。",
			"一是落实托育服务税费优惠政策。二是",
			"专精特新“小巨人”企业",
		},
		paths: []pathWant{
			{prefix: "（一）明确资助标准。", heading: true, kind: zhengce.KindBody},
			{prefix: "国家助学金资助标准为每生每年2300元", path: []string{"（一）明确资助标准"}, kind: zhengce.KindBody},
			{prefix: "（二）规范评审发放。各地", path: []string{"（二）规范评审发放"}, kind: zhengce.KindBody},
		},
	},
	{
		// 、-joined bodies; 关于印发《…》的通知 naming a 方案; 【延伸阅读】 with
		// its title on the next line and its source on a line of its own;
		// a 【延伸阅读】 line in the guide; three directions as 1．.
		file: filepath.Join(issuesDir, "issue-088.txt"),
		date: "2024-10-23", weekday: "星期三", number: 8, running: 88,
		guide: []string{
			"审计署关于印发《审计工作“十四五”规划中期推进方案》的通知",
			"国家知识产权局、国家金融监督管理总局、国家发展改革委《关于推进知识产权质押融资高质量发展的通知》",
		},
		guideParas: []int{1, 2},
		sections: []sectionWant{
			{
				numeral: "一", ordinal: 1, date: "2024-10-09",
				bodies: []string{"审计署"},
				title:  "审计工作“十四五”规划中期推进方案", docType: "方案", leadIn: "要求",
				heading: "审计署关于印发《审计工作“十四五”规划中期推进方案》的通知",
			},
			{
				numeral: "二", ordinal: 2, date: "2024-10-15",
				bodies: []string{"国家知识产权局", "国家金融监督管理总局", "国家发展改革委"},
				title:  "关于推进知识产权质押融资高质量发展的通知", docType: "通知", leadIn: "指出",
				further:     1,
				source:      "国家知识产权局网站 2024-10-16",
				furtherHead: "国家知识产权局有关负责人就《关于推进知识产权质押融资高质量发展的通知》答记者问",
			},
		},
		directions: []string{"研究型审计与高职院校内部审计研究", "知识产权质押融资支持专精特新企业研究", "高职院校知识产权转化运用研究"},
		colophon:   []string{"总指导", "责任编辑", "报", "发"},
		contains: []string{
			"三是对质押融资不良贷款，按照有关规定予以核销。",
			"二是推进大数据审计，2024 年底前",
		},
		paths: []pathWant{
			{prefix: "答：一是鼓励地方设立", kind: zhengce.KindFurther, path: []string{
				"【延伸阅读】国家知识产权局有关负责人就《关于推进知识产权质押融资高质量发展的通知》答记者问",
				"（二）《通知》在风险分担方面有哪些安排？"}},
			{prefix: "【延伸阅读】国家知识产权局", heading: true, kind: zhengce.KindFurther},
		},
	},
	{
		// Compact dates, date and weekday on one line; a heading dated only
		// to the month; 等七部门 + 行动计划 + 部署; no lead-in; a guide
		// without ●本期推荐研究方向, closed by 目录; … leaders; four
		// directions under an unnumbered 本期推荐研究方向.
		file: filepath.Join(issuesDir, "issue-090.txt"),
		date: "2024-12-02", weekday: "星期一", number: 10, running: 90,
		guide: []string{
			"教育部 财政部 人力资源社会保障部《关于做好2024年中等职业学校奖助学金评审发放工作的通知》",
			"工业和信息化部等七部门印发《关于推动专精特新中小企业高质量发展的行动计划》的通知",
		},
		guideParas: []int{1, 1},
		sections: []sectionWant{
			{
				numeral: "一", ordinal: 1, date: "2024-11-20",
				bodies: []string{"教育部", "财政部", "人力资源社会保障部"},
				title:  "关于做好2024年中等职业学校奖助学金评审发放工作的通知", docType: "通知",
			},
			{
				numeral: "二", ordinal: 2, date: "",
				bodies: []string{"工业和信息化部"}, note: "等七部门",
				title:   "关于推动专精特新中小企业高质量发展的行动计划",
				docType: "行动计划", leadIn: "部署",
				heading: "工业和信息化部等七部门印发《关于推动专精特新中小企业高质量发展的行动计划》的通知",
			},
		},
		directions: []string{
			"中等职业学校奖助学金评审机制研究", "专精特新企业与职业院校共建产业学院研究",
			"现代学徒制人才培养模式研究", "中小企业技能人才培训补贴政策研究",
		},
		colophon: []string{"总指导", "责任编辑", "报", "发"},
		contains: []string{"按规定给予每人不超过10000元的培训补贴。", "推动优质中小企业成为产业链供应链关键环节的重要力量。"},
		paths: []pathWant{
			{prefix: "（二）做好国家助学金发放。", heading: true, kind: zhengce.KindBody},
			{prefix: "获得国家奖学金的学生可同时申请国家助学金", path: []string{"（二）做好国家助学金发放"}, kind: zhengce.KindBody},
		},
	},
	{
		// A new year (第 1 期); a title ending in （2024—2035 年）; two named
		// bodies before 等七部门; 实施意见; a page break inside 2025; a source
		// at the end of an answer; a direction cut by a page break.
		file: filepath.Join(issuesDir, "issue-091.txt"),
		date: "2025-02-12", weekday: "星期三", number: 1, running: 91,
		guide: []string{
			"中共中央 国务院《教育强国建设规划纲要（2024—2035 年）》",
			"人力资源社会保障部 教育部等七部门《关于健全技能人才评价体系推进职业技能等级认定的实施意见》",
			"审计署《关于做好 2025 年审计工作的意见》",
		},
		guideParas: []int{1, 1, 1},
		sections: []sectionWant{
			{
				numeral: "一", ordinal: 1, date: "2025-01-19",
				bodies: []string{"中共中央", "国务院"},
				title:  "教育强国建设规划纲要（2024—2035 年）", docType: "纲要", leadIn: "提出",
			},
			{
				numeral: "二", ordinal: 2, date: "2025-01-22",
				bodies: []string{"人力资源社会保障部", "教育部"}, note: "等七部门",
				title:   "关于健全技能人才评价体系推进职业技能等级认定的实施意见",
				docType: "实施意见", leadIn: "强调",
			},
			{
				numeral: "三", ordinal: 3, date: "2025-01-24",
				bodies: []string{"审计署"},
				title:  "关于做好 2025 年审计工作的意见", docType: "意见",
				further:     1,
				source:      "审计署网站 2025-01-25",
				furtherHead: "审计署有关负责人就做好 2025 年审计工作答记者问",
			},
		},
		directions: []string{
			"教育强国背景下职普融通路径研究", "市域产教联合体建设成效研究", "技能人才评价标准开发研究",
			"审计监督与高职院校内部控制研究", "民生资金审计与学生资助政策落实研究",
		},
		colophon: []string{"总指导", "责任编辑", "报", "发"},
		contains: []string{
			"技能人才评价标准，2025 年底前修订发布 200 个以上国家职业标准。",
			"对职业教育、托育服务等领域开展专项审计调查。",
			"一是办好一批中等职业学校",
		},
		paths: []pathWant{
			{prefix: "一是支持职业院校、技工院校", path: []string{"（二）推进职业技能等级认定"}, kind: zhengce.KindBody},
			{prefix: "答：一是加强经济责任审计", kind: zhengce.KindFurther, path: []string{
				"【延伸阅读】审计署有关负责人就做好 2025 年审计工作答记者问",
				"（一）2025 年审计工作有哪些重点？"}},
		},
	},
}

func TestParseFile(t *testing.T) {
	for _, tt := range issueTests {
		t.Run(filepath.Base(tt.file), func(t *testing.T) {
			iss, err := ParseFile(tt.file)
			if err != nil {
				t.Fatal(err)
			}
			checkMasthead(t, iss, tt)
			checkGuide(t, iss, tt)
			checkSections(t, iss, tt)
			checkDirections(t, iss, tt)
			checkParagraphs(t, iss, tt)
			checkInvariants(t, iss, tt.file)
		})
	}
}

func checkMasthead(t *testing.T, iss *zhengce.Issue, tt issueWant) {
	t.Helper()
	got := []any{iss.Source, iss.Title, iss.Date.String(), iss.Weekday, iss.Number, iss.Running, iss.Publisher}
	want := []any{tt.file, "高等职业教育动态", tt.date, tt.weekday, tt.number, tt.running, "高等职业教育研究所"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("masthead = %v, want %v", got, want)
	}
}

func checkGuide(t *testing.T, iss *zhengce.Issue, tt issueWant) {
	t.Helper()
	if len(iss.Guide) != len(tt.guide) {
		t.Fatalf("got %d guide entries, want %d", len(iss.Guide), len(tt.guide))
	}
	for i, g := range iss.Guide {
		if g.Heading != tt.guide[i] {
			t.Errorf("guide %d heading = %q, want %q", i, g.Heading, tt.guide[i])
		}
		sec := tt.sections[i]
		if g.PolicyTitle != sec.title || !reflect.DeepEqual(g.Bodies, sec.bodies) {
			t.Errorf("guide %d = %q %q, want the section's %q %q", i, g.Bodies, g.PolicyTitle, sec.bodies, sec.title)
		}
		if len(g.Paragraphs) != tt.guideParas[i] {
			t.Errorf("guide %d has %d paragraphs, want %d", i, len(g.Paragraphs), tt.guideParas[i])
		}
		for _, p := range g.Paragraphs {
			if p.Kind != zhengce.KindGuide || p.Path != nil || p.Heading {
				t.Errorf("guide paragraph %+v: want Kind 导读, no path, not a heading", p)
			}
		}
	}
}

func checkSections(t *testing.T, iss *zhengce.Issue, tt issueWant) {
	t.Helper()
	if len(iss.Sections) != len(tt.sections) {
		t.Fatalf("got %d sections, want %d", len(iss.Sections), len(tt.sections))
	}
	for i, s := range iss.Sections {
		w := tt.sections[i]
		got := []any{s.Numeral, s.Ordinal, s.Date.String(), s.Bodies, s.BodiesNote, s.PolicyTitle, s.DocType, s.LeadIn, len(s.Further)}
		want := []any{w.numeral, w.ordinal, w.date, w.bodies, w.note, w.title, w.docType, w.leadIn, w.further}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("section %d:\n got %q\nwant %q", i+1, got, want)
		}
		if w.heading != "" && s.Heading != w.heading {
			t.Errorf("section %d heading = %q, want %q", i+1, s.Heading, w.heading)
		}
		if w.further > 0 {
			fr := s.Further[0]
			if fr.Source != w.source || fr.Title != w.furtherHead {
				t.Errorf("section %d further = %+v, want title %q source %q", i+1, fr, w.furtherHead, w.source)
			}
		}
		if len(s.Paragraphs) == 0 {
			t.Errorf("section %d has no paragraphs", i+1)
		}
	}
}

func checkDirections(t *testing.T, iss *zhengce.Issue, tt issueWant) {
	t.Helper()
	var names []string
	for i, d := range iss.Directions {
		names = append(names, d.Name)
		if d.Ordinal != i+1 || d.Line == 0 {
			t.Errorf("direction %+v: want ordinal %d and a line", d, i+1)
		}
	}
	if !reflect.DeepEqual(names, tt.directions) {
		t.Errorf("directions = %q, want %q", names, tt.directions)
	}
	var labels []string
	for _, c := range iss.Colophon {
		labels = append(labels, c.Label)
		if c.Text == "" {
			t.Errorf("colophon %q has no text", c.Label)
		}
	}
	if !reflect.DeepEqual(labels, tt.colophon) {
		t.Errorf("colophon labels = %q, want %q", labels, tt.colophon)
	}
}

func checkParagraphs(t *testing.T, iss *zhengce.Issue, tt issueWant) {
	t.Helper()
	all := sectionParagraphs(iss)
	for _, c := range tt.contains {
		if !anyContains(all, c) {
			t.Errorf("no paragraph contains %q", c)
		}
	}
	for _, w := range tt.paths {
		p, ok := findParagraph(all, w.prefix)
		if !ok {
			t.Errorf("no paragraph starts with %q", w.prefix)
			continue
		}
		if !reflect.DeepEqual(p.Path, w.path) || p.Heading != w.heading || p.Kind != w.kind {
			t.Errorf("paragraph %q: path %q heading %v kind %s, want %q %v %s",
				w.prefix, p.Path, p.Heading, p.Kind, w.path, w.heading, w.kind)
		}
	}
}

// checkInvariants asserts what must hold for every issue: no export marks,
// no TOC or colophon line as content, tidy text, lines in order.
func checkInvariants(t *testing.T, iss *zhengce.Issue, file string) {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	text, err := Decode(data)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(text, "\n")
	check := func(where string, p zhengce.Paragraph) {
		switch {
		case p.Text == "" || p.Text != strings.TrimSpace(p.Text):
			t.Errorf("%s line %d: untrimmed or empty text %q", where, p.Line, p.Text)
		case strings.Contains(p.Text, "**"):
			t.Errorf("%s line %d: ** left in %q", where, p.Line, p.Text)
		case strings.Contains(p.Text, "  ") || strings.ContainsAny(p.Text, "\t\r\n\uFEFF"):
			t.Errorf("%s line %d: stray whitespace in %q", where, p.Line, p.Text)
		case p.Line < 1 || p.Line > len(lines) || clean(lines[p.Line-1]) == "":
			t.Errorf("%s: line %d is not the paragraph's first line", where, p.Line)
		case isTOC(lines[p.Line-1]):
			t.Errorf("%s line %d: TOC line taken as content: %q", where, p.Line, p.Text)
		case isColophon(p.Text) || p.Text == "目录":
			t.Errorf("%s line %d: not content: %q", where, p.Line, p.Text)
		case !strings.HasPrefix(clean(lines[p.Line-1]), firstRunes(p.Text, 4)) && p.Kind != zhengce.KindFurther:
			t.Errorf("%s line %d: text %q does not start there (%q)", where, p.Line, p.Text, lines[p.Line-1])
		}
	}
	for _, g := range iss.Guide {
		for _, p := range g.Paragraphs {
			check("guide", p)
		}
	}
	for _, s := range iss.Sections {
		prev := s.Line
		for _, p := range s.Paragraphs {
			check("section "+s.Numeral, p)
			if p.Line <= prev {
				t.Errorf("section %s: paragraph line %d not after %d", s.Numeral, p.Line, prev)
			}
			prev = p.Line
			if p.Kind == zhengce.KindFurther && strings.Contains(p.Text, "来源：") {
				t.Errorf("source left in %q", p.Text)
			}
			if p.Heading && !strings.HasPrefix(p.Text, "（") && !strings.HasPrefix(p.Text, "【") {
				t.Errorf("heading paragraph %q", p.Text)
			}
		}
		if strings.ContainsAny(s.Heading, "：**") || strings.HasPrefix(s.Heading, "一、") {
			t.Errorf("section heading %q keeps ordinal, colon or marks", s.Heading)
		}
	}
}

func firstRunes(s string, n int) string {
	for i := range s {
		if n == 0 {
			return s[:i]
		}
		n--
	}
	return s
}

func sectionParagraphs(iss *zhengce.Issue) []zhengce.Paragraph {
	var all []zhengce.Paragraph
	for _, s := range iss.Sections {
		all = append(all, s.Paragraphs...)
	}
	return all
}

func anyContains(ps []zhengce.Paragraph, sub string) bool {
	for _, p := range ps {
		if strings.Contains(p.Text, sub) {
			return true
		}
	}
	return false
}

func findParagraph(ps []zhengce.Paragraph, prefix string) (zhengce.Paragraph, bool) {
	for _, p := range ps {
		if strings.HasPrefix(p.Text, prefix) {
			return p, true
		}
	}
	return zhengce.Paragraph{}, false
}

// The last answer of issue 89 carries the source; it must be gone from
// the text and the answer must still end as printed.
func TestSourceRemoved(t *testing.T) {
	iss, err := ParseFile(filepath.Join(corpusDir, "issue-089.txt"))
	if err != nil {
		t.Fatal(err)
	}
	ps := iss.Sections[0].Paragraphs
	last := ps[len(ps)-1]
	if !strings.HasSuffix(last.Text, "切实发挥好学生资助政策助困、奖优、引导、育人功能。") || last.Line != 102 {
		t.Errorf("last paragraph = line %d %q", last.Line, last.Text)
	}
}

// A word processor hands over paragraphs without blank lines between them;
// line numbers are then positions in the slice.
func TestParseLinesParagraphs(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(corpusDir, "issue-089.txt"))
	if err != nil {
		t.Fatal(err)
	}
	text, _ := Decode(data)
	var paras []string
	for _, l := range strings.Split(text, "\n") {
		if strings.TrimSpace(l) != "" {
			paras = append(paras, l)
		}
	}
	iss, err := ParseLines("doc", paras)
	if err != nil {
		t.Fatal(err)
	}
	if len(iss.Sections) != 4 || len(iss.Directions) != 3 || len(iss.Guide) != 4 {
		t.Fatalf("got %d sections %d directions %d guide entries", len(iss.Sections), len(iss.Directions), len(iss.Guide))
	}
	for _, s := range iss.Sections {
		if !strings.HasPrefix(paras[s.Line-1], s.Numeral+"、") {
			t.Errorf("section %s line %d is %q", s.Numeral, s.Line, paras[s.Line-1])
		}
		for _, p := range s.Paragraphs {
			if !strings.HasPrefix(clean(paras[p.Line-1]), firstRunes(p.Text, 4)) {
				t.Errorf("paragraph line %d is %q, text %q", p.Line, paras[p.Line-1], p.Text)
			}
		}
	}
	if iss.Source != "" {
		t.Errorf("ParseLines set Source %q", iss.Source)
	}
}

func TestParseFileErrors(t *testing.T) {
	dir := t.TempDir()
	big := filepath.Join(dir, "big.txt")
	f, err := os.Create(big)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(MaxFileSize + 1); err != nil {
		t.Fatal(err)
	}
	f.Close()

	tests := []struct {
		file string
		line int
		msg  string
	}{
		{filepath.Join(badDir, "empty.txt"), 0, "empty file"},
		{filepath.Join(badDir, "junk.bin"), 0, "binary data"},
		{filepath.Join(badDir, "no-masthead.txt"), 1, "no masthead"},
		{filepath.Join(badDir, "no-sections.txt"), 0, "no policy sections"},
		{dir, 0, "is a directory"},
		{big, 0, "over the 20 MB limit"},
	}
	for _, tt := range tests {
		t.Run(filepath.Base(tt.file), func(t *testing.T) {
			_, err := ParseFile(tt.file)
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("err = %v, want a *ParseError", err)
			}
			if pe.File != tt.file || pe.Line != tt.line || !strings.Contains(pe.Msg, tt.msg) {
				t.Errorf("err = %#v, want file %s line %d msg containing %q", pe, tt.file, tt.line, tt.msg)
			}
			if !strings.HasPrefix(err.Error(), tt.file+":") {
				t.Errorf("error %q does not name the file", err)
			}
			if code := zhengce.ErrorCode(err); code != zhengce.EINVALID {
				t.Errorf("ErrorCode = %q, want %q", code, zhengce.EINVALID)
			}
		})
	}
}

func TestParseFileMissing(t *testing.T) {
	_, err := ParseFile(filepath.Join(t.TempDir(), "nope.txt"))
	if code := zhengce.ErrorCode(err); code != zhengce.ENOTFOUND {
		t.Errorf("err = %v (code %q), want %q", err, code, zhengce.ENOTFOUND)
	}
}

func TestParseLinesErrors(t *testing.T) {
	tests := []struct {
		name  string
		lines []string
		want  string
	}{
		{"nothing", []string{"", "  "}, "x.txt: no masthead"},
		{"no title", []string{"第 9 期·总第 89 期", "本期导读"}, "x.txt:2: no masthead: expected the bulletin's title"},
		{"no number", []string{"高等职业教育动态", "2024 年 11 月 13 日", "本期导读"}, "x.txt:3: no masthead: expected 第 N 期"},
		{"no sections", []string{"高等职业教育动态", "第 9 期·总第 89 期", "本期导读", "●教育部《关于…的通知》", "摘要。"}, "x.txt: no policy sections"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseLines("x.txt", tt.lines)
			if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("err = %v, want prefix %q", err, tt.want)
			}
		})
	}
}

// A heading without a day, or with a date that is no calendar day, is not
// fatal: the date is left zero for `check` to report.
func TestSectionWithoutDate(t *testing.T) {
	lines := []string{
		"高等职业教育动态", "第 9 期·总第 89 期",
		"一、2024 年 2 月 30 日，教育部《关于做好职业院校招生工作的通知》，要求：",
		"（一）做好招生计划编制。各地要统筹安排中等职业学校招生计划。",
		"二、教育部办公厅《关于开展职业教育活动周的通知》：",
		"今年职业教育活动周于 5 月举行。",
	}
	iss, err := ParseLines("x.txt", lines)
	if err != nil {
		t.Fatal(err)
	}
	if len(iss.Sections) != 2 {
		t.Fatalf("got %d sections", len(iss.Sections))
	}
	for _, s := range iss.Sections {
		if !s.Date.IsZero() || s.PolicyTitle == "" || len(s.Paragraphs) != 1 {
			t.Errorf("section %+v", s)
		}
	}
}

func TestParseError(t *testing.T) {
	tests := []struct {
		err  *ParseError
		want string
	}{
		{&ParseError{File: "a.txt", Line: 3, Msg: "bad"}, "a.txt:3: bad"},
		{&ParseError{File: "a.txt", Msg: "bad"}, "a.txt: bad"},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("Error() = %q, want %q", got, tt.want)
		}
		var ze *zhengce.Error
		if !errors.As(tt.err, &ze) || ze.Code != zhengce.EINVALID {
			t.Errorf("%v does not unwrap to an EINVALID *zhengce.Error", tt.err)
		}
	}
}

func TestDecode(t *testing.T) {
	const text = "高等职业教育动态\n第 9 期·总第 89 期\n从 2024 年起，奖励标准提高到 10000 元。\n"
	gb, err := simplifiedchinese.GB18030.NewEncoder().String(text)
	if err != nil {
		t.Fatal(err)
	}
	crlf := strings.ReplaceAll(text, "\n", "\r\n")
	tests := []struct {
		name    string
		data    []byte
		want    string
		wantErr string
	}{
		{"utf-8", []byte(text), text, ""},
		{"utf-8 bom crlf", append([]byte("\xEF\xBB\xBF"), crlf...), text, ""},
		{"cr only", []byte(strings.ReplaceAll(text, "\n", "\r")), text, ""},
		{"gb18030", []byte(gb), text, ""},
		{"gb18030 crlf", []byte(strings.ReplaceAll(gb, "\n", "\r\n")), text, ""},
		{"latin-1", []byte("caf\xe9 au lait\n"), "", "not UTF-8 or GB18030"},
		{"nul", []byte("高等\x00职业"), "", "binary data"},
		{"controls", []byte(strings.Repeat("\x01\x02ab", 50)), "", "binary data"},
		{"utf-16", []byte("\xFF\xFEa\x00b\x00"), "", "UTF-16"},
		{"junk", readFile(t, filepath.Join(badDir, "junk.bin")), "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Decode(tt.data)
			if tt.name == "junk" {
				if err == nil {
					t.Errorf("junk decoded without error: %q", firstRunes(got, 20))
				}
				return
			}
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Errorf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("Decode = %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// The GB18030 fixture must really be GB18030, or the test above proves
// nothing about that path.
func TestFixtureEncodings(t *testing.T) {
	gb := readFile(t, filepath.Join(issuesDir, "issue-087.txt"))
	if utf8.Valid(gb) {
		t.Error("issue-087.txt is valid UTF-8; it should be GB18030")
	}
	bom := readFile(t, filepath.Join(issuesDir, "issue-086.txt"))
	if !strings.HasPrefix(string(bom), "\xEF\xBB\xBF") || !strings.Contains(string(bom), "\r\n") {
		t.Error("issue-086.txt should start with a BOM and use CRLF")
	}
}

func TestParsePolicyHeading(t *testing.T) {
	tests := []struct {
		in   string
		want policyHeading
	}{
		{"财政部 教育部《关于调整国家奖助学金政策的通知》：", policyHeading{
			Heading: "财政部 教育部《关于调整国家奖助学金政策的通知》",
			Bodies:  []string{"财政部", "教育部"}, Title: "关于调整国家奖助学金政策的通知", DocType: "通知"}},
		{"教育部等九部门印发《职业学校学生实习管理规定》的通知，要求：", policyHeading{
			Heading: "教育部等九部门印发《职业学校学生实习管理规定》的通知",
			Bodies:  []string{"教育部"}, BodiesNote: "等九部门", Title: "职业学校学生实习管理规定", DocType: "规定", LeadIn: "要求"}},
		{"中共中央办公厅、国务院办公厅《关于深化现代职业教育体系建设改革的意见》明确：", policyHeading{
			Heading: "中共中央办公厅、国务院办公厅《关于深化现代职业教育体系建设改革的意见》",
			Bodies:  []string{"中共中央办公厅", "国务院办公厅"}, Title: "关于深化现代职业教育体系建设改革的意见", DocType: "意见", LeadIn: "明确"}},
		{"教育部《关于印发〈职业院校教材管理办法〉的通知》，强调：", policyHeading{
			Heading: "教育部《关于印发〈职业院校教材管理办法〉的通知》",
			Bodies:  []string{"教育部"}, Title: "职业院校教材管理办法", DocType: "办法", LeadIn: "强调"}},
		{"国务院关于同意在《中国制造 2025》框架下设立示范区的批复", policyHeading{
			Heading: "国务院关于同意在《中国制造 2025》框架下设立示范区的批复",
			Bodies:  []string{"国务院关于同意在"}, Title: "中国制造 2025"}},
		{"国家发展改革委《“十四五”职业技能培训规划》和《职业技能提升行动方案》，提出：", policyHeading{
			Heading: "国家发展改革委《“十四五”职业技能培训规划》和《职业技能提升行动方案》",
			Bodies:  []string{"国家发展改革委"}, Title: "“十四五”职业技能培训规划", DocType: "规划", LeadIn: "提出"}},
		{"人力资源社会保障部召开全国技工教育工作会议，强调：", policyHeading{
			Heading: "人力资源社会保障部召开全国技工教育工作会议", LeadIn: "强调"}},
	}
	for _, tt := range tests {
		got := parsePolicyHeading(tt.in, true)
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("parsePolicyHeading(%q)\n got %+v\nwant %+v", tt.in, got, tt.want)
		}
	}
}

func TestDocType(t *testing.T) {
	tests := map[string]string{
		"关于加快培育发展新质生产力的指导意见":      "指导意见",
		"关于深化产业工人队伍建设改革的意见":       "意见",
		"共建现代化新重庆知识产权强市实施方案":      "实施方案",
		"职业教育产教融合赋能提升行动实施方案":      "实施方案",
		"制造业技能根基工程行动计划":           "行动计划",
		"教育强国建设规划纲要（2024—2035 年）": "纲要",
		"职业学校学生实习管理规定（试行）":        "规定",
		"2025 年职业教育工作要点":          "工作要点",
		"关于同意设立示范区的批复":            "批复",
		"中国制造 2025":               "",
	}
	for title, want := range tests {
		if got := docType(title); got != want {
			t.Errorf("docType(%q) = %q, want %q", title, got, want)
		}
	}
}

func TestJoinBroken(t *testing.T) {
	tests := []struct{ a, b, want string }{
		{"博士生由 1 万名增加到 2", "万名。", "博士生由 1 万名增加到 2 万名。"},
		{"持续强化产业工人队伍思想政治工", "作。坚持", "持续强化产业工人队伍思想政治工作。坚持"},
		{"从 2025 年", "春季学期起", "从 2025 年春季学期起"},
		{"标准，20", "25 年底前", "标准，2025 年底前"},
		{"用好 PCT", "国际专利申请", "用好 PCT 国际专利申请"},
		{"加快构建", "职普融通", "加快构建职普融通"},
	}
	for _, tt := range tests {
		if got := joinBroken(tt.a, tt.b); got != tt.want {
			t.Errorf("joinBroken(%q, %q) = %q, want %q", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestLineClasses(t *testing.T) {
	tests := []struct {
		line                string
		toc, newPart, ended bool
	}{
		{"一、财政部《关于…的通知》.....\t3", true, true, false},
		{"五、本期推荐研究方向\t21", true, true, false},
		{"二、工业和信息化部等七部门印发《…》的通知……………… 5", true, true, false},
		{"一、2024 年 10 月 25 日，财政部《关于…的通知》：", false, true, true},
		{"万名。", false, false, true},
		{"（四）健全职业发展体系，促进产业工人成长成才", false, true, false},
		{"答：目前，我国已建成世界上规模最大的学生资助体系", false, true, false},
		{"2. 普惠托育服务供给研究", false, true, false},
		{"5.2% 的增长", false, false, false},
		{"[总 指 导] 江 涛", false, true, false},
		{"报：校领导。", false, true, true},
		{"【延伸阅读】答记者问", false, true, false},
		{"（来源：教育部网站 2024-10-30）", false, false, true},
	}
	for _, tt := range tests {
		s := clean(tt.line)
		got := [3]bool{isTOC(tt.line), startsNewPart(s), endsSentence(s)}
		if want := [3]bool{tt.toc, tt.newPart, tt.ended}; got != want {
			t.Errorf("%q: toc, new part, ended = %v, want %v", tt.line, got, want)
		}
	}
}

func TestClean(t *testing.T) {
	tests := map[string]string{
		"  **二是**加强产业工人队伍党建工作。  ": "二是加强产业工人队伍党建工作。",
		"从  2024   年起\t":    "从 2024 年起",
		"\u3000\u3000国家助学金": "国家助学金",
		"**四是加大宣传力度。**":     "四是加大宣传力度。",
	}
	for in, want := range tests {
		if got := clean(in); got != want {
			t.Errorf("clean(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParseNumber(t *testing.T) {
	tests := map[string]int{"一": 1, "十": 10, "十三": 13, "二十": 20, "二十三": 23, "89": 89}
	for in, want := range tests {
		if got, ok := parseNumber(in); !ok || got != want {
			t.Errorf("parseNumber(%q) = %d, %v; want %d", in, got, ok, want)
		}
	}
	for _, in := range []string{"", "百", "一二三四", "x"} {
		if _, ok := parseNumber(in); ok {
			t.Errorf("parseNumber(%q) ok", in)
		}
	}
}

// Variations no fixture holds, fed as lines: a heading cut inside its
// title, a TOC entry wrapped onto two lines, 问： questions, a bare heading
// ending in a colon, a remark after the research directions.
func TestParseLinesVariants(t *testing.T) {
	lines := []string{
		"高等职业教育动态", "2025年3月5日 星期三", "第2期·总第92期", "高等职业教育研究所主办",
		"本期导读",
		"●国务院办公厅《关于健全基本养老服务体系的意见》",
		"健全基本养老服务体系。",
		"目录",
		"一、国务院办公厅《关于健全基本养老服务体系的",
		"意见》.....\t3",
		"一、2025年2月20日，国务院办公厅《关于健全基本养老服务体系的",
		"意见》，指出：",
		"（一）主要目标：",
		"到2029年，基本养老服务体系更加健全。",
		"（二）强化保障措施",
		"一是加强组织领导。二是加强养老服务人才",
		"队伍建设。",
		"【延伸阅读】",
		"民政部负责人答记者问",
		"问：《意见》出台的背景是什么？",
		"答：我国老年人口规模大。",
		"[1] 数据来自第七次全国人口普查。",
		"本期推荐研究方向",
		"1. 养老服务人才",
		"培养研究",
		"以上研究方向供参考。",
		"［责任编辑］赵连明",
		"发：各部门、",
		"各学院。",
	}
	iss, err := ParseLines("x.txt", lines)
	if err != nil {
		t.Fatal(err)
	}
	if len(iss.Sections) != 1 {
		t.Fatalf("got %d sections, want 1", len(iss.Sections))
	}
	s := iss.Sections[0]
	if s.Heading != "国务院办公厅《关于健全基本养老服务体系的意见》" || s.LeadIn != "指出" ||
		s.DocType != "意见" || s.Line != 11 || s.Date.String() != "2025-02-20" {
		t.Errorf("section = %+v", s)
	}
	type para struct {
		text    string
		path    []string
		heading bool
	}
	var got []para
	for _, p := range s.Paragraphs {
		got = append(got, para{p.Text, p.Path, p.Heading})
	}
	fr := "【延伸阅读】民政部负责人答记者问"
	want := []para{
		{"（一）主要目标：", nil, true},
		{"到2029年，基本养老服务体系更加健全。", []string{"（一）主要目标"}, false},
		{"（二）强化保障措施", nil, true},
		{"一是加强组织领导。二是加强养老服务人才队伍建设。", []string{"（二）强化保障措施"}, false},
		{fr, nil, true},
		{"问：《意见》出台的背景是什么？", []string{fr}, true},
		{"答：我国老年人口规模大。", []string{fr, "问：《意见》出台的背景是什么？"}, false},
		{"[1] 数据来自第七次全国人口普查。", []string{fr, "问：《意见》出台的背景是什么？"}, false},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("paragraphs\n got %+v\nwant %+v", got, want)
	}
	if len(iss.Directions) != 1 || iss.Directions[0].Name != "养老服务人才培养研究" {
		t.Errorf("directions = %+v", iss.Directions)
	}
	wantColophon := []zhengce.ColophonEntry{{Label: "责任编辑", Text: "赵连明"}, {Label: "发", Text: "各部门、各学院。"}}
	if !reflect.DeepEqual(iss.Colophon, wantColophon) {
		t.Errorf("colophon = %+v, want %+v", iss.Colophon, wantColophon)
	}
	if len(iss.Guide) != 1 || len(iss.Guide[0].Paragraphs) != 1 {
		t.Errorf("guide = %+v", iss.Guide)
	}
}

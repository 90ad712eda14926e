package search

import (
	"strings"
	"testing"

	"zhengce"
)

func TestCitation(t *testing.T) {
	issue89 := zhengce.IssueRef{Number: 9, Running: 89, Date: "2024-11-13", Title: "高等职业教育动态"}
	section := func(heading, title, date string, bodies ...string) zhengce.SectionRef {
		return zhengce.SectionRef{Ordinal: 1, Heading: heading, PolicyTitle: title, Date: date, Bodies: bodies}
	}
	for _, tc := range []struct {
		name      string
		p         zhengce.Passage
		publisher string
		want      string
	}{
		{
			name: "two bodies",
			p: zhengce.Passage{Kind: zhengce.KindBody, Issue: issue89, Section: section(
				"中共中央 国务院《关于深化产业工人队伍建设改革的意见》", "关于深化产业工人队伍建设改革的意见", "2024-10-22", "中共中央", "国务院")},
			publisher: "高等职业教育研究所",
			want:      "中共中央, 国务院. 关于深化产业工人队伍建设改革的意见[Z]. 2024-10-22. （载：高等职业教育研究所. 高等职业教育动态, 2024年第9期（总第89期）. 2024-11-13.）",
		},
		{
			name: "three bodies, a guide passage cites its policy",
			p: zhengce.Passage{Kind: zhengce.KindGuide, Issue: issue89, Section: section(
				"财政部 教育部 人力资源社会保障部《关于调整高等教育阶段和高中阶段国家奖助学金政策的通知》",
				"关于调整高等教育阶段和高中阶段国家奖助学金政策的通知", "2024-10-25", "财政部", "教育部", "人力资源社会保障部")},
			publisher: "高等职业教育研究所",
			want:      "财政部, 教育部, 人力资源社会保障部. 关于调整高等教育阶段和高中阶段国家奖助学金政策的通知[Z]. 2024-10-25. （载：高等职业教育研究所. 高等职业教育动态, 2024年第9期（总第89期）. 2024-11-13.）",
		},
		{
			name: "more than three bodies: the first three, 等",
			p:    zhengce.Passage{Issue: issue89, Section: section("甲 乙 丙 丁《关于某事的通知》", "关于某事的通知", "2024-01-02", "甲", "乙", "丙", "丁")},
			want: "甲, 乙, 丙, 等. 关于某事的通知[Z]. 2024-01-02. （载：高等职业教育动态, 2024年第9期（总第89期）. 2024-11-13.）",
		},
		{
			name: "等九部门: 等",
			p: zhengce.Passage{Issue: zhengce.IssueRef{Number: 6, Running: 86, Date: "2024-09-18", Title: "高等职业教育动态"}, Section: section(
				"教育部等九部门印发《关于深化职业教育产教融合推进职普融通的若干措施》的通知",
				"关于深化职业教育产教融合推进职普融通的若干措施", "2024-09-05", "教育部")},
			publisher: "高等职业教育研究所",
			want:      "教育部, 等. 关于深化职业教育产教融合推进职普融通的若干措施[Z]. 2024-09-05. （载：高等职业教育研究所. 高等职业教育动态, 2024年第6期（总第86期）. 2024-09-18.）",
		},
		{
			name: "a policy dated only by month: no date",
			p: zhengce.Passage{Issue: zhengce.IssueRef{Number: 10, Running: 90, Date: "2024-12-02", Title: "高等职业教育动态"}, Section: section(
				"工业和信息化部等七部门印发《关于推动专精特新中小企业高质量发展的行动计划》的通知",
				"关于推动专精特新中小企业高质量发展的行动计划", "", "工业和信息化部")},
			publisher: "高等职业教育研究所",
			want:      "工业和信息化部, 等. 关于推动专精特新中小企业高质量发展的行动计划[Z]. （载：高等职业教育研究所. 高等职业教育动态, 2024年第10期（总第90期）. 2024-12-02.）",
		},
		{
			name: "no bodies",
			p:    zhengce.Passage{Issue: issue89, Section: section("《某规划》", "某规划", "2024-01-02")},
			want: "某规划[Z]. 2024-01-02. （载：高等职业教育动态, 2024年第9期（总第89期）. 2024-11-13.）",
		},
		{
			name: "a research direction cites the issue",
			p: zhengce.Passage{Kind: zhengce.KindDirection, Text: "技能人才评价体系研究", Issue: issue89,
				Section: zhengce.SectionRef{Ordinal: 5, Heading: "推荐研究方向", Bodies: []string{"中共中央", "国务院"}}},
			publisher: "高等职业教育研究所",
			want:      "高等职业教育研究所. 高等职业教育动态[J]. 2024年第9期（总第89期）. 2024-11-13.",
		},
		{
			name: "the issue, no publisher",
			p:    zhengce.Passage{Kind: zhengce.KindDirection, Issue: issue89},
			want: "高等职业教育动态[J]. 2024年第9期（总第89期）. 2024-11-13.",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Citation(tc.p, tc.publisher); got != tc.want {
				t.Errorf("Citation:\n got %s\nwant %s", got, tc.want)
			}
		})
	}
}

func TestBreadcrumb(t *testing.T) {
	issue := zhengce.IssueRef{Number: 9, Running: 89, Date: "2024-11-13"}
	sec := zhengce.SectionRef{Ordinal: 3, Heading: "中共中央 国务院《关于深化产业工人队伍建设改革的意见》"}
	for _, tc := range []struct {
		p    zhengce.Passage
		want string
	}{
		{zhengce.Passage{Kind: zhengce.KindBody, Issue: issue, Section: sec, Path: []string{"（四）健全职业发展体系，促进产业工人成长成才"}},
			"第 9 期（总第 89 期）2024-11-13 › 三、中共中央 国务院《关于深化产业工人队伍建设改革的意见》 › （四）健全职业发展体系，促进产业工人成长成才"},
		{zhengce.Passage{Kind: zhengce.KindGuide, Issue: issue, Section: sec},
			"第 9 期（总第 89 期）2024-11-13 › 本期导读"},
		{zhengce.Passage{Kind: zhengce.KindDirection, Issue: issue, Section: zhengce.SectionRef{Ordinal: 5, Heading: "推荐研究方向"}},
			"第 9 期（总第 89 期）2024-11-13 › 五、推荐研究方向"},
	} {
		if got := strings.Join(Breadcrumb(tc.p), " › "); got != tc.want {
			t.Errorf("Breadcrumb:\n got %s\nwant %s", got, tc.want)
		}
	}
}

func TestNumeral(t *testing.T) {
	for n, want := range map[int]string{1: "一", 9: "九", 10: "十", 11: "十一", 20: "二十", 23: "二十三", 99: "九十九", 0: "0", 100: "100"} {
		if got := Numeral(n); got != want {
			t.Errorf("Numeral(%d) = %q, want %q", n, got, want)
		}
	}
}

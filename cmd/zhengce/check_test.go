package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

const checkFixtures = "../../testdata/check"

func TestCheckShippedIssue(t *testing.T) {
	code, stdout, stderr := cli(t, "check", "-data", dataDir, shippedIssue)
	if code != 0 || stderr != "" {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	for _, want := range []string{
		shippedIssue + "\n",
		"高等职业教育动态 第 9 期（总第 89 期） 2024-11-13 星期三 高等职业教育研究所主办\n",
		"共 60 段：正文 40，延伸阅读 12，导读 5，研究方向 3\n",
		"\n本期导读\n",
		"  ●中共中央 国务院《关于深化产业工人队伍建设改革的意见》 → 三、 — 1 段\n",
		"\n正文\n",
		"  一、2024-10-25 财政部 教育部 人力资源社会保障部《关于调整高等教育阶段和高中阶段国家奖助学金政策的通知》 — 文种：通知 — 领域：财政、金融、审计/财政；科技、教育/教育 — 研究方向：无 — 25 段（正文 13，延伸阅读 12）\n",
		"      【延伸阅读】财政部、教育部、人力资源社会保障部有关司局负责人就调整学生资助政策 有关问题答记者问（来源：教育部网站 2024-10-30）\n",
		"  三、2024-10-22 中共中央 国务院《关于深化产业工人队伍建设改革的意见》 — 文种：意见 — 领域：科技、教育/教育；劳动、人事、监察/劳动就业 — 研究方向：技能人才评价体系研究 — 9 段\n",
		"  四、2024-11-07 重庆市人民政府 国家知识产权局《共建现代化新重庆知识产权强市实施方案》 — 文种：实施方案 — 领域：科技、教育/知识产权 — 研究方向：知识产权融合发展研究 — 5 段\n",
		"\n推荐研究方向\n",
		"  1. 技能人才评价体系研究 → 三、《关于深化产业工人队伍建设改革的意见》\n",
		"  2. 普惠托育服务供给研究 → 二、《关于加快完善生育支持政策体系推动建设生育友好型社会的若干措施》\n",
		"  3. 知识产权融合发展研究 → 四、《共建现代化新重庆知识产权强市实施方案》\n",
		"\n编者\n  总指导：江 涛 陈忠飞 管 军\n",
		"\n无警告。\n",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, stdout)
		}
	}
	// The parts come in the bulletin's order.
	last := -1
	for _, part := range []string{"本期导读", "正文", "推荐研究方向", "编者", "无警告"} {
		i := strings.Index(stdout, "\n"+part)
		if i < last {
			t.Errorf("%s out of order:\n%s", part, stdout)
		}
		last = i
	}
}

// reWarning is a warning line: 警告 FILE:LINE: message, or FILE: for the
// file as a whole.
var reWarning = regexp.MustCompile(`^警告 (\S+?):(?:(\d+):)? \S`)

func warningLines(stdout string) []string {
	var out []string
	for _, l := range strings.Split(stdout, "\n") {
		if strings.HasPrefix(l, "警告 ") && !strings.HasSuffix(l, " 条。") {
			out = append(out, l)
		}
	}
	return out
}

func TestCheckWarnings(t *testing.T) {
	tests := []struct {
		file string
		want []string // the start of each warning line
	}{
		{"no-date.txt", []string{":40: 第二节没有完整的发文日期"}},
		{"unknown-body.txt", []string{":40: 第二节的发文机关“中国银行业协会”不在 aliases.toml 里"}},
		{"split-paragraph.txt", []string{":38: 这一段没有以句末标点结尾", ":58: 这一段以“的”开头"}},
		{"stray-direction.txt", []string{":67: 研究方向“量子计算芯片散热研究”", ":68: 研究方向“待定”", ":68: 研究方向“待定”没有关联"}},
		{"loose-ends.txt", []string{": 期头日期", ": 没有编者信息", ":27: 导读条目", ":38: 第一节的发文日期", ":70: 研究方向编号为 4"}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			file := filepath.Join(checkFixtures, tt.file)
			code, stdout, stderr := cli(t, "check", "-data", dataDir, file)
			if code != 0 || stderr != "" {
				t.Fatalf("exit %d, stderr %q: warnings must not fail", code, stderr)
			}
			got := warningLines(stdout)
			if len(got) != len(tt.want) {
				t.Fatalf("%d warnings, want %d:\n%s", len(got), len(tt.want), stdout)
			}
			for i, w := range tt.want {
				if !strings.HasPrefix(got[i], "警告 "+file+w) {
					t.Errorf("warning %d = %q, want it to start %q", i+1, got[i], "警告 "+file+w)
				}
				if !reWarning.MatchString(got[i]) {
					t.Errorf("warning %q is not 警告 FILE:LINE: …", got[i])
				}
			}
			if !strings.Contains(stdout, "\n警告 "+strconv.Itoa(len(tt.want))+" 条。\n") {
				t.Errorf("no warning count:\n%s", stdout)
			}
			// The outline is still printed.
			if !strings.Contains(stdout, "第 8 期（总第 88 期）") || !strings.Contains(stdout, "\n正文\n") {
				t.Errorf("no outline:\n%s", stdout)
			}
		})
	}
}

func TestCheckBadFiles(t *testing.T) {
	entries, err := os.ReadDir(badDir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		file := filepath.Join(badDir, e.Name())
		t.Run(e.Name(), func(t *testing.T) {
			code, stdout, stderr := cli(t, "check", "-data", dataDir, file)
			if code != 1 {
				t.Errorf("exit %d, want 1", code)
			}
			if stdout != "" {
				t.Errorf("stdout %q, want nothing", stdout)
			}
			if strings.Count(stderr, "\n") != 1 || !strings.HasPrefix(stderr, "zhengce check: "+file+":") {
				t.Errorf("stderr %q, want one line naming %s", stderr, file)
			}
		})
	}
	// A line to blame is named.
	_, _, stderr := cli(t, "check", "-data", dataDir, filepath.Join(badDir, "no-masthead.txt"))
	if !strings.HasPrefix(stderr, "zhengce check: "+filepath.Join(badDir, "no-masthead.txt")+":1: ") {
		t.Errorf("stderr %q, want file:1:", stderr)
	}
}

// TestCheckSeveralFiles: every file is checked; each bad one is one line on
// stderr, in order; a running number given twice is an error naming both
// files; the exit status is 1 when any file failed.
func TestCheckSeveralFiles(t *testing.T) {
	dir := t.TempDir()
	copy88 := filepath.Join(dir, "copy-of-088.txt")
	b, err := os.ReadFile("../../testdata/issues/issue-088.txt")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(copy88, b, 0o644); err != nil {
		t.Fatal(err)
	}
	noMasthead := filepath.Join(badDir, "no-masthead.txt")
	missing := filepath.Join(dir, "missing.txt")
	noDate := filepath.Join(checkFixtures, "no-date.txt")
	code, stdout, stderr := cli(t, "check", "-data", dataDir,
		shippedIssue, noMasthead, noDate, copy88, missing, shippedIssue)
	if code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
	errs := strings.Split(strings.TrimSuffix(stderr, "\n"), "\n")
	want := []string{
		"zhengce check: " + noMasthead + ":1: ",
		"zhengce check: " + copy88 + ": running number 总第 88 期 is also that of " + noDate,
		"zhengce check: " + missing + ": no such file",
	}
	if len(errs) != len(want) {
		t.Fatalf("stderr has %d lines, want %d:\n%s", len(errs), len(want), stderr)
	}
	for i, w := range want {
		if !strings.HasPrefix(errs[i], w) {
			t.Errorf("error %d = %q, want it to start %q", i+1, errs[i], w)
		}
	}
	// The two good files are reported, the shipped one once.
	if n := strings.Count(stdout, "第 9 期（总第 89 期）"); n != 1 {
		t.Errorf("issue 89 reported %d times:\n%s", n, stdout)
	}
	if !strings.Contains(stdout, "警告 "+noDate+":40: ") {
		t.Errorf("no warning for %s:\n%s", noDate, stdout)
	}
	if !strings.HasSuffix(stdout, "\n共 5 个文件：2 个可以索引，3 个出错；警告共 1 条。\n") {
		t.Errorf("no summary:\n%s", stdout)
	}

	// Good files only: exit 0 despite warnings.
	code, _, stderr = cli(t, "check", "-data", dataDir, shippedIssue, noDate)
	if code != 0 || stderr != "" {
		t.Errorf("two good files: exit %d, stderr %q", code, stderr)
	}
}

func TestCheckUsage(t *testing.T) {
	for _, args := range [][]string{{"check"}, {"check", "-data"}, {"check", "-nosuch", shippedIssue}} {
		code, stdout, stderr := cli(t, args...)
		if code != 2 || stdout != "" || !strings.Contains(stderr, "Usage: zhengce check") {
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want 2 and the usage", args, code, stdout, stderr)
		}
	}
	if code, _, stderr := cli(t, "check", "-h"); code != 0 || !strings.Contains(stderr, "-data") {
		t.Errorf("-h: exit %d, stderr %q", code, stderr)
	}
	if code, stdout, _ := cli(t, "help"); code != 0 || !strings.Contains(stdout, "zhengce check  [-data DIR] FILE…") {
		t.Errorf("help: exit %d, usage lacks check:\n%s", code, stdout)
	}
}

func TestCheckBadData(t *testing.T) {
	code, stdout, stderr := cli(t, "check", "-data", t.TempDir(), shippedIssue)
	if code != 1 || stdout != "" || strings.Count(stderr, "\n") != 1 || !strings.HasPrefix(stderr, "zhengce check: ") {
		t.Errorf("exit %d, stdout %q, stderr %q; want 1 and one line", code, stdout, stderr)
	}
}

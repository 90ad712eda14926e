package taxonomy

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

func loadAreas(t *testing.T) *Areas {
	t.Helper()
	a, err := LoadAreas(filepath.Join(dataDir, AreasFile))
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// seedSection is a policy section of issue 089, split crudely: the real
// parser lives in indexer/parser and this package must not depend on it.
type seedSection struct {
	heading, title, text string
}

// sectionHeading matches a dated section heading (一、2024 年 10 月 25 日，…),
// not the table of contents, whose lines carry no date.
var (
	sectionHeading = regexp.MustCompile(`^[一二三四五六七八九十]+、\s*\d{4}\s*年`)
	anyHeading     = regexp.MustCompile(`^[一二三四五六七八九十]+、`)
	policyTitle    = regexp.MustCompile(`《([^》]+)》`)
)

func seedSections(t *testing.T) []seedSection {
	t.Helper()
	src, err := os.ReadFile("../../corpus/issue-089.txt")
	if err != nil {
		t.Fatal(err)
	}
	var (
		out []seedSection
		cur *seedSection
		buf strings.Builder
	)
	flush := func() {
		if cur != nil {
			cur.text = buf.String()
			out = append(out, *cur)
		}
		cur = nil
		buf.Reset()
	}
	for _, line := range strings.Split(string(src), "\n") {
		line = strings.TrimSpace(line)
		switch {
		case sectionHeading.MatchString(line):
			flush()
			m := policyTitle.FindStringSubmatch(line)
			if m == nil {
				t.Fatalf("no 《title》 in heading %q", line)
			}
			cur = &seedSection{heading: line, title: m[1]}
		case anyHeading.MatchString(line) && !strings.Contains(line, "....."):
			flush() // 五、推荐研究方向 ends the last section
		case cur != nil:
			buf.WriteString(line)
			buf.WriteString("\n")
		}
	}
	flush()
	if len(out) != 4 {
		t.Fatalf("found %d dated sections in issue 089, want 4", len(out))
	}
	return out
}

func TestClassifySeedIssue(t *testing.T) {
	a := loadAreas(t)
	secs := seedSections(t)
	const (
		edu    = "科技、教育/教育"
		fin    = "财政、金融、审计/财政"
		pop    = "人口与计划生育、妇女儿童工作"
		labour = "劳动、人事、监察"
		ip     = "科技、教育/知识产权"
	)
	for i, tc := range []struct {
		title     string
		want, not []string // want: exact areas; not: tops that must be absent
	}{
		{title: "关于调整高等教育阶段和高中阶段国家奖助学金政策的通知", want: []string{edu, fin}, not: []string{pop}},
		{title: "关于加快完善生育支持政策体系推动建设生育友好型社会的若干措施", want: []string{pop + "/人口与计划生育"}},
		{title: "关于深化产业工人队伍建设改革的意见", want: []string{labour + "/劳动就业"}},
		{title: "共建现代化新重庆知识产权强市实施方案", want: []string{ip}, not: []string{pop}},
	} {
		s := secs[i]
		if s.title != tc.title {
			t.Fatalf("section %d title = %q, want %q", i+1, s.title, tc.title)
		}
		got := a.Classify(s.title, s.text)
		t.Logf("%d 《%s》: %q", i+1, s.title, got)
		for _, w := range tc.want {
			if !slices.Contains(got, w) {
				t.Errorf("section %d: Classify = %q, lacks %q", i+1, got, w)
			}
		}
		for _, n := range tc.not {
			for _, g := range got {
				if Top(g) == n {
					t.Errorf("section %d: Classify = %q, should not hold %q", i+1, got, n)
				}
			}
		}
		if !slices.IsSortedFunc(got, func(x, y string) int { return a.order[x] - a.order[y] }) {
			t.Errorf("section %d: %q not in file order", i+1, got)
		}
		if again := a.Classify(s.title, s.text); !slices.Equal(got, again) {
			t.Errorf("section %d: Classify not deterministic: %q then %q", i+1, got, again)
		}
	}
}

func TestNames(t *testing.T) {
	// The library's top level as FORMAT.md lists it, in its order.
	want := strings.Split("国务院组织机构;综合政务;国民经济管理、国有资产监管;财政、金融、审计;国土资源、能源;"+
		"农业、林业、水利;工业、交通;商贸、海关、旅游;市场监管、安全生产监管;城乡建设、环境保护;科技、教育;"+
		"文化、广电、新闻出版;卫生、体育;人口与计划生育、妇女儿童工作;劳动、人事、监察;公安、安全、司法;"+
		"民政、扶贫、救灾;民族、宗教;对外事务;港澳台侨工作;国防;其他", ";")
	a := loadAreas(t)
	if got := a.Names(); !slices.Equal(got, want) {
		t.Errorf("Names() = %q\nwant      %q", got, want)
	}
	if got := a.Subs("科技、教育"); !slices.Equal(got, []string{"科技", "教育", "知识产权", "其他"}) {
		t.Errorf("Subs(科技、教育) = %q", got)
	}
	if !a.Known("科技、教育/知识产权") || !a.Known("科技、教育") || a.Known("科技、教育/体育") {
		t.Error("Known is wrong")
	}
}

func TestTop(t *testing.T) {
	for in, want := range map[string]string{
		"科技、教育/知识产权": "科技、教育",
		"科技、教育":      "科技、教育",
		"":           "",
	} {
		if got := Top(in); got != want {
			t.Errorf("Top(%q) = %q, want %q", in, got, want)
		}
	}
}

const miniAreas = `
[[area]]
name = "科技、教育"
sub = ["科技", "教育", "知识产权", "其他"]

[[area]]
name = "劳动、人事、监察"
sub = ["劳动就业", "社会保障"]

[[rule]]
area = "科技、教育"
title = ["科教"]

[[rule]]
area = "科技、教育/教育"
title = ["教育"]

[[rule]]
area = "劳动、人事、监察/社会保障"
text = ["社会保障", "保障性住房"]
min = 2
except = ["人力资源社会保障部"]
`

func TestClassifyRules(t *testing.T) {
	a, err := LoadAreas(writeTemp(t, AreasFile, miniAreas))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		title, text string
		want        []string
	}{
		// The second level wins over its own top level.
		{"科教与教育", "", []string{"科技、教育/教育"}},
		{"科教", "", []string{"科技、教育"}},
		{"", "", nil},
		// Several areas, in file order whatever the rule order.
		{"教育", "社会保障和社会保障", []string{"科技、教育/教育", "劳动、人事、监察/社会保障"}},
		// Body names in except do not count; spaces do not split words.
		{"", "人力资源社会保障部 人力资源社会保障部 社会 保障", nil},
		{"", "人力资源社会保障部 社会保障 社会\n保障", []string{"劳动、人事、监察/社会保障"}},
		// Title keywords count in the title only.
		{"", "教育", nil},
	} {
		if got := a.Classify(tc.title, tc.text); !slices.Equal(got, tc.want) {
			t.Errorf("Classify(%q, %q) = %q, want %q", tc.title, tc.text, got, tc.want)
		}
	}
}

func TestMatcherCount(t *testing.T) {
	m := newMatcher([]string{"住房", "保障性住房", "社会保障"}, []string{"人力资源社会保障"})
	for _, tc := range []struct {
		s    string
		want int
	}{
		{"保障性住房", 1}, // longest wins, counted once
		{"住房和保障性住房", 2},
		{"人力资源社会保障部", 0}, // except hides the keyword inside
		{"人力资源社会保障部和社会保障", 1},
		{"", 0},
		{"住房住房住房住房", 4},
		{"社会保障社会保障社会保障社会保障社会保障", 5},
	} {
		if got := m.count(tc.s, 0); got != tc.want {
			t.Errorf("count(%q) = %d, want %d", tc.s, got, tc.want)
		}
	}
	if got := m.count("住房住房住房住房", 2); got != 2 {
		t.Errorf("count with limit 2 = %d", got)
	}
}

func TestLoadAreasErrors(t *testing.T) {
	const tree = "[[area]]\nname = \"科技、教育\"\nsub = [\"教育\"]\n\n"
	for _, tc := range []struct {
		name, content string
		want          []string
	}{
		{
			name:    "bad toml",
			content: tree + "[[rule]]\narea = \"科技、教育\"\ntitle = [\"教育\",\n",
			want:    []string{"areas.toml:7:"},
		},
		{
			name:    "unknown top level",
			content: tree + "[[rule]]\narea = \"科技、文化\"\ntitle = [\"文化\"]\n",
			want:    []string{"areas.toml:5:", "unknown area", "科技、文化"},
		},
		{
			name:    "unknown second level",
			content: tree + "[[rule]]\narea = \"科技、教育/体育\"\ntitle = [\"体育\"]\n",
			want:    []string{"areas.toml:5:", "体育"},
		},
		{
			name:    "text without min",
			content: tree + "[[rule]]\narea = \"科技、教育\"\ntext = [\"教育\"]\n",
			want:    []string{"areas.toml:5:", "min"},
		},
		{
			name:    "min of the wrong type",
			content: tree + "[[rule]]\narea = \"科技、教育\"\ntext = [\"教育\"]\nmin = \"5\"\n",
			want:    []string{"areas.toml:8:", "rule.min", "incompatible types"},
		},
		{
			name:    "rule with no keywords",
			content: tree + "[[rule]]\narea = \"科技、教育\"\n",
			want:    []string{"areas.toml:5:", "neither"},
		},
		{
			name:    "misspelt key",
			content: tree + "[[rule]]\narea = \"科技、教育\"\ntitel = [\"教育\"]\n",
			want:    []string{"areas.toml:7:", "rule.titel"},
		},
		{
			name:    "area twice",
			content: tree + tree,
			want:    []string{"areas.toml:5:", "twice"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := LoadAreas(writeTemp(t, AreasFile, tc.content))
			wantErr(t, err, tc.want...)
			t.Log(err)
		})
	}
}

// TestTextIndexCountsAsMatchers holds the one-pass count (textIndex) to each
// rule's own matcher, on the shipped rules: over the shipped issues' lines
// and over random strings of the rules' words, pieces of them and filler,
// with and without a limit.
func TestTextIndexCountsAsMatchers(t *testing.T) {
	a, err := LoadAreas(filepath.Join("..", "..", "corpus", "data", AreasFile))
	if err != nil {
		t.Fatal(err)
	}
	var texts []string
	files, _ := filepath.Glob(filepath.Join("..", "..", "testdata", "issues", "*.txt"))
	files = append(files, filepath.Join("..", "..", "corpus", "issue-089.txt"))
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		texts = append(texts, squeeze(string(b)))
		for _, l := range strings.Split(string(b), "\n") {
			texts = append(texts, squeeze(l))
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	words := a.text.words
	for range 2000 {
		var b strings.Builder
		for range rng.IntN(30) {
			w := words[rng.IntN(len(words))]
			switch r := []rune(w); rng.IntN(4) {
			case 0:
				b.WriteString(string(r[:rng.IntN(len(r))+1])) // a prefix
			case 1:
				b.WriteString(string(r[rng.IntN(len(r)):])) // a suffix
			case 2:
				b.WriteString("的")
			default:
				b.WriteString(w)
			}
		}
		texts = append(texts, b.String())
	}
	checked := 0
	for _, s := range texts {
		hits := a.text.find(s)
		for i, r := range a.rules {
			if r.text == nil {
				continue
			}
			for _, limit := range []int{0, r.min} {
				if got, want := a.text.count(hits, i, limit), r.text.count(s, limit); got != want {
					t.Fatalf("rule %d (%s), limit %d, on %q: %d, matcher says %d", i, r.area, limit, s, got, want)
				}
				checked++
			}
		}
	}
	t.Logf("%d counts compared", checked)
}

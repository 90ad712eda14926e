package taxonomy

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func loadAliases(t *testing.T) *Aliases {
	t.Helper()
	a, err := LoadAliases(filepath.Join(dataDir, AliasesFile))
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestCanonicalBody(t *testing.T) {
	a := loadAliases(t)
	for _, tc := range []struct{ in, want string }{
		{"人社部", "人力资源社会保障部"},
		{"人力资源和社会保障部", "人力资源社会保障部"},
		{"人力资源社会保障部", "人力资源社会保障部"},
		{"国办", "国务院办公厅"},
		{"发改委", "国家发展改革委"},
		{"国家发展和改革委员会", "国家发展改革委"},
		{"中办", "中共中央办公厅"},
		{"工信部", "工业和信息化部"},
		{"住建部", "住房城乡建设部"},
		{"卫健委", "国家卫生健康委"},
		{"市场监管总局", "市场监管总局"},
		{"重庆市政府", "重庆市人民政府"},
		{" 教育部 ", "教育部"},
		{"教 育 部", "教育部"}, // spaces from the export
		{"某某市教育局", "某某市教育局"},
		{"  某某市教育局\t", "某某市教育局"},
	} {
		if got := a.CanonicalBody(tc.in); got != tc.want {
			t.Errorf("CanonicalBody(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestKnownBody(t *testing.T) {
	a := loadAliases(t)
	for _, name := range []string{"国务院", "人社部", "财政部", "国家知识产权局", "重庆市人民政府"} {
		if !a.KnownBody(name) {
			t.Errorf("KnownBody(%q) = false", name)
		}
	}
	// Terms are not bodies.
	for _, name := range []string{"某某市教育局", "中职", "中等职业学校", ""} {
		if a.KnownBody(name) {
			t.Errorf("KnownBody(%q) = true", name)
		}
	}
}

func TestBodies(t *testing.T) {
	bodies := loadAliases(t).Bodies()
	for _, want := range []string{"中共中央", "国务院", "教育部", "人力资源社会保障部", "国家发展改革委", "财政部"} {
		if !slices.Contains(bodies, want) {
			t.Errorf("Bodies() lacks %q", want)
		}
	}
	if slices.Contains(bodies, "人社部") {
		t.Error("Bodies() lists an alias")
	}
}

func TestExpand(t *testing.T) {
	a := loadAliases(t)
	for _, tc := range []struct {
		in        string
		want, not []string
	}{
		{in: "中职", want: []string{"中职", "中等职业学校", "中职学校", "中等职业教育"}},
		{in: "中等职业学校", want: []string{"中等职业学校", "中职", "中职学校"}, not: []string{"中等职业教育"}},
		{in: "高职", want: []string{"高等职业学校", "高职院校", "高等职业教育"}},
		{in: "职教", want: []string{"职业教育"}},
		{in: "双高", want: []string{"中国特色高水平高职学校和专业建设计划", "双高计划"}},
		{in: "人社部", want: []string{"人社部", "人力资源社会保障部", "人力资源和社会保障部"}},
		{in: "人力资源社会保障部", want: []string{"人社部"}},
		{in: "国办", want: []string{"国务院办公厅"}},
		{in: " 发改委 ", want: []string{"发改委", "国家发展改革委", "国家发改委"}},
		{in: "新质生产力", want: []string{"新质生产力"}},
	} {
		got := a.Expand(tc.in)
		if len(got) == 0 || got[0] != strings.TrimSpace(tc.in) {
			t.Errorf("Expand(%q) = %q: input not first", tc.in, got)
		}
		for _, w := range tc.want {
			if !slices.Contains(got, w) {
				t.Errorf("Expand(%q) = %q, lacks %q", tc.in, got, w)
			}
		}
		for _, w := range tc.not {
			if slices.Contains(got, w) {
				t.Errorf("Expand(%q) = %q, should not hold %q", tc.in, got, w)
			}
		}
		if len(slices.Compact(slices.Sorted(slices.Values(got)))) != len(got) {
			t.Errorf("Expand(%q) = %q has duplicates", tc.in, got)
		}
	}
	if got := a.Expand("某个没有的词"); !slices.Equal(got, []string{"某个没有的词"}) {
		t.Errorf("Expand(unknown) = %q, want only itself", got)
	}
	if got := a.Expand("  "); got != nil {
		t.Errorf("Expand(blank) = %q, want nil", got)
	}
}

func TestLoadAliasesErrors(t *testing.T) {
	for _, tc := range []struct {
		name, content string
		want          []string
	}{
		{
			name:    "bad toml",
			content: "[[body]]\nname = \"教育部\"\naliases = [\"部\"\n",
			want:    []string{"aliases.toml:3:"},
		},
		{
			name:    "alias of two bodies",
			content: "[[body]]\nname = \"教育部\"\naliases = [\"教部\"]\n\n[[body]]\nname = \"财政部\"\naliases = [\"教部\"]\n",
			want:    []string{"aliases.toml:5:", "教部", "教育部", "财政部"},
		},
		{
			name:    "body listed twice",
			content: "[[body]]\nname = \"教育部\"\n\n[[body]]\nname = \"教育部\"\n",
			want:    []string{"aliases.toml:4:", "教育部", "twice"},
		},
		{
			name:    "term that is a body",
			content: "[[term]]\nname = \"人社\"\naliases = [\"人社部\"]\n\n[[body]]\nname = \"人力资源社会保障部\"\naliases = [\"人社部\"]\n",
			want:    []string{"aliases.toml:1:", "人社部", "body and a term"},
		},
		{
			name:    "name that is another entry's alias",
			content: "[[term]]\nname = \"高等学校\"\naliases = [\"高校\"]\n\n[[term]]\nname = \"大学\"\naliases = [\"高等学校\"]\n",
			want:    []string{"aliases.toml:2:", "高等学校", "大学"},
		},
		{
			name:    "misspelt key",
			content: "[[body]]\nname = \"教育部\"\nalias = [\"教部\"]\n",
			want:    []string{"aliases.toml:3:", "body.alias"},
		},
		{
			name:    "empty direction suffix",
			content: "[direction]\nsuffixes = [\"研究\", \" \"]\n",
			want:    []string{"aliases.toml:2:", "empty ending"},
		},
		{
			name:    "no name",
			content: "[[body]]\naliases = [\"教部\"]\n",
			want:    []string{"aliases.toml:1:", "without a name"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := LoadAliases(writeTemp(t, AliasesFile, tc.content))
			wantErr(t, err, tc.want...)
		})
	}
	_, err := LoadAliases(filepath.Join(t.TempDir(), "missing.toml"))
	wantErr(t, err, "missing.toml")
}

func TestLoadAliasesRepeats(t *testing.T) {
	// Repeating a name as an alias, or spelling it with spaces, is harmless.
	a, err := LoadAliases(writeTemp(t, AliasesFile, "[[body]]\nname = \"教育部\"\naliases = [\"教育 部\", \"教育部\", \"教部\"]\n"))
	if err != nil {
		t.Fatal(err)
	}
	if got := a.Expand("教部"); !slices.Equal(got, []string{"教部", "教育部"}) {
		t.Errorf("Expand(教部) = %q", got)
	}
}

func TestSubject(t *testing.T) {
	shipped := loadAliases(t)
	custom, err := ParseAliases(AliasesFile, []byte("[direction]\nsuffixes = [\"研究\", \"问题研究\", \"研究\"]\n"))
	if err != nil {
		t.Fatal(err)
	}
	none, err := ParseAliases(AliasesFile, []byte("[[body]]\nname = \"教育部\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		a         *Aliases
		name      string
		direction string
		want      string
	}{
		{shipped, "shipped", "技能人才评价体系研究", "技能人才评价体系"},
		{shipped, "shipped", " 普惠托育服务供给研究 ", "普惠托育服务供给"},
		{shipped, "shipped", "研究", "研究"}, // nothing would be left
		{shipped, "shipped", "产教融合", "产教融合"},
		{custom, "longest first", "民生资金审计问题研究", "民生资金审计"},
		{custom, "longest first", "职普融通路径研究", "职普融通路径"},
		{none, "no suffixes", "技能人才评价体系研究", "技能人才评价体系研究"},
	} {
		if got := tc.a.Subject(tc.direction); got != tc.want {
			t.Errorf("%s: Subject(%q) = %q, want %q", tc.name, tc.direction, got, tc.want)
		}
	}
}

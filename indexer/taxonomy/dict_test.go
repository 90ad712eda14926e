package taxonomy

import (
	"path/filepath"
	"slices"
	"testing"

	"github.com/go-ego/gse"
)

func TestCheckDict(t *testing.T) {
	if err := CheckDict(filepath.Join(dataDir, DictFile)); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, content string
		want          []string
	}{
		{"comment", "托育 1000 n\n# 说明\n", []string{"dict.txt:2:"}},
		{"blank line", "托育 1000 n\n\n产教融合 2000 n\n", []string{"dict.txt:2:"}},
		{"no pos", "托育 1000\n", []string{"dict.txt:1:"}},
		{"bad frequency", "托育 很多 n\n", []string{"dict.txt:1:", "很多"}},
		{"too rare", "托育 1 n\n", []string{"dict.txt:1:"}},
		{"duplicate", "托育 1000 n\n托育 500 n\n", []string{"dict.txt:2:", "line 1"}},
		{"bom", "\uFEFF托育 1000 n\n", []string{"dict.txt:1:", "BOM"}},
		{"empty", "", []string{"no words"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wantErr(t, CheckDict(writeTemp(t, DictFile, tc.content)), tc.want...)
		})
	}
	if err := CheckDict(writeTemp(t, DictFile, "托育 1000 n\r\n产教融合 2000.5 n")); err != nil {
		t.Errorf("CRLF and a missing final newline should pass: %v", err)
	}
}

// TestDictLoadsIntoGse checks that gse reads dict.txt and then prefers its
// words. The order matters in gse v0.80.3: a word keeps the frequency of the
// first dictionary that has it, and LoadDict on a fresh segmenter discards
// what LoadDictEmbed loaded before. So: user words first, embedded after.
func TestDictLoadsIntoGse(t *testing.T) {
	var seg gse.Segmenter
	seg.SkipLog = true
	if err := seg.LoadDict(filepath.Join(dataDir, DictFile)); err != nil {
		t.Fatal(err)
	}
	if err := seg.LoadDictEmbed("zh_s"); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		text string
		want []string
	}{
		{"发展新质生产力和普惠托育", []string{"新质生产力", "普惠托育"}},
		{"加快构建职普融通、产教融合的职业教育体系", []string{"职普融通", "产教融合", "职业教育"}},
		{"将中等职业学校（含技工院校）涉农专业学生纳入国家助学金资助范围", []string{"中等职业学校", "技工院校", "涉农专业", "国家助学金"}},
		{"实施大国工匠人才培育工程", []string{"大国工匠"}},
		{"完善知识产权质押融资风险共担机制", []string{"知识产权质押融资"}},
		{"人社部和发改委", []string{"人社部", "发改委"}},
		// An abbreviation must not eat into ordinary words around it.
		{"提高普通高中国家助学金资助标准", []string{"普通高中", "国家助学金"}},
		{"高中阶段学生资助政策", []string{"高中", "阶段"}},
	} {
		got := seg.Cut(tc.text, false)
		for _, w := range tc.want {
			if !slices.Contains(got, w) {
				t.Errorf("Cut(%q) = %q, lacks %q", tc.text, got, w)
			}
		}
	}
	// The embedded dictionary is still there.
	if got := seg.Cut("国务院", false); !slices.Equal(got, []string{"国务院"}) {
		t.Errorf("Cut(国务院) = %q: embedded dictionary lost", got)
	}
}

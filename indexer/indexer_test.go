package indexer

import (
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"zhengce"
	"zhengce/indexer/parser"
)

const (
	seedFile = "../corpus/issue-089.txt"
	dataDir  = "../corpus/data"
)

func loadData(t testing.TB) *Data {
	t.Helper()
	d, err := LoadData(dataDir)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func seedPassages(t testing.TB) (*zhengce.Issue, []zhengce.Passage) {
	t.Helper()
	iss, err := parser.ParseFile(seedFile)
	if err != nil {
		t.Fatal(err)
	}
	d := loadData(t)
	m, err := d.Mapping()
	if err != nil {
		t.Fatal(err)
	}
	ps, err := d.IssuePassages(m, iss)
	if err != nil {
		t.Fatal(err)
	}
	return iss, ps
}

func TestSeedDirectionsLinkToTheirSections(t *testing.T) {
	iss, _ := seedPassages(t)
	d := loadData(t)
	m, _ := d.Mapping()
	first := Passages(iss, d.Taxonomy.Areas, d.Taxonomy.Aliases, nil)
	links, err := LinkDirections(m, iss, first)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]int{
		"技能人才评价体系研究": {3},
		"普惠托育服务供给研究": {2},
		"知识产权融合发展研究": {4},
	}
	if !reflect.DeepEqual(links, want) {
		t.Errorf("links = %v, want %v", links, want)
	}
}

func TestSeedPassages(t *testing.T) {
	_, ps := seedPassages(t)
	kinds := map[zhengce.Kind]int{}
	ids := map[string]bool{}
	for i, p := range ps {
		kinds[p.Kind]++
		if ids[p.ID] {
			t.Errorf("duplicate ID %s", p.ID)
		}
		ids[p.ID] = true
		if p.Ordinal != i+1 {
			t.Errorf("%s: ordinal %d, want %d", p.ID, p.Ordinal, i+1)
		}
		if p.Issue.Running != 89 || p.Issue.Number != 9 || p.Issue.Date != "2024-11-13" {
			t.Errorf("%s: issue %+v", p.ID, p.Issue)
		}
		if strings.TrimSpace(p.Text) == "" || strings.Contains(p.Text, "**") {
			t.Errorf("%s: text %q", p.ID, p.Text)
		}
	}
	if kinds[zhengce.KindDirection] != 3 || kinds[zhengce.KindGuide] < 4 || kinds[zhengce.KindFurther] < 5 || kinds[zhengce.KindBody] < 30 {
		t.Errorf("kinds = %v", kinds)
	}

	byText := func(prefix string) zhengce.Passage {
		t.Helper()
		for _, p := range ps {
			if strings.HasPrefix(p.Text, prefix) {
				return p
			}
		}
		t.Fatalf("no passage starts with %q", prefix)
		return zhengce.Passage{}
	}
	p := byText("一是畅通产业工人向上发展通道")
	if p.ID != "089-s03-005" && !strings.HasPrefix(p.ID, "089-s03-") {
		t.Errorf("ID %s is not in section 3", p.ID)
	}
	if p.Date != "2024-10-22" || p.Section.DocType != "意见" || p.Section.PolicyTitle != "关于深化产业工人队伍建设改革的意见" {
		t.Errorf("section 3 passage: %+v", p)
	}
	if !reflect.DeepEqual(p.Section.Bodies, []string{"中共中央", "国务院"}) {
		t.Errorf("bodies %v", p.Section.Bodies)
	}
	if !reflect.DeepEqual(p.Path, []string{"（四）健全职业发展体系，促进产业工人成长成才"}) {
		t.Errorf("path %q", p.Path)
	}
	if !slices.Contains(p.Directions, "技能人才评价体系研究") {
		t.Errorf("directions %v", p.Directions)
	}
	if !slices.Contains(AreaValues(p.Areas), "劳动、人事、监察") {
		t.Errorf("areas %v", p.Areas)
	}

	aid := byText("一是增加本专科生国家奖学金奖励名额")
	if !reflect.DeepEqual(aid.Section.Bodies, []string{"财政部", "教育部", "人力资源社会保障部"}) {
		t.Errorf("bodies %v", aid.Section.Bodies)
	}
	for _, want := range []string{"科技、教育", "财政、金融、审计"} {
		if !slices.Contains(AreaValues(aid.Areas), want) {
			t.Errorf("student aid areas %v lack %s", aid.Areas, want)
		}
	}
	if len(aid.Directions) != 0 {
		t.Errorf("student aid passage has directions %v; no direction draws on section 1", aid.Directions)
	}
	ip := byText("（二）加强区域联动和要素集成")
	if !slices.Contains(ip.Areas, "科技、教育/知识产权") || !slices.Contains(ip.Directions, "知识产权融合发展研究") {
		t.Errorf("IP passage: areas %v directions %v", ip.Areas, ip.Directions)
	}
	care := byText("（六）增加普惠托育服务供给")
	if !slices.Contains(AreaValues(care.Areas), "人口与计划生育、妇女儿童工作") || care.Section.DocType != "若干措施" {
		t.Errorf("childcare passage: %+v", care)
	}
	if !reflect.DeepEqual(care.Section.Bodies, []string{"国务院办公厅"}) {
		t.Errorf("childcare bodies %v", care.Section.Bodies)
	}

	further := byText("答：目前，我国已建成世界上规模最大的学生资助体系")
	if further.Kind != zhengce.KindFurther || len(further.Path) != 2 || !strings.HasPrefix(further.Path[0], "【延伸阅读】") {
		t.Errorf("further reading passage: kind %s path %q", further.Kind, further.Path)
	}

	dir := byText("技能人才评价体系研究")
	if dir.Kind != zhengce.KindDirection || !reflect.DeepEqual(dir.Section.Bodies, []string{"中共中央", "国务院"}) {
		t.Errorf("direction passage: %+v", dir)
	}
	guide := byText("产业工人是工人阶级的主体力量")
	if guide.Kind != zhengce.KindGuide || guide.Section.Ordinal != 3 {
		t.Errorf("guide passage: %+v", guide)
	}
}

func TestPassageIDsAreStable(t *testing.T) {
	_, a := seedPassages(t)
	_, b := seedPassages(t)
	if len(a) != len(b) {
		t.Fatalf("%d passages, then %d", len(a), len(b))
	}
	for i := range a {
		if !reflect.DeepEqual(a[i], b[i]) {
			t.Errorf("passage %d differs between two runs: %s vs %s", i, a[i].ID, b[i].ID)
		}
	}
}

func docCount(t *testing.T, dir string) uint64 {
	t.Helper()
	idx, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	n, err := idx.DocCount()
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestBuildSwapsOnlyWhenWhole(t *testing.T) {
	tmp := t.TempDir()
	indexDir := filepath.Join(tmp, "index")
	st, err := BuildFiles([]string{seedFile}, dataDir, indexDir)
	if err != nil {
		t.Fatal(err)
	}
	if st.Issues != 1 || st.Passages < 50 {
		t.Errorf("stats %+v", st)
	}
	if got := docCount(t, indexDir); got != uint64(st.Passages) {
		t.Errorf("index holds %d passages, build wrote %d", got, st.Passages)
	}

	// A build that fails midway (a bad file after a good one) leaves the live
	// index as it was.
	bad := filepath.Join(tmp, "bad.txt")
	if err := os.WriteFile(bad, []byte("no masthead here\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := BuildFiles([]string{seedFile, bad}, dataDir, indexDir); err == nil || !strings.Contains(err.Error(), bad) {
		t.Errorf("error %v does not name %s", err, bad)
	}
	if got := docCount(t, indexDir); got != uint64(st.Passages) {
		t.Errorf("after a failed build the index holds %d passages, want %d", got, st.Passages)
	}

	// A stray generation (as a killed build leaves) is removed by the next
	// build; the generation it replaces is kept (see lifecycle.go).
	stray := filepath.Join(tmp, "index.g000099")
	if err := os.Mkdir(stray, 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := BuildFiles([]string{seedFile}, dataDir, indexDir); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(tmp)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	want := []string{"bad.txt", "index", "index.g000001", "index.g000100", "index.lock"}
	if !slices.Equal(names, want) {
		t.Errorf("folder holds %v, want %v: the live generation and the one before", names, want)
	}
}

func TestDuplicateRunningNumber(t *testing.T) {
	tmp := t.TempDir()
	copyFile := filepath.Join(tmp, "copy.txt")
	src, err := os.ReadFile(seedFile)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(copyFile, src, 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = BuildFiles([]string{seedFile, copyFile}, dataDir, filepath.Join(tmp, "index"))
	if err == nil || !strings.Contains(err.Error(), copyFile) || !strings.Contains(err.Error(), seedFile) {
		t.Errorf("error %v should name both files", err)
	}
	if zhengce.ErrorCode(err) != zhengce.EINVALID {
		t.Errorf("code %q", zhengce.ErrorCode(err))
	}
}

func TestOpenRefusesAnotherMappingVersion(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "old")
	m, err := loadData(t).Mapping()
	if err != nil {
		t.Fatal(err)
	}
	idx, err := create(dir, m)
	if err != nil {
		t.Fatal(err)
	}
	if err := idx.SetInternal(internalVersionKey, []byte("zhengce-0")); err != nil {
		t.Fatal(err)
	}
	idx.Close()
	_, err = Open(dir)
	if err == nil || !strings.Contains(err.Error(), "zhengce index") {
		t.Errorf("Open of an old index: %v", err)
	}
	if _, err := Open(filepath.Join(t.TempDir(), "none")); zhengce.ErrorCode(err) != zhengce.ENOTFOUND {
		t.Errorf("Open of a missing index: %v", err)
	}
}

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"html"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	"zhengce/indexer"
)

// Paths as seen from this package's directory, where `go test` runs.
const (
	shippedIssue = "../../corpus/issue-089.txt"
	dataDir      = "../../corpus/data"
	fixtureGlob  = "../../testdata/issues/*.txt"
	badDir       = "../../testdata/bad"
)

// The search tests share one index of the shipped issue plus the fixtures,
// built once through the CLI: loading the gse dictionary costs about a
// second.
var shared struct {
	once   sync.Once
	tmp    string // removed by TestMain
	corpus string
	index  string
	code   int
	stdout string
	stderr string
	err    error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if shared.tmp != "" {
		os.RemoveAll(shared.tmp)
	}
	os.Exit(code)
}

// sharedIndex returns the path of the shared index, building it on first use
// with `zhengce index`.
func sharedIndex(t *testing.T) string {
	t.Helper()
	shared.once.Do(func() {
		shared.tmp, shared.err = os.MkdirTemp("", "zhengce-cli-test-")
		if shared.err != nil {
			return
		}
		shared.corpus = filepath.Join(shared.tmp, "corpus")
		shared.index = filepath.Join(shared.tmp, "data", "index")
		files, _ := filepath.Glob(fixtureGlob)
		files = append(files, shippedIssue)
		if shared.err = copyFiles(shared.corpus, files...); shared.err != nil {
			return
		}
		var stdout, stderr bytes.Buffer
		shared.code = run(context.Background(),
			[]string{"index", "-corpus", shared.corpus, "-data", dataDir, "-index", shared.index},
			&stdout, &stderr)
		shared.stdout, shared.stderr = stdout.String(), stderr.String()
	})
	if shared.err != nil {
		t.Fatalf("preparing the shared corpus: %v", shared.err)
	}
	if shared.code != 0 {
		t.Fatalf("zhengce index exited %d\nstdout: %s\nstderr: %s", shared.code, shared.stdout, shared.stderr)
	}
	return shared.index
}

func copyFiles(dir string, files ...string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, filepath.Base(f)), b, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// cli runs the command line as main does, with stdout and stderr captured.
// A panic fails the test instead of killing the test binary.
func cli(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	func() {
		defer func() {
			if r := recover(); r != nil {
				t.Fatalf("zhengce %q panicked: %v", args, r)
			}
		}()
		code = run(context.Background(), args, &out, &errb)
	}()
	return code, out.String(), errb.String()
}

// result mirrors the JSON that `search -json` prints.
type result struct {
	Query  string                  `json:"query"`
	Total  int                     `json:"total"`
	Page   int                     `json:"page"`
	Size   int                     `json:"size"`
	TookMS float64                 `json:"took_ms"`
	Hits   []hit                   `json:"hits"`
	Facets map[string][]facetValue `json:"facets"`
}

type hit struct {
	ID        string  `json:"id"`
	Score     float64 `json:"score"`
	Text      string  `json:"text"`
	Highlight string  `json:"highlight"`
	Kind      string  `json:"kind"`
	Date      string  `json:"date"`
	Issue     struct {
		Number  int    `json:"number"`
		Running int    `json:"running"`
		Date    string `json:"date"`
	} `json:"issue"`
	Section struct {
		Ordinal     int      `json:"ordinal"`
		Heading     string   `json:"heading"`
		PolicyTitle string   `json:"policy_title"`
		Bodies      []string `json:"bodies"`
		DocType     string   `json:"doc_type"`
	} `json:"section"`
	Path       []string `json:"path"`
	Areas      []string `json:"areas"`
	Directions []string `json:"directions"`
	Linked     bool     `json:"linked"`
}

type facetValue struct {
	Value string `json:"value"`
	Count int    `json:"count"`
}

func (r *result) ids() []string {
	ids := make([]string, len(r.Hits))
	for i, h := range r.Hits {
		ids[i] = h.ID
	}
	return ids
}

func (r *result) facet(name, value string) int {
	for _, v := range r.Facets[name] {
		if v.Value == value {
			return v.Count
		}
	}
	return 0
}

// searchJSON runs `zhengce search -index SHARED -json ARGS…`, which must
// succeed, and decodes its output.
func searchJSON(t *testing.T, args ...string) *result {
	t.Helper()
	full := append([]string{"search", "-index", sharedIndex(t), "-json"}, args...)
	code, stdout, stderr := cli(t, full...)
	if code != 0 {
		t.Fatalf("zhengce %q exited %d: %s", full[3:], code, stderr)
	}
	if stderr != "" {
		t.Errorf("zhengce %q wrote to stderr: %s", full[3:], stderr)
	}
	var r result
	if err := json.Unmarshal([]byte(stdout), &r); err != nil {
		t.Fatalf("zhengce %q: output is not JSON: %v\n%s", full[3:], err, stdout)
	}
	if len(r.Hits) > r.Size || len(r.Hits) > r.Total {
		t.Errorf("zhengce %q: %d hits for size %d, total %d", full[3:], len(r.Hits), r.Size, r.Total)
	}
	return &r
}

// all returns every hit of a search, page after page of 100.
func all(t *testing.T, args ...string) *result {
	t.Helper()
	var r *result
	for page := 1; ; page++ {
		p := searchJSON(t, append([]string{"-size", "100", "-page", strconv.Itoa(page)}, args...)...)
		if r == nil {
			r = p
		} else {
			if p.Total != r.Total {
				t.Fatalf("%q: total %d on page 1, %d on page %d", args, r.Total, p.Total, page)
			}
			r.Hits = append(r.Hits, p.Hits...)
		}
		if len(p.Hits) < 100 || page > 100 {
			break
		}
	}
	if len(r.Hits) != r.Total {
		t.Fatalf("%q: %d hits listed, total %d", args, len(r.Hits), r.Total)
	}
	return r
}

var indexLine = regexp.MustCompile(`^indexed (\d+) issues, (\d+) passages in ([0-9.]+) s \((\d+) passages/s\) into (.+)\n$`)

func TestIndexCommandReportsWhatItIndexed(t *testing.T) {
	index := sharedIndex(t)
	// In a pipe it logs its progress on stderr, and nothing else.
	if errs := errorLines(shared.stderr); len(errs) > 0 || !strings.Contains(shared.stderr, "zhengce index: indexed ") {
		t.Errorf("index wrote to stderr: %s", shared.stderr)
	}
	m := indexLine.FindStringSubmatch(shared.stdout)
	if m == nil {
		t.Fatalf("index printed %q, want `indexed N issues, M passages in T s (R passages/s) into DIR`", shared.stdout)
	}
	files, _ := filepath.Glob(filepath.Join(shared.corpus, "*.txt"))
	if n, _ := strconv.Atoi(m[1]); n != len(files) || n != 6 {
		t.Errorf("reported %s issues, the corpus holds %d files", m[1], len(files))
	}
	if secs, err := strconv.ParseFloat(m[3], 64); err != nil || secs <= 0 {
		t.Errorf("reported time %q", m[3])
	}
	if m[5] != index {
		t.Errorf("reported index %q, want %q", m[5], index)
	}
	idx, err := indexer.Open(index)
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	n, err := idx.DocCount()
	if err != nil {
		t.Fatal(err)
	}
	if reported, _ := strconv.Atoi(m[2]); uint64(reported) != n || n < 100 {
		t.Errorf("reported %s passages, the index holds %d", m[2], n)
	}
}

var (
	summaryLine = regexp.MustCompile(`^共 (\d+) 段，第 (\d+)–(\d+) 段（[0-9.]+ ms）$`)
	hitLine     = regexp.MustCompile(`^(\d+)\. \[(正文|延伸阅读|导读|研究方向)\] (第 (\d+) 期（总第 (\d+) 期）(\d{4}-\d\d-\d\d))(.*)$`)
)

// humanHit is one hit as the plain output shows it.
type humanHit struct {
	n                     int
	kind, crumb, snippet  string
	meta                  string
	number, running, date string
}

// parseHuman splits the plain output into its summary and hit blocks.
func parseHuman(t *testing.T, out string) (total, first, last int, hits []humanHit) {
	t.Helper()
	blocks := strings.Split(strings.TrimRight(out, "\n"), "\n\n")
	m := summaryLine.FindStringSubmatch(blocks[0])
	if m == nil {
		t.Fatalf("first line %q is not the summary `共 N 段，第 A–B 段（T ms）`\n%s", blocks[0], out)
	}
	total, _ = strconv.Atoi(m[1])
	first, _ = strconv.Atoi(m[2])
	last, _ = strconv.Atoi(m[3])
	for _, b := range blocks[1:] {
		lines := strings.Split(b, "\n")
		if len(lines) != 3 {
			t.Fatalf("hit block is not three lines:\n%s", b)
		}
		hm := hitLine.FindStringSubmatch(lines[0])
		if hm == nil {
			t.Fatalf("hit line %q is not `N. [kind] 第 N 期（总第 M 期）DATE › …`", lines[0])
		}
		if !strings.HasPrefix(lines[1], "   ") || !strings.HasPrefix(lines[2], "   ") {
			t.Errorf("snippet and metadata lines are not indented:\n%s", b)
		}
		n, _ := strconv.Atoi(hm[1])
		hits = append(hits, humanHit{
			n: n, kind: hm[2], crumb: hm[3] + hm[7],
			snippet: strings.TrimPrefix(lines[1], "   "), meta: strings.TrimPrefix(lines[2], "   "),
			number: hm[4], running: hm[5], date: hm[6],
		})
	}
	return total, first, last, hits
}

func TestSearchPrintsHitsForAPerson(t *testing.T) {
	index := sharedIndex(t)
	code, stdout, stderr := cli(t, "search", "-index", index, "技能人才评价")
	if code != 0 || stderr != "" {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	if strings.Contains(stdout, "\x1b[") {
		t.Errorf("output to a pipe holds terminal escapes:\n%q", stdout)
	}
	total, first, last, hits := parseHuman(t, stdout)
	want := searchJSON(t, "技能人才评价")
	if total != want.Total || total < 10 {
		t.Errorf("summary says %d hits, JSON %d", total, want.Total)
	}
	if first != 1 || last != len(hits) || len(hits) != len(want.Hits) {
		t.Errorf("summary says hits %d–%d, printed %d, JSON lists %d", first, last, len(hits), len(want.Hits))
	}
	for i, h := range hits {
		w := want.Hits[i]
		if h.n != i+1 {
			t.Errorf("hit %d numbered %d", i+1, h.n)
		}
		if !strings.HasSuffix(h.meta, " · "+w.ID) || !strings.HasPrefix(h.meta, w.Date+" · ") {
			t.Errorf("hit %d: metadata %q, want date %s … ID %s (the JSON order)", i+1, h.meta, w.Date, w.ID)
		}
		if h.kind != w.Kind || h.running != strconv.Itoa(w.Issue.Running) || h.number != strconv.Itoa(w.Issue.Number) || h.date != w.Issue.Date {
			t.Errorf("hit %d: %q does not name %s of issue %d/%d %s", i+1, h.crumb, w.Kind, w.Issue.Number, w.Issue.Running, w.Issue.Date)
		}
		// The breadcrumb: issue › section (or 本期导读) › heading path.
		switch {
		case w.Kind == "导读":
			if !strings.Contains(h.crumb, " › 本期导读") {
				t.Errorf("guide hit %s: breadcrumb %q lacks 本期导读", w.ID, h.crumb)
			}
		case w.Section.Heading != "":
			if !strings.Contains(h.crumb, "、"+w.Section.Heading) {
				t.Errorf("hit %s: breadcrumb %q lacks its section %q", w.ID, h.crumb, w.Section.Heading)
			}
		}
		for _, p := range w.Path {
			if !strings.Contains(h.crumb, " › "+p) {
				t.Errorf("hit %s: breadcrumb %q lacks heading %q", w.ID, h.crumb, p)
			}
		}
		for _, b := range w.Section.Bodies {
			if !strings.Contains(h.meta, b) {
				t.Errorf("hit %s: metadata %q lacks body %s", w.ID, h.meta, b)
			}
		}
		// In a pipe the match is marked «…», and the snippet is the text's.
		if !strings.Contains(h.snippet, "«技能人才评价»") {
			t.Errorf("hit %s: snippet %q does not mark «技能人才评价»", w.ID, h.snippet)
		}
		plain := strings.Trim(strings.NewReplacer("«", "", "»", "").Replace(h.snippet), "…")
		if !strings.Contains(w.Text, plain) {
			t.Errorf("hit %s: snippet %q is not a piece of its text %q", w.ID, h.snippet, w.Text)
		}
	}

	// A known passage shows its whole place in the issue.
	code, stdout, _ = cli(t, "search", "-index", index, "-issue", "89", "畅通产业工人向上发展通道")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	_, _, _, hits = parseHuman(t, stdout)
	wantCrumb := "第 9 期（总第 89 期）2024-11-13 › 三、中共中央 国务院《关于深化产业工人队伍建设改革的意见》 › （四）健全职业发展体系，促进产业工人成长成才"
	if len(hits) == 0 || hits[0].crumb != wantCrumb {
		t.Errorf("breadcrumb of the first hit:\n got %+v\nwant %q\n%s", hits, wantCrumb, stdout)
	}
	if len(hits) > 0 && !strings.HasSuffix(hits[0].meta, "2024-10-22 · 中共中央 国务院 · 意见 · 089-s03-005") {
		t.Errorf("metadata %q", hits[0].meta)
	}
}

func TestSearchWithoutHits(t *testing.T) {
	code, stdout, stderr := cli(t, "search", "-index", sharedIndex(t), "量子纠缠")
	if code != 0 || stderr != "" || stdout != "没有找到匹配的段落。\n" {
		t.Errorf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	r := searchJSON(t, "量子纠缠")
	if r.Total != 0 || r.Hits == nil || len(r.Hits) != 0 {
		t.Errorf("JSON for no hits: total %d, hits %v (want [])", r.Total, r.Hits)
	}
}

func TestSearchJSONHasTheSpecKeys(t *testing.T) {
	index := sharedIndex(t)
	code, stdout, stderr := cli(t, "search", "-index", index, "-json", "技能人才评价")
	if code != 0 || stderr != "" {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	if !json.Valid([]byte(stdout)) {
		t.Fatalf("not valid JSON:\n%s", stdout)
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal([]byte(stdout), &raw); err != nil {
		t.Fatal(err)
	}
	var keys []string
	for k := range raw {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	if want := []string{"facets", "hits", "page", "query", "size", "took_ms", "total"}; !slices.Equal(keys, want) {
		t.Errorf("top-level keys %v, want %v", keys, want)
	}
	var hits []map[string]json.RawMessage
	if err := json.Unmarshal(raw["hits"], &hits); err != nil || len(hits) == 0 {
		t.Fatalf("hits: %v (%d)", err, len(hits))
	}
	for _, h := range hits {
		for _, k := range []string{"id", "score", "text", "highlight", "kind", "date", "issue", "section", "path", "areas", "directions"} {
			if _, ok := h[k]; !ok {
				t.Errorf("hit %s lacks key %q", h["id"], k)
			}
		}
	}

	r := searchJSON(t, "技能人才评价")
	if r.Query != "技能人才评价" || r.Page != 1 || r.Size != 10 || r.Total < len(r.Hits) || len(r.Hits) != 10 {
		t.Errorf("query %q page %d size %d total %d hits %d", r.Query, r.Page, r.Size, r.Total, len(r.Hits))
	}
	if r.TookMS <= 0 {
		t.Errorf("took_ms %v", r.TookMS)
	}
	for _, name := range []string{"body", "area", "direction", "doc_type", "kind", "issue", "month"} {
		sum := 0
		for _, v := range r.Facets[name] {
			sum += v.Count
		}
		if sum < 1 {
			t.Errorf("facet %s is empty: %v", name, r.Facets[name])
		}
	}
	if kinds := r.facet("kind", "正文") + r.facet("kind", "导读") + r.facet("kind", "研究方向") + r.facet("kind", "延伸阅读"); kinds != r.Total {
		t.Errorf("kind facet counts %d passages, total is %d", kinds, r.Total)
	}
	for i, h := range r.Hits {
		if h.ID == "" || h.Kind == "" || h.Issue.Running == 0 || !regexp.MustCompile(`^\d{4}-\d\d-\d\d$`).MatchString(h.Date) {
			t.Errorf("hit %d incomplete: %+v", i, h)
		}
		if !strings.Contains(h.Highlight, "<mark>技能人才评价</mark>") {
			t.Errorf("hit %s: highlight %q does not mark the query", h.ID, h.Highlight)
		}
		if got := html.UnescapeString(strings.NewReplacer("<mark>", "", "</mark>", "").Replace(h.Highlight)); got != h.Text {
			t.Errorf("hit %s: highlight without marks %q differs from text %q", h.ID, got, h.Text)
		}
		if i > 0 && h.Score > r.Hits[i-1].Score {
			t.Errorf("relevance order: hit %d scores %v, above hit %d's %v", i, h.Score, i-1, r.Hits[i-1].Score)
		}
	}
}

// Every passage that says the word is found (the index may add passages
// whose policy title or headings say it).
func TestSearchFindsEveryPassageThatSaysIt(t *testing.T) {
	issue := all(t, "-issue", "89")
	if issue.Total < 50 {
		t.Fatalf("issue 89 has %d passages", issue.Total)
	}
	for _, word := range []string{"技能", "技能人才评价", "托育", "知识产权", "奖学金", "人才", "产教融合"} {
		found := all(t, "-issue", "89", word)
		got := map[string]bool{}
		for _, h := range found.Hits {
			got[h.ID] = true
			if !strings.Contains(h.Text, word) && !strings.Contains(h.Section.PolicyTitle, word) && !strings.Contains(strings.Join(h.Path, "\n"), word) {
				t.Errorf("%s: hit %s says nothing of it: %q", word, h.ID, h.Text)
			}
		}
		n := 0
		for _, p := range issue.Hits {
			if strings.Contains(p.Text, word) {
				n++
				if !got[p.ID] {
					t.Errorf("%s: passage %s says it but is not found: %q", word, p.ID, p.Text)
				}
			}
		}
		if n == 0 {
			t.Errorf("%s: no passage of issue 89 says it; pick another word", word)
		}
	}
}

func TestSearchFilters(t *testing.T) {
	everything := all(t, "-from", "2000-01-01")
	if everything.Total < 100 {
		t.Skipf("the corpus has only %d passages", everything.Total)
	}
	countIf := func(keep func(hit) bool) int {
		n := 0
		for _, h := range everything.Hits {
			if keep(h) {
				n++
			}
		}
		return n
	}

	t.Run("body alias", func(t *testing.T) {
		alias := all(t, "-body", "人社部")
		canon := all(t, "-body", "人力资源社会保障部")
		if alias.Total == 0 || alias.Total >= everything.Total/2 {
			t.Fatalf("-body 人社部: %d of %d passages", alias.Total, everything.Total)
		}
		if !slices.Equal(alias.ids(), canon.ids()) {
			t.Errorf("-body 人社部 finds %v, -body 人力资源社会保障部 %v", alias.ids(), canon.ids())
		}
		for _, h := range alias.Hits {
			if !slices.Contains(h.Section.Bodies, "人力资源社会保障部") {
				t.Errorf("hit %s: bodies %v", h.ID, h.Section.Bodies)
			}
		}
		// The facet of an active filter still counts the filtered value.
		if alias.facet("body", "人力资源社会保障部") != alias.Total {
			t.Errorf("body facet counts %d for 人力资源社会保障部, total %d", alias.facet("body", "人力资源社会保障部"), alias.Total)
		}
	})

	t.Run("repeated body is OR", func(t *testing.T) {
		a := all(t, "-body", "人社部")
		b := all(t, "-body", "国办")
		both := all(t, "-body", "人社部", "-body", "国办")
		if b.Total == 0 {
			t.Fatal("-body 国办 finds nothing")
		}
		union := map[string]bool{}
		for _, id := range append(a.ids(), b.ids()...) {
			union[id] = true
		}
		if both.Total != len(union) || both.Total <= a.Total || both.Total <= b.Total {
			t.Errorf("-body 人社部 -body 国办: %d hits, union of %d and %d is %d", both.Total, a.Total, b.Total, len(union))
		}
		for _, id := range both.ids() {
			if !union[id] {
				t.Errorf("%s is in neither", id)
			}
		}
	})

	t.Run("area", func(t *testing.T) {
		sub := all(t, "-area", "科技、教育/知识产权")
		top := all(t, "-area", "科技、教育")
		if sub.Total == 0 || top.Total <= sub.Total || top.Total >= everything.Total {
			t.Fatalf("知识产权 %d, 科技、教育 %d, all %d", sub.Total, top.Total, everything.Total)
		}
		topIDs := top.ids()
		for _, h := range sub.Hits {
			if !slices.Contains(h.Areas, "科技、教育/知识产权") {
				t.Errorf("hit %s: areas %v", h.ID, h.Areas)
			}
			if !slices.Contains(topIDs, h.ID) {
				t.Errorf("hit %s of 科技、教育/知识产权 is not under 科技、教育", h.ID)
			}
		}
		for _, h := range top.Hits {
			if !slices.ContainsFunc(h.Areas, func(a string) bool { return strings.HasPrefix(a, "科技、教育") }) {
				t.Errorf("hit %s: areas %v", h.ID, h.Areas)
			}
		}
	})

	t.Run("direction", func(t *testing.T) {
		r := all(t, "-direction", "技能人才评价体系研究")
		if r.Total == 0 || r.Total >= everything.Total/2 {
			t.Fatalf("%d hits", r.Total)
		}
		for _, h := range r.Hits {
			if !slices.Contains(h.Directions, "技能人才评价体系研究") {
				t.Errorf("hit %s: directions %v", h.ID, h.Directions)
			}
		}
		if !slices.Contains(r.ids(), "089-s03-005") {
			t.Errorf("the section the direction draws on is missing: %v", r.ids())
		}
	})

	t.Run("kind", func(t *testing.T) {
		r := all(t, "-kind", "研究方向")
		if r.Total < 6 {
			t.Fatalf("%d research directions", r.Total)
		}
		for _, h := range r.Hits {
			if h.Kind != "研究方向" {
				t.Errorf("hit %s: kind %s", h.ID, h.Kind)
			}
		}
		withQuery := all(t, "-kind", "导读", "技能人才评价")
		if withQuery.Total == 0 {
			t.Fatal("no guide passage about 技能人才评价")
		}
		for _, h := range withQuery.Hits {
			if h.Kind != "导读" {
				t.Errorf("hit %s: kind %s", h.ID, h.Kind)
			}
		}
	})

	t.Run("issue", func(t *testing.T) {
		r89 := all(t, "-issue", "89")
		r86 := all(t, "-issue", "86")
		both := all(t, "-issue", "89", "-issue", "86")
		if r89.Total == 0 || r86.Total == 0 || both.Total != r89.Total+r86.Total {
			t.Errorf("-issue 89: %d, -issue 86: %d, both: %d", r89.Total, r86.Total, both.Total)
		}
		for _, h := range r89.Hits {
			if h.Issue.Running != 89 || h.Issue.Number != 9 {
				t.Errorf("hit %s: issue %+v", h.ID, h.Issue)
			}
		}
		// The issue facet ignores its own filter: it offers the other issues.
		if r89.facet("issue", "89") != r89.Total || r89.facet("issue", "86") != r86.Total || len(r89.Facets["issue"]) != 6 {
			t.Errorf("issue facet under -issue 89: %v", r89.Facets["issue"])
		}
		if n := searchJSON(t, "-issue", " 89 ").Total; n != r89.Total {
			t.Errorf("-issue ' 89 ': %d hits", n)
		}
	})

	t.Run("from to", func(t *testing.T) {
		from := all(t, "-from", "2025-01-01")
		to := all(t, "-to", "2024-10-22")
		day := all(t, "-from", "2024-10-22", "-to", "2024-10-22")
		if from.Total == 0 || to.Total == 0 || day.Total == 0 {
			t.Fatalf("from %d, to %d, day %d", from.Total, to.Total, day.Total)
		}
		if from.Total+to.Total >= everything.Total {
			t.Errorf("from 2025 (%d) and to 2024-10-22 (%d) cover all %d passages", from.Total, to.Total, everything.Total)
		}
		for _, h := range from.Hits {
			if h.Date < "2025-01-01" {
				t.Errorf("-from 2025-01-01: hit %s dated %s", h.ID, h.Date)
			}
		}
		for _, h := range to.Hits {
			if h.Date > "2024-10-22" {
				t.Errorf("-to 2024-10-22: hit %s dated %s", h.ID, h.Date)
			}
		}
		if !slices.Contains(to.ids(), "089-s03-005") {
			t.Error("-to 2024-10-22 drops passages of that very day")
		}
		for _, h := range day.Hits {
			if h.Date != "2024-10-22" {
				t.Errorf("one day: hit %s dated %s", h.ID, h.Date)
			}
		}
		if want := countIf(func(h hit) bool { return h.Date == "2024-10-22" }); day.Total != want {
			t.Errorf("2024-10-22 has %d passages, the filter finds %d", want, day.Total)
		}
	})

	t.Run("sort date", func(t *testing.T) {
		rel := all(t, "技能人才评价")
		byDate := all(t, "-sort", "date", "技能人才评价")
		if rel.Total != byDate.Total {
			t.Fatalf("relevance %d hits, date %d", rel.Total, byDate.Total)
		}
		a, b := rel.ids(), byDate.ids()
		sort.Strings(a)
		sort.Strings(b)
		if !slices.Equal(a, b) {
			t.Errorf("sorting changes the hits: %v vs %v", a, b)
		}
		if slices.Equal(rel.ids(), byDate.ids()) {
			t.Errorf("-sort date gives the relevance order")
		}
		for i := 1; i < len(byDate.Hits); i++ {
			if byDate.Hits[i].Date > byDate.Hits[i-1].Date {
				t.Errorf("-sort date: %s (%s) after %s (%s)", byDate.Hits[i].ID, byDate.Hits[i].Date, byDate.Hits[i-1].ID, byDate.Hits[i-1].Date)
			}
		}
	})

	t.Run("page size", func(t *testing.T) {
		whole := all(t, "技能人才评价")
		var paged []string
		for page := 1; ; page++ {
			r := searchJSON(t, "-page", strconv.Itoa(page), "-size", "5", "技能人才评价")
			if r.Page != page || r.Size != 5 || r.Total != whole.Total {
				t.Fatalf("page %d: page %d size %d total %d", page, r.Page, r.Size, r.Total)
			}
			if len(r.Hits) == 0 {
				break
			}
			if len(r.Hits) != min(5, whole.Total-(page-1)*5) {
				t.Errorf("page %d has %d hits", page, len(r.Hits))
			}
			paged = append(paged, r.ids()...)
			if page > 50 {
				t.Fatal("pages never end")
			}
		}
		if !slices.Equal(paged, whole.ids()) {
			t.Errorf("pages of 5 list %v\none page lists %v", paged, whole.ids())
		}
		code, stdout, _ := cli(t, "search", "-index", sharedIndex(t), "-page", "2", "-size", "5", "技能人才评价")
		if code != 0 {
			t.Fatalf("exit %d", code)
		}
		total, first, last, hits := parseHuman(t, stdout)
		if total != whole.Total || first != 6 || last != 10 || len(hits) != 5 || hits[0].n != 6 || !strings.HasSuffix(hits[0].meta, whole.Hits[5].ID) {
			t.Errorf("page 2 of 5 shows %d–%d of %d: %+v", first, last, total, hits)
		}
	})
}

func TestExitStatus(t *testing.T) {
	index := sharedIndex(t)
	missing := filepath.Join(t.TempDir(), "none", "index")
	tests := []struct {
		name   string
		args   []string
		code   int
		stderr string // a piece of the message
	}{
		{"no command", nil, 2, "Usage:"},
		{"unknown command", []string{"find", "x"}, 2, `unknown command "find"`},
		{"unknown search flag", []string{"search", "-index", index, "-bogus", "x"}, 2, "-bogus"},
		{"unknown index flag", []string{"index", "-bogus"}, 2, "-bogus"},
		{"index argument", []string{"index", "-index", missing, "extra"}, 2, `unexpected argument "extra"`},
		{"bad -from", []string{"search", "-index", index, "-from", "2024-13-01", "x"}, 2, "-from"},
		{"bad -to", []string{"search", "-index", index, "-to", "yesterday", "x"}, 2, "-to"},
		{"bad -issue", []string{"search", "-index", index, "-issue", "八十九", "x"}, 2, "-issue"},
		{"-issue 0", []string{"search", "-index", index, "-issue", "0", "x"}, 2, "-issue"},
		{"bad -page", []string{"search", "-index", index, "-page", "two", "x"}, 2, "-page"},
		{"neither query nor filter", []string{"search", "-index", index}, 2, "give a query or at least one filter"},
		{"blank query", []string{"search", "-index", index, " 　"}, 2, "give a query or at least one filter"},
		{"punctuation-only query", []string{"search", "-index", index, "。"}, 1, "no words to search for"},
		{"index missing", []string{"search", "-index", missing, "技能"}, 1, "run `zhengce index`"},
		{"unclosed quote", []string{"search", "-index", index, `"技能人才`}, 1, "not closed"},
		{"unclosed Chinese quote", []string{"search", "-index", index, "“技能人才"}, 1, "not closed"},
		{"size 1000", []string{"search", "-index", index, "-size", "1000", "技能"}, 1, "size"},
		{"size -1", []string{"search", "-index", index, "-size", "-1", "技能"}, 1, "size"},
		{"page -1", []string{"search", "-index", index, "-page", "-1", "技能"}, 1, "page"},
		{"bad sort", []string{"search", "-index", index, "-sort", "name", "技能"}, 1, "sort"},
		{"to before from", []string{"search", "-index", index, "-from", "2025-01-01", "-to", "2024-01-01", "技能"}, 1, "before"},
		{"unknown topic", []string{"search", "-index", index, "-topic", "不存在的方向研究"}, 1, "no issue recommends"},
		{"corpus missing", []string{"index", "-corpus", filepath.Join(t.TempDir(), "none"), "-data", dataDir, "-index", missing}, 1, "none"},
		{"empty corpus", []string{"index", "-corpus", t.TempDir(), "-data", dataDir, "-index", missing}, 1, "no issue files"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := cli(t, tc.args...)
			if code != tc.code {
				t.Errorf("zhengce %q exited %d, want %d\nstderr: %s", tc.args, code, tc.code, stderr)
			}
			if !strings.Contains(stderr, tc.stderr) {
				t.Errorf("zhengce %q: stderr %q lacks %q", tc.args, stderr, tc.stderr)
			}
			if stdout != "" {
				t.Errorf("zhengce %q wrote to stdout: %q", tc.args, stdout)
			}
			if code == 1 && !strings.HasPrefix(stderr, "zhengce ") {
				t.Errorf("error message %q does not say which program", stderr)
			}
		})
	}
	if _, err := os.Stat(filepath.Dir(missing)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a failed or refused build left %s behind (%v)", filepath.Dir(missing), err)
	}
}

func TestHelp(t *testing.T) {
	for _, args := range [][]string{{"help"}, {"-h"}, {"--help"}} {
		code, stdout, _ := cli(t, args...)
		if code != 0 || !strings.Contains(stdout, "zhengce search") || !strings.Contains(stdout, "zhengce index") {
			t.Errorf("zhengce %q: exit %d, stdout %q", args, code, stdout)
		}
	}
	code, _, stderr := cli(t, "search", "-h")
	if code != 0 || !strings.Contains(stderr, "-body") || !strings.Contains(stderr, "-issue") {
		t.Errorf("search -h: exit %d, stderr %q", code, stderr)
	}
}

// A corpus with a bad file fails with a message naming the file and line, and
// leaves no index behind.
func TestIndexBadFile(t *testing.T) {
	sharedIndex(t) // the dictionary is loaded once
	tmp := t.TempDir()
	corpus := filepath.Join(tmp, "corpus")
	if err := copyFiles(corpus, shippedIssue, filepath.Join(badDir, "no-masthead.txt")); err != nil {
		t.Fatal(err)
	}
	index := filepath.Join(tmp, "data", "index")
	code, stdout, stderr := cli(t, "index", "-corpus", corpus, "-data", dataDir, "-index", index)
	if code != 1 {
		t.Errorf("exit %d, want 1; stderr %q", code, stderr)
	}
	bad := filepath.Join(corpus, "no-masthead.txt")
	if !regexp.MustCompile(regexp.QuoteMeta(bad) + `:\d+: `).MatchString(stderr) {
		t.Errorf("stderr %q does not name %s and a line", stderr, bad)
	}
	if stdout != "" {
		t.Errorf("stdout %q", stdout)
	}
	code, _, stderr = cli(t, "search", "-index", index, "技能")
	if code != 1 || !strings.Contains(stderr, "run `zhengce index`") {
		t.Errorf("after a failed build, search exits %d: %q", code, stderr)
	}

	// A build that fails does not touch the index already there.
	good := filepath.Join(tmp, "good")
	if err := copyFiles(good, shippedIssue); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := cli(t, "index", "-corpus", good, "-data", dataDir, "-index", index); code != 0 {
		t.Fatalf("index of the shipped issue: exit %d: %s", code, stderr)
	}
	before := searchJSONAt(t, index, "-issue", "89").Total
	if code, _, _ := cli(t, "index", "-corpus", corpus, "-data", dataDir, "-index", index); code != 1 {
		t.Errorf("second bad build exits %d", code)
	}
	if after := searchJSONAt(t, index, "-issue", "89").Total; after != before || before == 0 {
		t.Errorf("issue 89 had %d passages before a failed build, %d after", before, after)
	}
}

func searchJSONAt(t *testing.T, index string, args ...string) *result {
	t.Helper()
	code, stdout, stderr := cli(t, append([]string{"search", "-index", index, "-json"}, args...)...)
	if code != 0 {
		t.Fatalf("search %q exited %d: %s", args, code, stderr)
	}
	var r result
	if err := json.Unmarshal([]byte(stdout), &r); err != nil {
		t.Fatal(err)
	}
	return &r
}

// TestEndToEnd builds the binary and runs it the way `make run` does: index
// the shipped corpus with the default paths, then search it.
func TestEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go tool on PATH")
	}
	tmp := t.TempDir()
	bin := filepath.Join(tmp, "zhengce")
	build := exec.Command(goTool, "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	work := filepath.Join(tmp, "work")
	if err := copyFiles(filepath.Join(work, "corpus"), shippedIssue); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(dataDir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if err := copyFiles(filepath.Join(work, "corpus", "data"), filepath.Join(dataDir, e.Name())); err != nil {
			t.Fatal(err)
		}
	}
	zhengce := func(args ...string) (int, string, string) { return runBin(t, bin, work, args...) }

	code, stdout, stderr := zhengce("index", "-corpus", "corpus", "-index", "data/index")
	if code != 0 || !regexp.MustCompile(`^indexed 1 issues, \d+ passages in [0-9.]+ s \(\d+ passages/s\) into data/index\n$`).MatchString(stdout) {
		t.Fatalf("index: exit %d\nstdout %q\nstderr %q", code, stdout, stderr)
	}
	code, stdout, stderr = zhengce("search", "-index", "data/index", "技能人才评价")
	if code != 0 || stderr != "" {
		t.Fatalf("search: exit %d, stderr %q", code, stderr)
	}
	for _, want := range []string{"共 2 段", "总第 89 期", "«技能人才评价»", "089-s03-005", "089-d01"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("search output lacks %q:\n%s", want, stdout)
		}
	}
	if strings.Contains(stdout, "\x1b[") {
		t.Errorf("terminal escapes in a pipe:\n%q", stdout)
	}
	// The default index path is the one index writes to.
	if code, stdout, _ := zhengce("search", "-json", "-kind", "研究方向"); code != 0 || !strings.Contains(stdout, `"total": 3`) {
		t.Errorf("search with the default index: exit %d\n%s", code, stdout)
	}
	if code, _, stderr := zhengce("search"); code != 2 || stderr == "" {
		t.Errorf("search without query: exit %d, stderr %q", code, stderr)
	}
	if code, _, stderr := zhengce("search", "-index", "elsewhere", "技能"); code != 1 || !strings.Contains(stderr, "zhengce index") {
		t.Errorf("search of a missing index: exit %d, stderr %q", code, stderr)
	}
	if code, _, stderr := zhengce(); code != 2 || !strings.Contains(stderr, "Usage") {
		t.Errorf("no command: exit %d, stderr %q", code, stderr)
	}
}

// Output written somewhere other than a terminal carries no escapes; the
// helpers used for it are checked here against a real file.
func TestNoColorInAFile(t *testing.T) {
	f, err := os.Create(filepath.Join(t.TempDir(), "out"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if isTerminal(f) {
		t.Error("a regular file is taken for a terminal")
	}
	var w io.Writer = &bytes.Buffer{}
	if isTerminal(w) {
		t.Error("a buffer is taken for a terminal")
	}
}

func TestSnippetNeverCutsAnEntity(t *testing.T) {
	text := strings.Repeat("字", 157) + `"R&D" <b>` + strings.Repeat("字", 20)
	hl := "<mark>字</mark>" + html.EscapeString(text)
	got := snippet(hl, false)
	if strings.Contains(got, "&") && !strings.Contains(got, "R&D") {
		t.Errorf("snippet cut an entity: %q", got)
	}
	if strings.Contains(got, "&#") || strings.Contains(got, "&amp;") || strings.Contains(got, "&lt;") {
		t.Errorf("snippet shows HTML escapes: %q", got)
	}
	if !strings.HasPrefix(got, "«字»") || !strings.HasSuffix(got, "…") {
		t.Errorf("snippet %q", got)
	}
	if n := len([]rune(strings.TrimSuffix(strings.TrimPrefix(got, "«字»"), "…"))); n != 159 {
		t.Errorf("snippet shows %d characters after the match, want 159", n)
	}
}

func TestNoEmptyFacetValues(t *testing.T) {
	res := searchJSON(t, "-kind", "研究方向", "-size", "1")
	for name, values := range res.Facets {
		for _, v := range values {
			if v.Value == "" {
				t.Errorf("facet %s lists an empty value (count %d)", name, v.Count)
			}
		}
	}
}

func TestSearchTopic(t *testing.T) {
	const name = "技能人才评价体系研究"
	r := all(t, "-topic", name)
	linked := all(t, "-direction", name)
	ids := r.ids()
	// The passages linked to the direction come first, then other passages
	// about its subject.
	if len(ids) <= len(linked.Hits) {
		t.Fatalf("-topic %s: %d hits, no more than the %d linked ones", name, len(ids), len(linked.Hits))
	}
	want := linked.ids()
	got := append([]string(nil), ids[:len(want)]...)
	sort.Strings(want)
	sort.Strings(got)
	if !slices.Equal(got, want) {
		t.Errorf("-topic %s: first %d hits %v, want the linked passages %v", name, len(want), got, want)
	}
	for i, h := range r.Hits {
		if h.Linked != (i < len(want)) {
			t.Errorf("hit %d %s: linked %v", i+1, h.ID, h.Linked)
		}
	}
}

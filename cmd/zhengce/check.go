package main

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/blevesearch/bleve/v2/mapping"

	"zhengce"
	"zhengce/indexer"
	"zhengce/indexer/parser"
)

// runCheck parses issue files without indexing them and prints, for each,
// the outline an editor compares with the bulletin, then its warnings. The
// outline and warnings are in Chinese, as the bulletin is; errors are the
// command's usual one line each. A file that cannot be read is an error
// (exit 1) and the others are still checked; warnings do not fail.
func runCheck(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("check", stderr)
	dataDir := fs.String("data", "corpus/data", "folder of the data files: dict.txt, aliases.toml, areas.toml")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: zhengce check [-data DIR] FILE…\n\n"+
			"Parses issue files without indexing them and prints each one's outline and warnings.\n\n")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		fmt.Fprintln(stderr, "zhengce check: no issue file given")
		fs.Usage()
		return errUsage
	}

	// Each error is printed as it comes, except the last, which run prints:
	// one line per bad file, in the order given, and exit status 1.
	var pending error
	fail := func(err error) {
		if pending != nil {
			fmt.Fprintf(stderr, "zhengce check: %v\n", pending)
		}
		pending = err
	}

	var (
		data     *indexer.Data
		m        mapping.IndexMapping
		seen     = map[int]string{} // running number → file
		done     = map[string]bool{}
		checked  int
		warnings int
	)
	files := 0
	for _, f := range fs.Args() {
		if done[filepath.Clean(f)] {
			continue
		}
		done[filepath.Clean(f)] = true
		files++
		iss, err := parser.ParseFile(f)
		if err != nil {
			fail(err)
			continue
		}
		if other, dup := seen[iss.Running]; dup {
			fail(zhengce.Errorf(zhengce.EINVALID, "%s: running number 总第 %d 期 is also that of %s", f, iss.Running, other))
			continue
		}
		seen[iss.Running] = f
		if data == nil {
			// Loaded once, for the first file that parses: the segmenter's
			// dictionary takes about a second.
			if data, err = indexer.LoadData(*dataDir); err != nil {
				fail(err)
				return pending
			}
			if m, err = data.Mapping(); err != nil {
				fail(err)
				return pending
			}
		}
		r, err := indexer.Check(data, m, iss)
		if err != nil {
			fail(err)
			continue
		}
		if checked > 0 {
			fmt.Fprintln(stdout)
		}
		printReport(stdout, &r)
		checked++
		warnings += len(r.Warnings)
	}
	if files > 1 {
		fmt.Fprintf(stdout, "\n共 %d 个文件：%d 个可以索引，%d 个出错；警告共 %d 条。\n", files, checked, files-checked, warnings)
	}
	return pending
}

// printReport prints one issue's outline, laid out as the bulletin reads,
// then its warnings.
func printReport(w io.Writer, r *indexer.Report) {
	iss := r.Issue
	fmt.Fprintln(w, r.Source)
	head := []string{iss.Title, fmt.Sprintf("第 %d 期（总第 %d 期）", iss.Number, iss.Running), orNone(iss.Date, "（无日期）")}
	if iss.Weekday != "" {
		head = append(head, iss.Weekday)
	}
	if iss.Publisher != "" {
		head = append(head, iss.Publisher+"主办")
	}
	fmt.Fprintln(w, strings.Join(head, " "))
	p := r.Passages
	fmt.Fprintf(w, "共 %d 段：正文 %d，延伸阅读 %d，导读 %d，研究方向 %d\n", p.Total(), p.Body, p.Further, p.Guide, p.Direction)

	numeral := map[int]string{}
	titles := map[int]string{}
	for _, s := range r.Sections {
		numeral[s.Ordinal] = s.Numeral + "、"
		titles[s.Ordinal] = s.Numeral + "、《" + s.PolicyTitle + "》"
	}

	if len(r.Guide) > 0 {
		fmt.Fprintln(w, "\n本期导读")
		for _, g := range r.Guide {
			to := "未对应任何一节"
			if g.Section > 0 {
				to = numeral[g.Section]
			}
			fmt.Fprintf(w, "  ●%s → %s — %d 段\n", g.Heading, to, g.Paragraphs)
		}
	}

	fmt.Fprintln(w, "\n正文")
	for _, s := range r.Sections {
		fmt.Fprintf(w, "  %s\n", sectionLine(s))
		for _, f := range s.Further {
			line := "【延伸阅读】" + f.Title
			if f.Source != "" {
				line += "（来源：" + f.Source + "）"
			}
			fmt.Fprintf(w, "      %s\n", line)
		}
	}

	if len(r.Directions) > 0 {
		fmt.Fprintln(w, "\n推荐研究方向")
		for _, d := range r.Directions {
			var to []string
			for _, ord := range d.Sections {
				to = append(to, titles[ord])
			}
			fmt.Fprintf(w, "  %d. %s → %s\n", d.Ordinal, d.Name, orNone(strings.Join(to, "；"), "未关联任何一节"))
		}
	}

	if len(r.Colophon) > 0 {
		fmt.Fprintln(w, "\n编者")
		for _, c := range r.Colophon {
			fmt.Fprintf(w, "  %s：%s\n", c.Label, c.Text)
		}
	}

	fmt.Fprintln(w)
	if len(r.Warnings) == 0 {
		fmt.Fprintln(w, "无警告。")
		return
	}
	for _, x := range r.Warnings {
		fmt.Fprintf(w, "警告 %s\n", x)
	}
	fmt.Fprintf(w, "警告 %d 条。\n", len(r.Warnings))
}

// sectionLine is one section on one line: 一、2024-10-25 财政部 教育部
// 《关于…的通知》 — 文种：通知 — 领域：… — 研究方向：… — 34 段（正文 22，延伸阅读 12）.
func sectionLine(s indexer.SectionOutline) string {
	var bodies []string
	for i, b := range s.Bodies {
		if i < len(s.Written) && s.Written[i] != b {
			b = s.Written[i] + "→" + b
		}
		bodies = append(bodies, b)
	}
	// Written and canonical names pair up unless two names of one body
	// were both written; then show the canonical list alone.
	if len(s.Written) != len(s.Bodies) {
		bodies = s.Bodies
	}
	head := s.Numeral + "、" + orNone(s.Date, "（无日期）") + " " + strings.Join(bodies, " ") + s.BodiesNote
	if s.PolicyTitle != "" {
		head += "《" + s.PolicyTitle + "》"
	} else {
		head += " （无《》标题）"
	}
	count := fmt.Sprintf("%d 段", s.Passages.Total())
	if s.Passages.Further > 0 {
		count += fmt.Sprintf("（正文 %d，延伸阅读 %d）", s.Passages.Body, s.Passages.Further)
	}
	return strings.Join([]string{
		head,
		"文种：" + orNone(s.DocType, "未识别"),
		"领域：" + orNone(strings.Join(s.Areas, "；"), "无"),
		"研究方向：" + orNone(strings.Join(s.Directions, "；"), "无"),
		count,
	}, " — ")
}

func orNone(s, none string) string {
	if s == "" {
		return none
	}
	return s
}

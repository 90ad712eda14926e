package main

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"os"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"zhengce"
	"zhengce/indexer"
	"zhengce/search"
)

func runSearch(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("search", stderr)
	index := fs.String("index", "data/index", "index to search")
	asJSON := fs.Bool("json", false, "print the result as JSON")
	var bodies, areas, directions, docTypes, kinds, issues multiFlag
	fs.Var(&bodies, "body", "issuing body (repeatable; aliases such as 人社部 work)")
	fs.Var(&areas, "area", "policy area, e.g. 科技、教育 or 科技、教育/知识产权 (repeatable)")
	fs.Var(&directions, "direction", "research direction (repeatable)")
	fs.Var(&docTypes, "doc-type", "document type, e.g. 通知 or 意见 (repeatable)")
	fs.Var(&kinds, "kind", "passage kind: 正文, 延伸阅读, 导读 or 研究方向 (repeatable)")
	fs.Var(&issues, "issue", "running number of an issue, 总第 N 期 (repeatable)")
	from := fs.String("from", "", "earliest date, YYYY-MM-DD")
	to := fs.String("to", "", "latest date, YYYY-MM-DD")
	sortBy := fs.String("sort", search.SortRelevance, "relevance or date")
	page := fs.Int("page", 1, "page of hits, from 1")
	size := fs.Int("size", search.DefaultSize, fmt.Sprintf("hits per page, at most %d", search.MaxSize))
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	req := search.Request{
		Query: strings.Join(fs.Args(), " "), Bodies: bodies, Areas: areas, Directions: directions,
		DocTypes: docTypes, Kinds: kinds, Sort: *sortBy, Page: *page, Size: *size,
	}
	for _, s := range issues {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 {
			fmt.Fprintf(stderr, "zhengce search: -issue %q is not a running number\n", s)
			return errUsage
		}
		req.Issues = append(req.Issues, n)
	}
	for _, d := range []struct {
		flag, value string
		into        *zhengce.Date
	}{{"from", *from, &req.From}, {"to", *to, &req.To}} {
		if d.value == "" {
			continue
		}
		v, err := zhengce.ParseDate(d.value)
		if err != nil {
			fmt.Fprintf(stderr, "zhengce search: -%s: %v\n", d.flag, err)
			return errUsage
		}
		*d.into = v
	}
	if req.Query == "" && len(bodies)+len(areas)+len(directions)+len(docTypes)+len(kinds)+len(issues) == 0 && *from == "" && *to == "" {
		fmt.Fprintln(stderr, "zhengce search: give a query or at least one filter")
		return errUsage
	}

	idx, err := indexer.Open(*index)
	if err != nil {
		return err
	}
	defer idx.Close()
	aliases, err := idx.Aliases()
	if err != nil {
		return err
	}
	res, err := search.New(idx, aliases).Search(ctx, req)
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		return enc.Encode(res)
	}
	printResult(stdout, res, isTerminal(stdout))
	return nil
}

// printResult writes hits for a person: where each passage is (issue ›
// section › heading path), a snippet around the first match, and its date,
// bodies and ID.
func printResult(w io.Writer, res *search.Result, color bool) {
	if res.Total == 0 {
		fmt.Fprintln(w, "没有找到匹配的段落。")
		return
	}
	first := (res.Page-1)*res.Size + 1
	fmt.Fprintf(w, "共 %d 段，第 %d–%d 段（%.1f ms）\n\n", res.Total, first, first+len(res.Hits)-1, res.TookMS)
	for i, h := range res.Hits {
		fmt.Fprintf(w, "%d. [%s] %s\n", first+i, h.Kind, breadcrumb(h.Passage))
		fmt.Fprintf(w, "   %s\n", snippet(h.Highlight, color))
		meta := []string{h.Date}
		if len(h.Section.Bodies) > 0 {
			meta = append(meta, strings.Join(h.Section.Bodies, " "))
		}
		if h.Section.DocType != "" {
			meta = append(meta, h.Section.DocType)
		}
		meta = append(meta, h.ID)
		fmt.Fprintf(w, "   %s\n\n", strings.Join(meta, " · "))
	}
}

// breadcrumb is where a passage sits: 第 9 期（总第 89 期）2024-11-13 › 三、… › （四）…
func breadcrumb(p zhengce.Passage) string {
	parts := []string{fmt.Sprintf("第 %d 期（总第 %d 期）%s", p.Issue.Number, p.Issue.Running, p.Issue.Date)}
	switch {
	case p.Kind == zhengce.KindGuide:
		parts = append(parts, "本期导读")
	case p.Section.Heading != "" && p.Section.Ordinal > 0:
		parts = append(parts, numeral(p.Section.Ordinal)+"、"+p.Section.Heading)
	}
	parts = append(parts, p.Path...)
	return strings.Join(parts, " › ")
}

var numerals = []string{"", "一", "二", "三", "四", "五", "六", "七", "八", "九", "十"}

func numeral(n int) string {
	if n > 0 && n < len(numerals) {
		return numerals[n]
	}
	return strconv.Itoa(n)
}

var markRE = regexp.MustCompile(`</?mark>`)

// snippet cuts the highlighted passage to a window around its first match
// and renders the marks for a terminal (reverse video) or a pipe («…»).
func snippet(highlight string, color bool) string {
	const before, total = 40, 160
	open, close := "«", "»"
	if color {
		open, close = "\x1b[7m", "\x1b[0m"
	}
	text := highlight
	if i := strings.Index(text, "<mark>"); i >= 0 {
		runesBefore := utf8.RuneCountInString(text[:i])
		if runesBefore > before {
			cut := 0
			for n := 0; n < runesBefore-before; n++ {
				_, size := utf8.DecodeRuneInString(text[cut:])
				cut += size
			}
			text = "…" + text[cut:]
		}
	}
	// Cut at total runes of visible text, never inside a mark.
	var b strings.Builder
	visible, inMark := 0, false
	for i := 0; i < len(text); {
		if loc := markRE.FindStringIndex(text[i:]); loc != nil && loc[0] == 0 {
			tag := text[i : i+loc[1]]
			inMark = tag == "<mark>"
			if inMark {
				b.WriteString(open)
			} else {
				b.WriteString(close)
			}
			i += loc[1]
			continue
		}
		if visible >= total && !inMark {
			b.WriteString("…")
			break
		}
		r, size := utf8.DecodeRuneInString(text[i:])
		b.WriteRune(r)
		visible++
		i += size
	}
	return html.UnescapeString(b.String())
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

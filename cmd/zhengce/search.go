package main

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"os"
	"strconv"
	"strings"

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
	topic := fs.String("topic", "", "research direction: the passages linked to it first, then the best matches for its subject")
	sortBy := fs.String("sort", search.SortRelevance, "relevance or date")
	page := fs.Int("page", 1, "page of hits, from 1")
	size := fs.Int("size", search.DefaultSize, fmt.Sprintf("hits per page, at most %d", search.MaxSize))
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	req := search.Request{
		Query: strings.Join(fs.Args(), " "), Bodies: bodies, Areas: areas, Directions: directions,
		DocTypes: docTypes, Kinds: kinds, Topic: strings.TrimSpace(*topic), Sort: *sortBy, Page: *page, Size: *size,
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
	if strings.TrimSpace(req.Query) == "" && len(bodies)+len(areas)+len(directions)+len(docTypes)+len(kinds)+len(issues) == 0 && *from == "" && *to == "" && req.Topic == "" {
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
	searcher := search.New(idx, aliases)
	if req.Topic != "" {
		if _, err := searcher.Topic(ctx, req.Topic); err != nil {
			return err
		}
	}
	res, err := searcher.Search(ctx, req)
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
		fmt.Fprintf(w, "%d. [%s] %s\n", first+i, h.Kind, strings.Join(search.Breadcrumb(h.Passage), " › "))
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

// snippet cuts the highlighted passage to a window around its first match
// and renders the marks for a terminal (reverse video) or a pipe («…»). It
// works on the unescaped text, so a cut never falls inside an HTML entity.
func snippet(highlight string, color bool) string {
	const before, total = 40, 160
	open, close := "«", "»"
	if color {
		open, close = "\x1b[7m", "\x1b[0m"
	}
	// Split into runs of plain and marked text.
	type run struct {
		text   []rune
		marked bool
	}
	var runs []run
	rest := highlight
	for rest != "" {
		i := strings.Index(rest, "<mark>")
		if i < 0 {
			runs = append(runs, run{[]rune(html.UnescapeString(rest)), false})
			break
		}
		runs = append(runs, run{[]rune(html.UnescapeString(rest[:i])), false})
		rest = rest[i+len("<mark>"):]
		j := strings.Index(rest, "</mark>")
		if j < 0 {
			j = len(rest)
		}
		runs = append(runs, run{[]rune(html.UnescapeString(rest[:j])), true})
		rest = strings.TrimPrefix(rest[j:], "</mark>")
	}
	// Skip to a little before the first match.
	skip := 0
	for _, r := range runs {
		if r.marked {
			break
		}
		skip += len(r.text)
	}
	skip = max(0, skip-before)
	var b strings.Builder
	if skip > 0 {
		b.WriteString("…")
	}
	shown := 0
	for _, r := range runs {
		text := r.text
		if skip >= len(text) {
			skip -= len(text)
			continue
		}
		text, skip = text[skip:], 0
		if !r.marked && shown+len(text) > total {
			b.WriteString(string(text[:max(0, total-shown)]))
			b.WriteString("…")
			return b.String()
		}
		if r.marked {
			b.WriteString(open)
		}
		b.WriteString(string(text))
		if r.marked {
			b.WriteString(close)
		}
		shown += len(text)
	}
	return b.String()
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

package main

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"time"

	"zhengce/indexer"
	"zhengce/search/eval"
)

// runEval measures search quality on the graded queries: this engine and the
// two baselines, built in the same run on the same passages.
func runEval(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("eval", stderr)
	queries := fs.String("queries", "testdata/graded.tsv", "graded queries (see the file's header)")
	var corpora multiFlag
	fs.Var(&corpora, "corpus", "folder of issue files (*.txt, *.docx), repeatable (default corpus and testdata/issues)")
	data := fs.String("data", "corpus/data", "folder of the data files: dict.txt, aliases.toml, areas.toml")
	verbose := fs.Bool("v", false, "list every query that falls short, with its first page")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "zhengce eval: unexpected argument %q\n", fs.Arg(0))
		return errUsage
	}
	if len(corpora) == 0 {
		corpora = multiFlag{"corpus", filepath.Join("testdata", "issues")}
	}
	qs, err := eval.ReadQueries(*queries)
	if err != nil {
		return err
	}
	var files []string
	for _, dir := range corpora {
		fs, err := indexer.IssueFiles(dir)
		if err != nil {
			return err
		}
		files = append(files, fs...)
	}
	start := time.Now()
	bench, err := eval.Build(ctx, files, *data)
	if err != nil {
		return err
	}
	defer bench.Close()
	ids := map[string]bool{}
	for _, p := range bench.Passages {
		ids[p.ID] = true
	}
	for _, q := range qs {
		for id := range q.Grades {
			if !ids[id] {
				return fmt.Errorf("%s:%d: no passage %s in the corpus", *queries, q.Line, id)
			}
		}
	}
	var sums []*eval.Summary
	for _, e := range bench.Engines() {
		s, err := eval.Evaluate(ctx, e, qs, bench.Passages)
		if err != nil {
			return err
		}
		sums = append(sums, s)
	}
	fmt.Fprintf(stdout, "%d graded queries (%s), %d passages from %d issue files, %.1f s\n\n",
		len(qs), *queries, len(bench.Passages), len(files), time.Since(start).Seconds())
	eval.Table(stdout, sums, len(qs))
	if *verbose {
		for _, s := range sums {
			eval.Details(stdout, s)
		}
	}
	return nil
}

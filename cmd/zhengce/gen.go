package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"zhengce"
	"zhengce/indexer/gen"
)

// runGen writes synthetic issues recombined from real ones, for testing and
// benchmarks at scale.
func runGen(args []string, stdout, stderr io.Writer) error {
	fset := newFlagSet("gen", stderr)
	issues := fset.Int("issues", 0, "how many issues to write (required)")
	seed := fset.Uint64("seed", 1, "random seed: the same flags and sources give the same files, byte for byte")
	out := fset.String("out", "", "folder to write issue-NNNNN.txt into (required; created if need be)")
	var from multiFlag
	fset.Var(&from, "from", "folder of real issues (*.txt, *.docx) to recombine, repeatable (default corpus and, if present, testdata/issues)")
	data := fset.String("data", "corpus/data", "folder of aliases.toml, whose issuing bodies the issues cite")
	first := fset.Int("first-running", gen.DefaultFirstRunning, "running number (总第 N 期) of the first issue")
	start := fset.String("start", gen.DefaultStart.String(), "date of the first issue, YYYY-MM-DD")
	every := fset.Float64("every", gen.DefaultEvery, "days between issues")
	end := fset.String("end", gen.DefaultEnd.String(), "no issue is dated after this, YYYY-MM-DD: issues that would be are spread evenly up to it instead")
	vary := fset.Bool("vary-encoding", false, "write some issues as GB18030, or with a BOM and CRLF, or CRLF, as the institute's files come")
	force := fset.Bool("force", false, "replace issue files in -out that differ from the ones generated")
	fset.Usage = func() {
		fmt.Fprintf(stderr, "Usage: zhengce gen -issues N [-seed S] -out DIR [-from DIR]… [-data DIR] [-first-running N]\n"+
			"                   [-start YYYY-MM-DD] [-every DAYS] [-end YYYY-MM-DD] [-vary-encoding] [-force]\n\n"+
			"Writes N issues in the bulletin's format, recombined from the real issues' headings, bodies,\n"+
			"titles, sentences, further readings, summaries and research directions (about 100 passages\n"+
			"each). A file already in -out is left alone when it is the same, and refused when it differs.\n\n")
		fset.PrintDefaults()
	}
	if err := parseFlags(fset, args); err != nil {
		return err
	}
	usage := func(format string, args ...any) error {
		fmt.Fprintf(stderr, "zhengce gen: "+format+"\n", args...)
		return errUsage
	}
	if fset.NArg() > 0 {
		return usage("unexpected argument %q", fset.Arg(0))
	}
	switch {
	case *issues < 1:
		return usage("-issues: give the number of issues to write, at least 1")
	case *out == "":
		return usage("-out: name the folder to write the issues into")
	case *first < 1:
		return usage("-first-running: %d is not a running number (总第 N 期: N from 1)", *first)
	case *every <= 0 || *every > 366:
		return usage("-every: %g days between issues: give a number above 0, at most 366", *every)
	}
	opt := gen.Options{Issues: *issues, Seed: *seed, FirstRunning: *first, Every: *every, VaryEncoding: *vary}
	for _, d := range []struct {
		flag, value string
		to          *zhengce.Date
	}{{"start", *start, &opt.Start}, {"end", *end, &opt.End}} {
		v, err := zhengce.ParseDate(d.value)
		if err != nil {
			return usage("-%s: %v", d.flag, err)
		}
		*d.to = v
	}
	if len(from) == 0 {
		from = multiFlag{"corpus"}
		if fi, err := os.Stat(filepath.Join("testdata", "issues")); err == nil && fi.IsDir() {
			from = append(from, filepath.Join("testdata", "issues"))
		}
	}

	began := time.Now()
	m, err := gen.LoadMaterial(from, filepath.Join(*data, "aliases.toml"))
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("%w (-data names the folder of aliases.toml)", err)
		}
		return err
	}
	g, err := gen.New(m, opt)
	if err != nil {
		// Every flag was checked above but for its range.
		return usage("%v", err)
	}
	progress := func(done, total int) {
		if total >= 1000 && done%(total/10) == 0 && done < total {
			fmt.Fprintf(stderr, "zhengce gen: %d/%d issues\n", done, total)
		}
	}
	sum, err := g.Write(*out, *force, progress)
	if err != nil {
		return err
	}
	secs := time.Since(began).Seconds()
	fmt.Fprintf(stdout, "wrote %d issues (≈%d passages) to %s in %.1f s\n", sum.Issues, sum.Passages, *out, secs)
	detail := []string{
		fmt.Sprintf("总第 %d–%d 期", sum.First.Running, sum.Last.Running),
		fmt.Sprintf("%s to %s", sum.First.Date, sum.Last.Date),
		fmt.Sprintf("%d sections, %d research directions, %.1f MB", sum.Sections, sum.Directions, float64(sum.Bytes)/1e6),
	}
	if same := sum.Issues - sum.Written; same > 0 {
		detail = append(detail, fmt.Sprintf("%d already there unchanged", same))
	}
	fmt.Fprintln(stdout, strings.Join(detail, "; "))
	return nil
}

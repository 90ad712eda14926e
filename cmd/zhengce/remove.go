package main

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"zhengce/indexer"
)

// runRemove takes issues out of the index and the corpus.
func runRemove(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("remove", stderr)
	corpus := fs.String("corpus", "corpus", "corpus folder the issues' files are removed from")
	index := fs.String("index", "data/index", "index to remove the issues from")
	dryRun := fs.Bool("dry-run", false, "show what would change, and change nothing")
	nice := niceFlag(fs)
	if err := parseWriterFlags(fs, args, nice, stderr); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		fmt.Fprintln(stderr, "zhengce remove: name the running numbers (总第 N 期) of the issues to remove")
		return errUsage
	}
	var running []int
	for _, a := range fs.Args() {
		n, err := strconv.Atoi(strings.TrimSpace(a))
		if err != nil || n <= 0 {
			fmt.Fprintf(stderr, "zhengce remove: %q is not a running number (总第 N 期: give N)\n", a)
			return errUsage
		}
		running = append(running, n)
	}
	st, err := indexer.Remove(*corpus, *index, running, *dryRun)
	if err != nil {
		return err
	}
	printUpdate(stdout, stderr, "remove", st, *dryRun)
	if *dryRun {
		return nil
	}
	passages := 0
	for _, c := range st.Changes {
		passages += c.Old
	}
	fmt.Fprintf(stdout, "removed %d issues, %d passages in %.2f s from %s; it holds %d issues, %d passages\n",
		len(st.Changes), passages, st.Duration.Seconds(), *index, st.Issues, st.Passages)
	return nil
}

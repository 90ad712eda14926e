package main

import (
	"fmt"
	"io"
	"path/filepath"

	"zhengce/indexer"
)

// runAdd copies new issues into the corpus and indexes just them.
func runAdd(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("add", stderr)
	corpus := fs.String("corpus", "corpus", "corpus folder the files are copied into")
	data := fs.String("data", "", "folder of the data files: dict.txt, aliases.toml, areas.toml (default CORPUS/data)")
	index := fs.String("index", "data/index", "index to add the issues to")
	dryRun := fs.Bool("dry-run", false, "show what would change, and change nothing")
	nice := niceFlag(fs)
	if err := parseWriterFlags(fs, args, nice, stderr); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		fmt.Fprintln(stderr, "zhengce add: name the issue files to add")
		return errUsage
	}
	if *data == "" {
		*data = filepath.Join(*corpus, "data")
	}
	st, err := indexer.Add(*corpus, *data, *index, fs.Args(), *dryRun)
	if err != nil {
		return err
	}
	printUpdate(stdout, stderr, "add", st, *dryRun)
	if *dryRun {
		return nil
	}
	added, replaced, passages := 0, 0, 0
	for _, c := range st.Changes {
		if c.Old == 0 {
			added++
		} else {
			replaced++
		}
		passages += c.New
	}
	fmt.Fprintf(stdout, "added %d issues (%d new, %d replaced), %d passages in %.2f s into %s; it holds %d issues, %d passages\n",
		added+replaced, added, replaced, passages, st.Duration.Seconds(), *index, st.Issues, st.Passages)
	return nil
}

// printUpdate lists an add's or a remove's changes, one a line, and its
// warnings on stderr.
func printUpdate(stdout, stderr io.Writer, cmd string, st indexer.UpdateStats, dryRun bool) {
	for _, c := range st.Changes {
		if dryRun {
			fmt.Fprintf(stdout, "would %s\n", c)
		} else {
			fmt.Fprintln(stdout, c)
		}
	}
	for _, w := range st.Warnings {
		fmt.Fprintf(stderr, "zhengce %s: warning: %s\n", cmd, w)
	}
}

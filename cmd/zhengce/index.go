package main

import (
	"fmt"
	"io"
	"path/filepath"

	"zhengce/indexer"
)

func runIndex(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("index", stderr)
	corpus := fs.String("corpus", "corpus", "folder of issue files (*.txt)")
	data := fs.String("data", "", "folder of the data files: dict.txt, aliases.toml, areas.toml (default CORPUS/data)")
	index := fs.String("index", "data/index", "index to (re)build")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "zhengce index: unexpected argument %q\n", fs.Arg(0))
		return errUsage
	}
	if *data == "" {
		*data = filepath.Join(*corpus, "data")
	}
	st, err := indexer.Build(*corpus, *data, *index)
	if err != nil {
		return err
	}
	secs := st.Duration.Seconds()
	fmt.Fprintf(stdout, "indexed %d issues, %d passages in %.2f s (%.0f passages/s) into %s\n",
		st.Issues, st.Passages, secs, float64(st.Passages)/secs, *index)
	return nil
}

package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"zhengce/indexer"
)

func runIndex(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("index", stderr)
	corpus := fs.String("corpus", "corpus", "folder of issue files (*.txt, *.docx)")
	data := fs.String("data", "", "folder of the data files: dict.txt, aliases.toml, areas.toml (default CORPUS/data)")
	index := fs.String("index", "data/index", "index to (re)build")
	nice := niceFlag(fs)
	if err := parseWriterFlags(fs, args, nice, stderr); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "zhengce index: unexpected argument %q\n", fs.Arg(0))
		return errUsage
	}
	if *data == "" {
		*data = filepath.Join(*corpus, "data")
	}
	progress := newProgress("index", stderr)
	st, err := indexer.Build(*corpus, *data, *index, indexer.Options{Progress: progress.report})
	progress.finish()
	if err != nil {
		return err
	}
	secs := st.Duration.Seconds()
	fmt.Fprintf(stdout, "indexed %d issues, %d passages in %.2f s (%.0f passages/s) into %s\n",
		st.Issues, st.Passages, secs, float64(st.Passages)/secs, *index)
	return nil
}

// progress shows how a build goes: a progress bar when w is a terminal,
// else a plain line now and then (`zhengce index: read 12/100 files`,
// `zhengce index: indexed 5000/20000 passages`): at every tenth of a stage,
// and once a second in between when it is slow.
type progress struct {
	cmd   string
	w     io.Writer
	tty   bool
	bar   *progressbar.ProgressBar
	stage indexer.Stage
	step  int // tenths of the stage logged
	last  time.Time
}

func newProgress(cmd string, w io.Writer) *progress {
	p := &progress{cmd: cmd, w: w}
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		p.tty = true
	}
	return p
}

var stageWords = map[indexer.Stage][2]string{
	indexer.StageRead:  {"read", "files"},
	indexer.StageWrite: {"indexed", "passages"},
}

func (p *progress) report(r indexer.Progress) {
	words := stageWords[r.Stage]
	if r.Stage != p.stage {
		p.finish()
		p.stage, p.step = r.Stage, -1
		if p.tty {
			p.bar = progressbar.NewOptions(r.Total,
				progressbar.OptionSetWriter(p.w),
				progressbar.OptionSetDescription(fmt.Sprintf("%-7s", words[0])),
				progressbar.OptionSetItsString(words[1]),
				progressbar.OptionShowCount(),
				progressbar.OptionShowIts(),
				progressbar.OptionSetWidth(30),
				progressbar.OptionThrottle(100*time.Millisecond),
				progressbar.OptionSetPredictTime(true),
				progressbar.OptionUseANSICodes(true),
				progressbar.OptionClearOnFinish(),
			)
		}
	}
	if p.bar != nil {
		if r.Done > 0 {
			p.bar.Set(r.Done)
		}
		return
	}
	if r.Done == 0 && r.Total > 0 {
		return
	}
	step, now := r.Done*10/max(r.Total, 1), time.Now()
	if step == p.step && r.Done < r.Total && now.Sub(p.last) < time.Second {
		return
	}
	p.step, p.last = step, now
	fmt.Fprintf(p.w, "zhengce %s: %s %d/%d %s\n", p.cmd, words[0], r.Done, r.Total, words[1])
}

// finish ends the stage's progress bar, if any.
func (p *progress) finish() {
	if p.bar != nil {
		p.bar.Finish()
		p.bar = nil
	}
}

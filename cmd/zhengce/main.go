// Command zhengce indexes issues of 《高等职业教育动态》 and searches them.
//
// This file only wires things together: flags become plain values handed to
// the indexer and search packages.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
)

const usage = `zhengce: full-text search over 《高等职业教育动态》

Usage:
  zhengce check  [-data DIR] FILE…
  zhengce index  [-corpus DIR] [-data DIR] [-index DIR]
  zhengce add    [-corpus DIR] [-data DIR] [-index DIR] [-dry-run] FILE…
  zhengce remove [-corpus DIR] [-index DIR] [-dry-run] RUNNING…
  zhengce search [-index DIR] [-json] [-body B]… [-area A]… [-direction D]…
                 [-doc-type T]… [-kind K]… [-issue N]… [-from YYYY-MM-DD] [-to YYYY-MM-DD]
                 [-topic DIRECTION] [-sort relevance|date] [-page N] [-size N] QUERY
  zhengce serve  [-addr HOST:PORT] [-index DIR] [-corpus DIR] [-data DIR] [-base-url URL] [-watch D]
                 [-max-searches N] [-log-format text|json]
  zhengce eval   [-queries FILE] [-corpus DIR]… [-data DIR] [-v]
  zhengce gen    -issues N [-seed S] -out DIR [-from DIR]… [-data DIR] [-first-running N]
                 [-start YYYY-MM-DD] [-every DAYS] [-end YYYY-MM-DD] [-vary-encoding] [-force]

Run "zhengce COMMAND -h" for a command's flags.
`

// errUsage marks a command-line mistake: exit status 2.
var errUsage = errors.New("usage")

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
}

// run executes one command and returns the exit status: 0 ok, 1 error,
// 2 usage.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	var err error
	switch args[0] {
	case "index":
		err = runIndex(args[1:], stdout, stderr)
	case "add":
		err = runAdd(args[1:], stdout, stderr)
	case "remove":
		err = runRemove(args[1:], stdout, stderr)
	case "search":
		err = runSearch(ctx, args[1:], stdout, stderr)
	case "serve":
		err = runServe(ctx, args[1:], stdout, stderr)
	case "eval":
		err = runEval(ctx, args[1:], stdout, stderr)
	case "check":
		err = runCheck(args[1:], stdout, stderr)
	case "gen":
		err = runGen(args[1:], stdout, stderr)
	case "-h", "-help", "--help", "help":
		fmt.Fprint(stdout, usage)
		return 0
	default:
		fmt.Fprintf(stderr, "zhengce: unknown command %q\n\n%s", args[0], usage)
		return 2
	}
	switch {
	case err == nil:
		return 0
	case errors.Is(err, errUsage):
		return 2
	case errors.Is(err, flag.ErrHelp):
		return 0
	default:
		fmt.Fprintf(stderr, "zhengce %s: %v\n", args[0], err)
		return 1
	}
}

// newFlagSet returns a flag set that reports errors to stderr and lets run
// map them to exit status 2.
func newFlagSet(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("zhengce "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}

// parseFlags parses args, turning a flag mistake into errUsage.
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return errUsage
	}
	return nil
}

// defaultNice is the nice value of the commands that write the index.
const defaultNice = 10

// niceFlag defines -nice, the CPU priority of a command that writes the
// index: by default below a server's, which on the same machine then
// answers first while the index is rebuilt.
func niceFlag(fs *flag.FlagSet) *int {
	return fs.Int("nice", defaultNice, "CPU priority as nice(1), 0–19: a server on this machine answers first (0: unchanged)")
}

// parseWriterFlags parses the flags of a command that writes the index,
// then lowers the process's priority to -nice.
func parseWriterFlags(fs *flag.FlagSet, args []string, nice *int, stderr io.Writer) error {
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *nice < 0 || *nice > 19 {
		fmt.Fprintf(stderr, "%s: -nice %d: want 0 to 19\n", fs.Name(), *nice)
		return errUsage
	}
	return lowerPriority(*nice)
}

// multiFlag collects a repeatable flag.
type multiFlag []string

func (m *multiFlag) String() string     { return fmt.Sprint(*m) }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"zhengce/indexer"
	"zhengce/search"
	"zhengce/web"
)

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("serve", stderr)
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on, host:port (port 0 picks a free port)")
	index := fs.String("index", "data/index", "index to serve; built from -corpus first if there is none")
	corpus := fs.String("corpus", "corpus", "folder of issue files (*.txt), to build a missing index from")
	data := fs.String("data", "", "folder of the data files: dict.txt, aliases.toml, areas.toml (default CORPUS/data)")
	baseURL := fs.String("base-url", "", "the site's public URL (https://host), for the feeds' links and entry IDs (default: each request's host)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "zhengce serve: unexpected argument %q\n", fs.Arg(0))
		return errUsage
	}
	if *baseURL != "" {
		u, err := url.Parse(*baseURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || (u.Path != "" && u.Path != "/") {
			fmt.Fprintf(stderr, "zhengce serve: -base-url %q is not an http(s)://host URL\n", *baseURL)
			return errUsage
		}
	}
	if *data == "" {
		*data = filepath.Join(*corpus, "data")
	}

	if _, err := os.Stat(*index); errors.Is(err, os.ErrNotExist) {
		fmt.Fprintf(stderr, "zhengce serve: no index at %s: building it from %s first\n", *index, *corpus)
		st, err := indexer.Build(*corpus, *data, *index)
		if err != nil {
			return err
		}
		fmt.Fprintf(stderr, "zhengce serve: indexed %d issues, %d passages in %.2f s\n", st.Issues, st.Passages, st.Duration.Seconds())
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

	log := slog.New(slog.NewTextHandler(stderr, nil))
	srv := web.New(web.Config{BaseURL: *baseURL, Logger: log}, search.New(idx, aliases))
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "zhengce serve: listening on http://%s/\n", ln.Addr())

	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := web.Serve(ctx, ln, srv.Handler(), log); err != nil {
		return err
	}
	fmt.Fprintln(stderr, "zhengce serve: stopped")
	return nil
}

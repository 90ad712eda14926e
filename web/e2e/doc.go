// Package e2e holds end-to-end tests of the web interface: a real headless
// Chromium driven through the pages the built binary serves
// (browser_test.go), a benchmark of the search API's latency with facets
// on the shipped corpus and on one many times larger (latency_test.go), and
// benchmarks of the built `zhengce serve` under an open-loop load, alone and
// during a bulk re-index, and of its memory on a million passages
// (load_test.go).
//
//	go test -short ./web/e2e/                 # skips the browser test
//	go test -count=1 -v -run Browser ./web/e2e/
//	go test -run '^$' -bench APISearch -benchtime 2000x ./web/e2e/
//	go test -run '^$' -bench Load -benchtime 1x -timeout 0 -v ./web/e2e/ -load-passages 10000
//	go test -run '^$' -bench ServeMemory -benchtime 1x -timeout 0 -v ./web/e2e/
//
// The browser test needs Chromium (Debian package chromium) on the PATH or
// at /usr/bin/chromium; without -short it fails when Chromium is missing.
package e2e

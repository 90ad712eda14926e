package main

import (
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// threadNices reads the nice value of every thread of this process
// (field 19 of /proc/self/task/TID/stat).
func threadNices(t *testing.T) map[string]int {
	t.Helper()
	stats, err := filepath.Glob("/proc/self/task/*/stat")
	if err != nil {
		t.Fatal(err)
	}
	nices := map[string]int{}
	for _, path := range stats {
		b, err := os.ReadFile(path)
		if err != nil {
			continue // the thread ended
		}
		// The command name, in parentheses, may hold spaces: count the
		// fields after its closing parenthesis (the third field is first).
		fields := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+1:]))
		nice, err := strconv.Atoi(fields[16])
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		nices[filepath.Base(filepath.Dir(path))] = nice
	}
	return nices
}

// TestLowerPriority: after lowerPriority, every thread of the process,
// those it had and those the runtime starts afterwards, runs at that nice
// value. (It leaves this test binary at nice 5.)
func TestLowerPriority(t *testing.T) {
	if err := lowerPriority(5); err != nil {
		t.Fatal(err)
	}
	// New threads: goroutines locked to their threads while others run.
	var wg sync.WaitGroup
	release := make(chan struct{})
	started := make(chan struct{})
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			started <- struct{}{}
			<-release
		}()
	}
	for range 4 {
		<-started
	}
	nices := threadNices(t)
	close(release)
	wg.Wait()
	if len(nices) < 5 {
		t.Fatalf("saw %d threads, want at least the 4 locked ones and the test's", len(nices))
	}
	for tid, nice := range nices {
		if nice < 5 {
			t.Errorf("thread %s runs at nice %d, want 5 or more", tid, nice)
		}
	}
	// A lower value does not raise the priority back.
	if err := lowerPriority(2); err != nil {
		t.Fatal(err)
	}
	for tid, nice := range threadNices(t) {
		if nice < 5 {
			t.Errorf("after lowerPriority(2), thread %s runs at nice %d, want it left at 5", tid, nice)
		}
	}
}

// TestNiceFlag: -nice outside 0–19 is a usage error naming the flag, for
// every command that writes the index.
func TestNiceFlag(t *testing.T) {
	for _, cmd := range []string{"index", "add", "remove"} {
		for _, bad := range []string{"-1", "20", "high"} {
			code, _, stderr := cli(t, cmd, "-nice", bad, "92")
			if code != 2 || !strings.Contains(stderr, "-nice") {
				t.Errorf("zhengce %s -nice %s: exit %d, stderr %q; want 2 and a message about -nice", cmd, bad, code, stderr)
			}
		}
	}
}

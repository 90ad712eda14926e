package indexer

import (
	"os"
	"path/filepath"
	"testing"

	"zhengce"
)

func TestLiveGeneration(t *testing.T) {
	tmp := t.TempDir()
	for _, d := range []string{"index.g000007", "index.g000008", "plain"} {
		if err := os.Mkdir(filepath.Join(tmp, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	index := filepath.Join(tmp, "index")
	if err := os.Symlink("index.g000007", index); err != nil {
		t.Fatal(err)
	}
	if gen, err := LiveGeneration(index); err != nil || gen != "index.g000007" {
		t.Errorf("LiveGeneration = %q, %v; want index.g000007", gen, err)
	}
	// A writer renames a new symlink over the index path.
	tmpLink := index + ".link-tmp"
	if err := os.Symlink(filepath.Join(tmp, "index.g000008"), tmpLink); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmpLink, index); err != nil {
		t.Fatal(err)
	}
	if gen, err := LiveGeneration(index + "/"); err != nil || gen != "index.g000008" {
		t.Errorf("after the swap (absolute target, path with a slash): %q, %v", gen, err)
	}
	// An index from before generations is its own generation.
	if gen, err := LiveGeneration(filepath.Join(tmp, "plain")); err != nil || gen != "plain" {
		t.Errorf("plain directory: %q, %v", gen, err)
	}
	if _, err := LiveGeneration(filepath.Join(tmp, "none")); zhengce.ErrorCode(err) != zhengce.ENOTFOUND {
		t.Errorf("missing index: %v, want ENOTFOUND", err)
	}
}

func TestOpenRecordsTheGenerationItOpened(t *testing.T) {
	tmp := t.TempDir()
	index := filepath.Join(tmp, "index")
	st, err := BuildFiles([]string{seedFile}, dataDir, index)
	if err != nil {
		t.Fatal(err)
	}
	idx, err := Open(index)
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	live, err := LiveGeneration(index)
	if err != nil || idx.Generation != live || idx.Generation != filepath.Base(st.Dir) {
		t.Fatalf("opened %q, live %q (%v), built %s", idx.Generation, live, err, st.Dir)
	}

	// A new build moves the live generation on; the open index keeps
	// answering from the one it opened.
	st2, err := BuildFiles([]string{seedFile}, dataDir, index)
	if err != nil {
		t.Fatal(err)
	}
	if live2, _ := LiveGeneration(index); live2 == live || live2 != filepath.Base(st2.Dir) {
		t.Errorf("live generation after a rebuild: %q (was %q, built %s)", live2, live, st2.Dir)
	}
	if n, err := idx.DocCount(); err != nil || n == 0 || idx.Generation != live {
		t.Errorf("the open index after a rebuild: %d docs, %v, generation %q", n, err, idx.Generation)
	}
	idx2, err := Open(index)
	if err != nil {
		t.Fatal(err)
	}
	defer idx2.Close()
	if idx2.Generation != filepath.Base(st2.Dir) {
		t.Errorf("reopened %q, want %s", idx2.Generation, st2.Dir)
	}

	// A symlink to a directory that is no index fails to open, and says so.
	empty := filepath.Join(tmp, "index.g000099")
	if err := os.Mkdir(empty, 0o755); err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(tmp, "bad")
	if err := os.Symlink("index.g000099", bad); err != nil {
		t.Fatal(err)
	}
	if idx, err := Open(bad); err == nil {
		idx.Close()
		t.Errorf("Open of a symlink to an empty directory succeeded")
	}
	if err := os.Symlink("index.g000100", filepath.Join(tmp, "dangling")); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(filepath.Join(tmp, "dangling")); zhengce.ErrorCode(err) != zhengce.ENOTFOUND {
		t.Errorf("Open of a dangling symlink: %v, want ENOTFOUND", err)
	}
}

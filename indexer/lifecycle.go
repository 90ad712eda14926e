package indexer

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// The life of an index's generations.
//
// The index path (data/index) is a symlink to the live generation, a
// directory beside it (data/index.g000007). A writer — zhengce index, add
// or remove, one at a time under the lock data/index.lock — never changes
// the live generation: it writes a new one (a whole new index for index; for
// add and remove a copy of the live one, see cloneGeneration, then changed),
// closes it, and renames a new symlink over the index path. Readers open the
// generation the symlink names when they open, so they see the index before
// or after a change, never half of one.
//
// Two generations are kept: the live one and the one it replaced, which a
// server may still be answering from until it notices the swap and reopens.
// Each writer, when it starts, removes the others: generations older than
// those two, and generations newer than the live one, which a writer that
// failed or was killed left half-built. After its swap it removes the
// generation before the one it replaced.

// Generation directories sit beside the index path: data/index is a symlink
// to data/index.g000007.
const genSep = ".g"

// genNumber returns 7 for the generation name "index.g000007" of the index
// named base ("index"), or -1 when name is not one of its generations.
func genNumber(base, name string) int {
	rest, ok := strings.CutPrefix(name, base+genSep)
	if !ok || rest == "" {
		return -1
	}
	n, err := strconv.Atoi(rest)
	if err != nil || n < 0 {
		return -1
	}
	return n
}

// splitIndexPath returns the folder holding the index path and its name.
func splitIndexPath(indexDir string) (parent, base string) {
	parent, base = filepath.Split(filepath.Clean(indexDir))
	if parent == "" {
		parent = "."
	}
	return parent, base
}

// liveNumber returns the number of the generation the index path points to,
// or -1 (no index, or a plain directory from before generations).
func liveNumber(indexDir string) int {
	_, base := splitIndexPath(indexDir)
	target, err := os.Readlink(filepath.Clean(indexDir))
	if err != nil {
		return -1
	}
	return genNumber(base, filepath.Base(target))
}

// newGeneration removes the generations no one needs (see above: all but
// the live one and the one before it) and returns a fresh generation's
// path, numbered after every generation there is. The caller holds the lock.
func newGeneration(indexDir string) (string, error) {
	parent, base := splitIndexPath(indexDir)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return "", fmt.Errorf("creating %s: %w", parent, err)
	}
	live := liveNumber(indexDir)
	gens, err := generations(parent, base)
	if err != nil {
		return "", err
	}
	prev, next := -1, 1
	for _, n := range gens {
		if n < live && n > prev {
			prev = n
		}
		if n >= next {
			next = n + 1
		}
	}
	removeGenerations(parent, base, gens, live, prev)
	return filepath.Join(parent, genName(base, next)), nil
}

func genName(base string, n int) string { return fmt.Sprintf("%s%s%06d", base, genSep, n) }

// generations lists the numbers of the generation directories of the index
// named base in parent.
func generations(parent, base string) ([]int, error) {
	entries, err := os.ReadDir(parent)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", parent, err)
	}
	var out []int
	for _, e := range entries {
		if n := genNumber(base, e.Name()); n >= 0 {
			out = append(out, n)
		}
	}
	return out, nil
}

// removeGenerations removes the generations in gens other than keep. A
// generation that cannot be removed is left for the next writer.
func removeGenerations(parent, base string, gens []int, keep ...int) {
	for _, n := range gens {
		kept := false
		for _, k := range keep {
			kept = kept || n == k
		}
		if !kept {
			os.RemoveAll(filepath.Join(parent, genName(base, n)))
		}
	}
}

// swap points indexDir at gen atomically (a symlink renamed over the old
// one), keeps the generation it replaced and removes any other.
func swap(indexDir, gen string) error {
	indexDir = filepath.Clean(indexDir)
	parent, base := splitIndexPath(indexDir)
	old := liveNumber(indexDir)
	if fi, err := os.Lstat(indexDir); err == nil && fi.Mode()&os.ModeSymlink == 0 {
		// An index from before generations: a plain directory. It cannot be
		// replaced atomically, so move it aside first.
		if err := os.RemoveAll(indexDir); err != nil {
			return fmt.Errorf("removing old index %s: %w", indexDir, err)
		}
	}
	tmp := indexDir + ".link-tmp"
	os.Remove(tmp)
	if err := os.Symlink(filepath.Base(gen), tmp); err != nil {
		return fmt.Errorf("linking new index: %w", err)
	}
	if err := os.Rename(tmp, indexDir); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("switching to new index: %w", err)
	}
	if gens, err := generations(parent, base); err == nil {
		removeGenerations(parent, base, gens, genNumber(base, filepath.Base(gen)), old)
	}
	return nil
}

// cloneGeneration makes dst a copy of the index directory src that a writer
// may open and change without touching src: scorch's segment files (*.zap)
// are immutable once written — new data and merges go to new files, and a
// segment no longer needed is unlinked, never rewritten — so they are
// hard-linked (copied when the file system refuses a link); every other
// file (root.bolt, which scorch updates in place, index_meta.json) is
// copied. Unlinking a hard link in dst leaves src's name and data alone.
func cloneGeneration(src, dst string) error {
	if err := os.Mkdir(dst, 0o700); err != nil {
		return fmt.Errorf("creating %s: %w", dst, err)
	}
	return filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return fmt.Errorf("copying index %s: %w", src, err)
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		if rel == "." {
			return nil
		}
		to := filepath.Join(dst, rel)
		info, err := d.Info()
		if err != nil {
			return fmt.Errorf("copying index: %w", err)
		}
		switch {
		case d.IsDir():
			if err := os.Mkdir(to, info.Mode().Perm()); err != nil {
				return fmt.Errorf("copying index: %w", err)
			}
			return nil
		case !info.Mode().IsRegular():
			return fmt.Errorf("copying index: %s is not a regular file", path)
		case filepath.Ext(path) == ".zap":
			if os.Link(path, to) == nil {
				return nil
			}
		}
		return copyFile(path, to, info.Mode().Perm())
	})
}

// copyFile copies from to a new file to, synced before it is closed.
func copyFile(from, to string, perm fs.FileMode) error {
	out, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
	if err != nil {
		return err
	}
	return fillFile(out, from)
}

// fillFile copies the file from into out, syncs and closes out.
func fillFile(out *os.File, from string) error {
	in, err := os.Open(from)
	if err != nil {
		out.Close()
		return err
	}
	defer in.Close()
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return fmt.Errorf("copying %s: %w", from, err)
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return fmt.Errorf("copying %s: %w", from, err)
	}
	return out.Close()
}

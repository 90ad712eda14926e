package indexer

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"zhengce"
)

// An index path (data/index) is a symlink to its live generation, a
// directory beside it (data/index.g000007); a writer builds a new
// generation and renames a new symlink over the index path. The name of the
// directory the symlink points to is the generation: it changes with every
// change to the index, so comparing it is how a server notices one.

// LiveGeneration returns the generation the index path points to now: the
// name of the symlink's target (index.g000007). It costs one readlink, so
// a server can poll it. An index from before generations, a plain
// directory, is its own generation (index). No index at all is an
// ENOTFOUND error.
func LiveGeneration(indexPath string) (string, error) {
	_, gen, err := resolve(indexPath)
	return gen, err
}

// resolve returns the directory the index path stands for now and its
// generation. It reads the symlink once, so that what is opened is the
// generation that was read, even if a writer swaps the symlink meanwhile.
func resolve(indexPath string) (dir, gen string, err error) {
	indexPath = filepath.Clean(indexPath)
	target, err := os.Readlink(indexPath)
	switch {
	case err == nil:
		if !filepath.IsAbs(target) {
			target = filepath.Join(filepath.Dir(indexPath), target)
		}
		return target, filepath.Base(target), nil
	case errors.Is(err, fs.ErrNotExist):
		return "", "", noIndex(indexPath)
	}
	// Not a symlink (EINVAL): a plain directory, or a file, which Open
	// refuses.
	if fi, lerr := os.Lstat(indexPath); lerr == nil && fi.Mode()&fs.ModeSymlink == 0 {
		return indexPath, filepath.Base(indexPath), nil
	}
	return "", "", fmt.Errorf("reading index path: %w", err)
}

func noIndex(indexPath string) error {
	return zhengce.Errorf(zhengce.ENOTFOUND, "no index at %s: run `zhengce index` first", indexPath)
}

package indexer

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/gofrs/flock"

	"zhengce"
)

// LockFile is the path of the lock that index, add and remove take on the
// index at indexDir: data/index.lock beside the data/index symlink. The file
// stays after use (removing a lock file races with the next writer opening
// it); the lock itself is the kernel's, released when the process ends, kill
// -9 included.
func LockFile(indexDir string) string { return filepath.Clean(indexDir) + ".lock" }

// lockWriter takes the writers' lock of indexDir, or fails at once when
// another process holds it. Readers (search, serve) never take it: they only
// open the live generation, which no writer changes.
func lockWriter(indexDir string) (unlock func(), err error) {
	path := LockFile(indexDir)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("creating %s: %w", filepath.Dir(path), err)
	}
	l := flock.New(path)
	ok, err := l.TryLock()
	if err != nil {
		return nil, fmt.Errorf("locking %s: %w", path, err)
	}
	if !ok {
		l.Close()
		return nil, zhengce.Errorf(zhengce.EINVALID, "another zhengce index/add/remove is running on %s", indexDir)
	}
	return func() { l.Unlock(); l.Close() }, nil
}

package taxonomy

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// dataDir is the real data directory the editor maintains.
const dataDir = "../../corpus/data"

func TestLoad(t *testing.T) {
	tx, err := Load(dataDir)
	if err != nil {
		t.Fatal(err)
	}
	if tx.Aliases == nil || tx.Areas == nil {
		t.Fatal("Load left a part nil")
	}
}

// writeTemp writes a data file for an error test and returns its path.
func writeTemp(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// wantErr checks that err is set and mentions every part of want.
func wantErr(t *testing.T, err error, want ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want one mentioning %q", want)
	}
	for _, w := range want {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q does not mention %q", err, w)
		}
	}
}

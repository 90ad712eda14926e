package parser

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzParse: any bytes give an issue or an error, never a panic; an issue
// always has at least one section. The seeds are the fixtures cut to their
// first few kilobytes: Go's mutator all but stalls on 30 KB inputs.
func FuzzParse(f *testing.F) {
	seeds, _ := filepath.Glob("../../testdata/issues/*.txt")
	seeds = append(seeds, "../../corpus/issue-089.txt")
	bad, _ := filepath.Glob("../../testdata/bad/*")
	for _, path := range append(seeds, bad...) {
		if data, err := os.ReadFile(path); err == nil {
			f.Add(data[:min(len(data), 3000)])
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		iss, err := Parse("fuzz.txt", data)
		if err != nil {
			if iss != nil {
				t.Fatalf("both an issue and an error: %v", err)
			}
			return
		}
		if len(iss.Sections) == 0 {
			t.Fatalf("an issue without sections")
		}
	})
}

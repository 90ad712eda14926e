package segmenter

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestReadDict(t *testing.T) {
	words, err := ReadDict("../../../corpus/data/dict.txt")
	if err != nil {
		t.Fatalf("the shipped dictionary: %v", err)
	}
	if len(words) < 60 {
		t.Errorf("only %d domain words", len(words))
	}

	dir := t.TempDir()
	tests := []struct {
		name, content, wantErr string
		want                   []Word
	}{
		{"comments, blank lines and defaults", "# 说明\n\n托育 1000 n\n产教融合\n", "",
			[]Word{{"托育", 1000, "n"}, {"产教融合", defaultFreq, ""}}},
		{"bad frequency", "托育 many n\n", "bad.txt:1: frequency", nil},
		{"too many fields", "# x\n托育 1000 n extra\n", "bad.txt:2:", nil},
		{"duplicate", "托育 1000 n\n产教融合 10 n\n托育 5 n\n", `bad.txt:3: "托育" is already on line 1`, nil},
		{"not UTF-8", "\xff\xfe 100\n", "bad.txt:1: not UTF-8", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(dir, "bad.txt")
			if err := os.WriteFile(path, []byte(tt.content), 0o644); err != nil {
				t.Fatal(err)
			}
			got, err := ReadDict(path)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Errorf("word %d: got %+v, want %+v", i, got[i], tt.want[i])
				}
			}
		})
	}
}

// Domain words take precedence over gse's embedded dictionary, and a second
// Load of the same words shares the first segmenter.
func TestLoadSharesAndPrefersDomainWords(t *testing.T) {
	words := []Word{{"普惠托育", 1000, "n"}, {"人社部", 500, "j"}}
	seg, err := Load(words)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range seg.Segment([]byte("人社部发展普惠托育")) {
		got = append(got, s.Token().Text())
	}
	if strings.Join(got, "/") != "人社部/发展/普惠托育" {
		t.Errorf("cut %q", got)
	}
	n := Loads()
	again, err := Load(append([]Word(nil), words...))
	if err != nil {
		t.Fatal(err)
	}
	if again != seg || Loads() != n {
		t.Errorf("the same words loaded a second dictionary")
	}
}

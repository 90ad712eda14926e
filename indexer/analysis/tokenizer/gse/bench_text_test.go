package gse

import (
	"os"
	"testing"
)

// benchText is the shipped issue: real bulletin prose, about 30 KB.
func benchText(b *testing.B) []byte {
	text, err := os.ReadFile("../../../../corpus/issue-089.txt")
	if err != nil {
		b.Fatal(err)
	}
	return text
}

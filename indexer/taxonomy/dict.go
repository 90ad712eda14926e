package taxonomy

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// minDictFreq is gse's default Segmenter.MinTokenFreq: words below it are
// dropped without a word.
const minDictFreq = 2

// CheckDict checks that a gse user dictionary is in the form gse's reader
// takes: one `word frequency pos` per line and nothing else. gse reads lines
// with fmt.Fscanln and skips, or worse misreads, anything else without
// failing, so a comment or blank line an editor adds would go unnoticed.
func CheckDict(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("reading dictionary: %w", err)
	}
	defer f.Close()
	seen := map[string]int{}
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSuffix(sc.Text(), "\r")
		if n == 1 && strings.HasPrefix(line, "\uFEFF") {
			return errorf(path, n, "starts with a byte-order mark; save the file as UTF-8 without BOM")
		}
		fields := strings.Fields(line)
		if len(fields) != 3 {
			return errorf(path, n, "want `word frequency pos`, got %q (no blank or comment lines)", line)
		}
		freq, err := strconv.ParseFloat(fields[1], 64)
		if err != nil || freq < minDictFreq {
			return errorf(path, n, "frequency %q of %q is not a number >= %d", fields[1], fields[0], minDictFreq)
		}
		if prev, dup := seen[fields[0]]; dup {
			return errorf(path, n, "%q is already on line %d", fields[0], prev)
		}
		seen[fields[0]] = n
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("reading dictionary %s: %w", path, err)
	}
	if len(seen) == 0 {
		return errorf(path, 0, "no words")
	}
	return nil
}

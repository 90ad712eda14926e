// Package segmenter loads gse's embedded simplified-Chinese dictionary plus the
// project's domain words, once per process, and shares the result.
//
// Loading costs about a second and 200 MB, so every tokenizer, index and test
// in a process asks this package for its segmenter instead of building one. A
// loaded segmenter is never mutated again: gse's Segment only reads it, so it
// is safe for concurrent use.
package segmenter

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	gselib "github.com/go-ego/gse"
)

// Word is one entry of the domain dictionary.
type Word struct {
	Text string
	Freq float64
	Pos  string
}

// String renders the word in gse's dictionary line format.
func (w Word) String() string {
	if w.Pos == "" {
		return fmt.Sprintf("%s %g", w.Text, w.Freq)
	}
	return fmt.Sprintf("%s %g %s", w.Text, w.Freq, w.Pos)
}

// ParseWord reads one dictionary line: `word [frequency [pos]]`. A missing
// frequency gets defaultFreq, high enough that gse prefers a domain word.
func ParseWord(line string) (Word, error) {
	fields := strings.Fields(line)
	if len(fields) == 0 {
		return Word{}, fmt.Errorf("empty entry")
	}
	if len(fields) > 3 {
		return Word{}, fmt.Errorf("entry %q has more than word, frequency and part of speech", line)
	}
	w := Word{Text: fields[0], Freq: defaultFreq}
	if len(fields) > 1 {
		f, err := strconv.ParseFloat(fields[1], 64)
		if err != nil || f <= 0 {
			return Word{}, fmt.Errorf("frequency %q of %q is not a positive number", fields[1], fields[0])
		}
		w.Freq = f
	}
	if len(fields) > 2 {
		w.Pos = fields[2]
	}
	return w, nil
}

const defaultFreq = 10000

// ReadDict reads a domain dictionary file: one `word [frequency [pos]]` a
// line; blank lines and lines starting with # are ignored. A word listed twice
// is an error, since only one frequency can count. Errors name the file and
// line.
func ReadDict(path string) ([]Word, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("domain dictionary: %w", err)
	}
	defer f.Close()
	var words []Word
	seen := map[string]int{}
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if n == 1 {
			line = strings.TrimPrefix(line, "\ufeff")
		}
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if !utf8.ValidString(line) {
			return nil, fmt.Errorf("%s:%d: not UTF-8", path, n)
		}
		w, err := ParseWord(line)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %v", path, n, err)
		}
		if prev, dup := seen[w.Text]; dup {
			return nil, fmt.Errorf("%s:%d: %q is already on line %d", path, n, w.Text, prev)
		}
		seen[w.Text] = n
		words = append(words, w)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return words, nil
}

var (
	mu     sync.Mutex
	loaded = map[string]*gselib.Segmenter{}
	loads  int // how many dictionaries this process has built, for tests
)

// Key identifies a set of domain words; segmenters are shared per key.
func Key(words []Word) string {
	h := sha256.New()
	for _, w := range words {
		fmt.Fprintln(h, w.String())
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// Load returns the shared segmenter for gse's embedded zh_s dictionary plus
// words, building it on first use.
func Load(words []Word) (*gselib.Segmenter, error) {
	key := Key(words)
	mu.Lock()
	defer mu.Unlock()
	if seg, ok := loaded[key]; ok {
		return seg, nil
	}
	seg := &gselib.Segmenter{SkipLog: true, NotLoadHMM: true}
	seg.Dict = gselib.NewDict()
	seg.Init()
	// gse keeps the first entry it sees for a word, so the domain words go in
	// before the embedded dictionary to take precedence over its frequencies.
	for _, w := range words {
		if err := seg.AddToken(w.Text, w.Freq, w.Pos); err != nil {
			return nil, fmt.Errorf("domain word %q: %w", w.Text, err)
		}
	}
	if err := seg.LoadDictEmbed("zh_s"); err != nil {
		return nil, fmt.Errorf("loading gse's embedded dictionary: %w", err)
	}
	loaded[key] = seg
	loads++
	return seg, nil
}

// Loads reports how many distinct dictionaries this process has built.
func Loads() int {
	mu.Lock()
	defer mu.Unlock()
	return loads
}

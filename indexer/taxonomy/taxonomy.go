// Package taxonomy loads the domain vocabulary that an editor, not a
// programmer, maintains in corpus/data:
//
//   - aliases.toml: issuing bodies with their short names (人社部 →
//     人力资源社会保障部) and field abbreviations (中职 → 中等职业学校), used
//     to normalise bodies and to expand queries;
//   - areas.toml: the State Council policy library's subject categories
//     (主题分类) and keyword rules that file a policy section under them.
//
// The third file there, dict.txt, is the segmenter's and is read by package
// segmenter.
//
// Nothing is compiled in and nothing is read at init: callers pass paths, so
// an edited file takes effect on the next load and a broken one is reported
// with its file and line.
package taxonomy

import (
	"errors"
	"fmt"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"unicode"

	"github.com/BurntSushi/toml"
)

// File names inside the data directory.
const (
	AliasesFile = "aliases.toml"
	AreasFile   = "areas.toml"
)

// Taxonomy is everything in the data directory.
type Taxonomy struct {
	Aliases *Aliases
	Areas   *Areas
}

// Load reads aliases.toml and areas.toml from dir (normally corpus/data).
func Load(dir string) (*Taxonomy, error) {
	al, err := LoadAliases(filepath.Join(dir, AliasesFile))
	if err != nil {
		return nil, err
	}
	ar, err := LoadAreas(filepath.Join(dir, AreasFile))
	if err != nil {
		return nil, err
	}
	return &Taxonomy{Aliases: al, Areas: ar}, nil
}

// FileError is a problem in a data file. Line is 0 when it is not known.
type FileError struct {
	Path string
	Line int
	Err  error
}

func (e *FileError) Error() string {
	msg := e.Err.Error()
	// The toml library repeats the line in its own message; say it once.
	if pe, ok := errors.AsType[toml.ParseError](e.Err); ok {
		msg = pe.Message
	}
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.Path, e.Line, msg)
	}
	return fmt.Sprintf("%s: %s", e.Path, msg)
}

func (e *FileError) Unwrap() error { return e.Err }

// errorf returns a *FileError with a formatted message.
func errorf(path string, line int, format string, args ...any) error {
	return &FileError{Path: path, Line: line, Err: fmt.Errorf(format, args...)}
}

// decodeFile decodes a TOML data file into v, rejecting keys v has no field
// for: an editor's typo (titel = …) must not silently disable a rule.
func decodeFile(path string, src []byte, v any) error {
	md, err := toml.Decode(string(src), v)
	if err != nil {
		if pe, ok := errors.AsType[toml.ParseError](err); ok {
			return &FileError{Path: path, Line: pe.Position.Line, Err: err}
		}
		// Type mismatches (min = "5") come as plain errors with the line in
		// the text: toml: line 8 (last key "rule.min"): incompatible types…
		if m := tomlLine.FindStringSubmatch(err.Error()); m != nil {
			line, _ := strconv.Atoi(m[1])
			return errorf(path, line, "%s: %s", m[2], m[3])
		}
		return &FileError{Path: path, Err: err}
	}
	if und := md.Undecoded(); len(und) > 0 {
		k := und[0]
		return errorf(path, keyLine(string(src), k[len(k)-1]), "unknown key %q", k.String())
	}
	return nil
}

var tomlLine = regexp.MustCompile(`^toml: line (\d+) \(last key "([^"]*)"\): (.*)$`)

// tableLines returns the 1-based lines of the [[name]] headers in src, in
// order, so that a problem in the n-th entry can be reported at its line.
// The toml library keeps key positions to itself.
func tableLines(src, name string) []int {
	var lines []int
	header := "[[" + name + "]]"
	for i, l := range strings.Split(src, "\n") {
		if strings.TrimSpace(stripComment(l)) == header {
			lines = append(lines, i+1)
		}
	}
	return lines
}

// entryLine is the line of the i-th [[name]] header, or 0.
func entryLine(src, name string, i int) int {
	lines := tableLines(src, name)
	if i < len(lines) {
		return lines[i]
	}
	return 0
}

// keyLine is the first line that assigns key, or 0.
func keyLine(src, key string) int {
	for i, l := range strings.Split(src, "\n") {
		l = strings.TrimSpace(l)
		if rest, ok := strings.CutPrefix(l, key); ok && strings.HasPrefix(strings.TrimSpace(rest), "=") {
			return i + 1
		}
	}
	return 0
}

// stripComment drops a trailing # comment; data-file headers hold no strings.
func stripComment(l string) string {
	if i := strings.IndexByte(l, '#'); i >= 0 {
		return l[:i]
	}
	return l
}

// squeeze removes all white space. Chinese has no spaces between words, so a
// space in a name or in running text is an export artefact (从 2024 年起, 江 涛)
// or a page break, never meaningful.
func squeeze(s string) string {
	if strings.IndexFunc(s, unicode.IsSpace) < 0 {
		return s
	}
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
}

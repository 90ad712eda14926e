package taxonomy

import (
	"fmt"
	"os"
	"slices"
	"strings"
)

// Aliases maps names of issuing bodies to their canonical form and groups
// field abbreviations with what they stand for.
type Aliases struct {
	canonical map[string]string // squeezed body name or alias → canonical body
	bodies    []string          // canonical bodies, file order
	groups    [][]string        // each entry: name, then aliases
	member    map[string][]int  // squeezed name or alias → indexes into groups
	suffixes  []string          // endings of research directions' names, longest first
}

// aliasEntry is one [[body]] or [[term]] of aliases.toml.
type aliasEntry struct {
	Name    string   `toml:"name"`
	Aliases []string `toml:"aliases"`
}

type aliasesFile struct {
	Direction struct {
		Suffixes []string `toml:"suffixes"`
	} `toml:"direction"`
	Body []aliasEntry `toml:"body"`
	Term []aliasEntry `toml:"term"`
}

// LoadAliases reads aliases.toml. A name claimed by two bodies, a duplicate
// entry, or a word that is both a body and a term is an error: each would
// make a lookup depend on the order of the file.
func LoadAliases(path string) (*Aliases, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading aliases: %w", err)
	}
	return ParseAliases(path, src)
}

// ParseAliases reads the contents of an aliases.toml; path names it in errors.
// The index keeps a copy of the file it was built with and parses it here.
func ParseAliases(path string, src []byte) (*Aliases, error) {
	var f aliasesFile
	if err := decodeFile(path, src, &f); err != nil {
		return nil, err
	}
	a := &Aliases{canonical: map[string]string{}, member: map[string][]int{}}
	named := map[string]string{} // squeezed entry name → kind, to catch duplicates

	add := func(kind string, i int, e aliasEntry) error {
		line := entryLine(string(src), kind, i)
		name := strings.TrimSpace(e.Name)
		if name == "" {
			return errorf(path, line, "[[%s]] without a name", kind)
		}
		if prev, dup := named[squeeze(name)]; dup {
			return errorf(path, line, "%q is listed twice (as %s and as %s)", name, prev, kind)
		}
		named[squeeze(name)] = kind
		group := []string{name}
		for _, al := range e.Aliases {
			al = strings.TrimSpace(al)
			if al == "" {
				return errorf(path, line, "%q has an empty alias", name)
			}
			if !slices.ContainsFunc(group, func(w string) bool { return squeeze(w) == squeeze(al) }) {
				group = append(group, al)
			}
		}
		gi := len(a.groups)
		a.groups = append(a.groups, group)
		for _, w := range group {
			k := squeeze(w)
			if kind == "body" {
				if c, ok := a.canonical[k]; ok && c != name {
					return errorf(path, line, "%q is listed under two bodies: %s and %s", w, c, name)
				}
				a.canonical[k] = name
			} else if _, ok := a.canonical[k]; ok {
				return errorf(path, line, "%q is both an issuing body and a term", w)
			}
			a.member[k] = append(a.member[k], gi)
		}
		if kind == "body" {
			a.bodies = append(a.bodies, name)
		}
		return nil
	}
	for _, suf := range f.Direction.Suffixes {
		if suf = strings.TrimSpace(suf); suf == "" {
			return nil, errorf(path, keyLine(string(src), "suffixes"), "[direction] suffixes holds an empty ending")
		}
		if !slices.Contains(a.suffixes, suf) {
			a.suffixes = append(a.suffixes, suf)
		}
	}
	// The longest ending that fits is cut (问题研究 before 研究).
	slices.SortStableFunc(a.suffixes, func(x, y string) int { return len(y) - len(x) })
	// Bodies first, so that a term clashing with a body is caught whichever
	// comes first in the file.
	for i, e := range f.Body {
		if err := add("body", i, e); err != nil {
			return nil, err
		}
	}
	for i, e := range f.Term {
		if err := add("term", i, e); err != nil {
			return nil, err
		}
	}
	// A term abbreviation may stand for several entries (高职: 高等职业学校,
	// 高等职业教育), but an entry's own name must not be another entry's
	// alias: that makes the full name ambiguous, and the two should be merged.
	for _, g := range a.groups {
		if idx := a.member[squeeze(g[0])]; len(idx) > 1 {
			other := a.groups[idx[0]]
			if other[0] == g[0] {
				other = a.groups[idx[1]]
			}
			return nil, errorf(path, lineOfName(string(src), g[0]), "%q is an entry of its own and an alias of %q", g[0], other[0])
		}
	}
	return a, nil
}

// lineOfName is the line of `name = "<name>"`, or 0.
func lineOfName(src, name string) int {
	for i, l := range strings.Split(src, "\n") {
		l = strings.TrimSpace(stripComment(l))
		if rest, ok := strings.CutPrefix(l, "name"); ok {
			rest = strings.TrimSpace(rest)
			if rest, ok := strings.CutPrefix(rest, "="); ok && strings.TrimSpace(rest) == `"`+name+`"` {
				return i + 1
			}
		}
	}
	return 0
}

// CanonicalBody returns the canonical name of an issuing body, or name
// trimmed of spaces when the body is not in the file.
func (a *Aliases) CanonicalBody(name string) string {
	if c, ok := a.canonical[squeeze(name)]; ok {
		return c
	}
	return strings.TrimSpace(name)
}

// KnownBody reports whether name is a body's canonical name or alias.
func (a *Aliases) KnownBody(name string) bool {
	_, ok := a.canonical[squeeze(name)]
	return ok
}

// Bodies returns the canonical names of all bodies, in file order.
func (a *Aliases) Bodies() []string { return slices.Clone(a.bodies) }

// Expand returns the forms to search for when a user types term: term itself
// (trimmed) first, then the name and aliases of every entry it belongs to,
// without duplicates. An unknown term expands to itself; a blank one to nil.
func (a *Aliases) Expand(term string) []string {
	term = strings.TrimSpace(term)
	if term == "" {
		return nil
	}
	out := []string{term}
	for _, gi := range a.member[squeeze(term)] {
		for _, w := range a.groups[gi] {
			if !slices.Contains(out, w) {
				out = append(out, w)
			}
		}
	}
	return out
}

// Subject returns what a research direction is about: its name without the
// longest [direction] suffix it ends with (技能人才评价体系研究 →
// 技能人才评价体系), or the name itself when none fits or nothing would be
// left.
func (a *Aliases) Subject(direction string) string {
	direction = strings.TrimSpace(direction)
	for _, suf := range a.suffixes {
		if s, ok := strings.CutSuffix(direction, suf); ok && s != "" {
			return s
		}
	}
	return direction
}

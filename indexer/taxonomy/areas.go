package taxonomy

import (
	"fmt"
	"os"
	"slices"
	"strings"
)

// Sep joins a top-level area and its second level in an area value:
// 科技、教育/知识产权. (The State Council library itself writes a backslash.)
const Sep = "/"

// Areas is the State Council policy library's subject tree (主题分类) with the
// keyword rules of areas.toml.
type Areas struct {
	tops  []topArea
	order map[string]int // every valid area value → its rank in file order
	rules []areaRule
	text  *textIndex // every rule's text words, to read a text once for all
}

type topArea struct {
	name string
	subs []string
}

type areaRule struct {
	area  string
	title *matcher // nil: no title keywords
	text  *matcher // nil: no text keywords
	min   int
}

type areasFile struct {
	Area []struct {
		Name string   `toml:"name"`
		Sub  []string `toml:"sub"`
	} `toml:"area"`
	Rule []struct {
		Area   string   `toml:"area"`
		Title  []string `toml:"title"`
		Text   []string `toml:"text"`
		Min    int      `toml:"min"`
		Except []string `toml:"except"`
	} `toml:"rule"`
}

// LoadAreas reads areas.toml. A rule naming an area that is not in the tree
// is an error, as are rules that could never fire.
func LoadAreas(path string) (*Areas, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading areas: %w", err)
	}
	var f areasFile
	if err := decodeFile(path, src, &f); err != nil {
		return nil, err
	}
	a := &Areas{order: map[string]int{}, text: newTextIndex()}
	for i, e := range f.Area {
		line := entryLine(string(src), "area", i)
		name := strings.TrimSpace(e.Name)
		switch {
		case name == "":
			return nil, errorf(path, line, "[[area]] without a name")
		case strings.Contains(name, Sep):
			return nil, errorf(path, line, "area name %q contains %q", name, Sep)
		}
		if _, dup := a.order[name]; dup {
			return nil, errorf(path, line, "area %q is listed twice", name)
		}
		a.order[name] = len(a.order)
		t := topArea{name: name}
		for _, s := range e.Sub {
			s = strings.TrimSpace(s)
			if s == "" || strings.Contains(s, Sep) {
				return nil, errorf(path, line, "area %q has a bad second level %q", name, s)
			}
			v := name + Sep + s
			if _, dup := a.order[v]; dup {
				return nil, errorf(path, line, "area %q lists %q twice", name, s)
			}
			a.order[v] = len(a.order)
			t.subs = append(t.subs, s)
		}
		a.tops = append(a.tops, t)
	}
	for i, e := range f.Rule {
		line := entryLine(string(src), "rule", i)
		r, err := a.rule(e.Area, e.Title, e.Text, e.Except, e.Min)
		if err != nil {
			return nil, &FileError{Path: path, Line: line, Err: err}
		}
		if r.text != nil {
			a.text.add(len(a.rules), e.Text, e.Except)
		}
		a.rules = append(a.rules, r)
	}
	return a, nil
}

// rule checks and compiles one [[rule]].
func (a *Areas) rule(area string, title, text, except []string, min int) (areaRule, error) {
	area = strings.TrimSpace(area)
	top, sub, _ := strings.Cut(area, Sep)
	if _, ok := a.order[top]; !ok {
		return areaRule{}, fmt.Errorf("rule names unknown area %q", top)
	}
	if _, ok := a.order[area]; !ok {
		return areaRule{}, fmt.Errorf("rule names unknown second level %q of area %q", sub, top)
	}
	for _, list := range [][]string{title, text, except} {
		for i, w := range list {
			list[i] = squeeze(w)
			if list[i] == "" {
				return areaRule{}, fmt.Errorf("rule for %q has an empty keyword", area)
			}
		}
	}
	switch {
	case len(title) == 0 && len(text) == 0:
		return areaRule{}, fmt.Errorf("rule for %q has neither title nor text keywords", area)
	case len(text) > 0 && min < 1:
		return areaRule{}, fmt.Errorf("rule for %q has text keywords but no min (at least 1)", area)
	case len(text) == 0 && min != 0:
		return areaRule{}, fmt.Errorf("rule for %q has a min but no text keywords", area)
	}
	r := areaRule{area: area, min: min}
	if len(title) > 0 {
		r.title = newMatcher(title, except)
	}
	if len(text) > 0 {
		r.text = newMatcher(text, except)
	}
	return r, nil
}

// Classify returns the areas a policy section belongs to, given its title
// and its text, in the order of the file's tree. Where both an area and one
// of its second levels apply, only the more specific one is returned.
func (a *Areas) Classify(title, text string) []string {
	title, text = squeeze(title), squeeze(text)
	var hits *textHits // found on the first rule that reads the text
	hit := map[string]bool{}
	for i, r := range a.rules {
		if hit[r.area] {
			continue
		}
		if r.title != nil && r.title.count(title, 1) > 0 {
			hit[r.area] = true
			continue
		}
		if r.text == nil {
			continue
		}
		if hits == nil {
			hits = a.text.find(text)
		}
		if a.text.count(hits, i, r.min) >= r.min {
			hit[r.area] = true
		}
	}
	var out []string
	for area := range hit {
		if !strings.Contains(area, Sep) && a.anyUnder(hit, area) {
			continue
		}
		out = append(out, area)
	}
	slices.SortFunc(out, func(x, y string) int { return a.order[x] - a.order[y] })
	return out
}

// anyUnder reports whether hit holds a second level of top.
func (a *Areas) anyUnder(hit map[string]bool, top string) bool {
	for area := range hit {
		if strings.HasPrefix(area, top+Sep) {
			return true
		}
	}
	return false
}

// Names returns the top-level areas in the library's order.
func (a *Areas) Names() []string {
	names := make([]string, len(a.tops))
	for i, t := range a.tops {
		names[i] = t.name
	}
	return names
}

// Subs returns the second levels of a top-level area, or nil.
func (a *Areas) Subs(top string) []string {
	for _, t := range a.tops {
		if t.name == top {
			return slices.Clone(t.subs)
		}
	}
	return nil
}

// Known reports whether area is a top-level area or top/second of the tree.
func (a *Areas) Known(area string) bool {
	_, ok := a.order[area]
	return ok
}

// Top returns the top-level part of an area value; see the package function.
func (a *Areas) Top(area string) string { return Top(area) }

// Top returns the top-level part of an area value: 科技、教育 for
// 科技、教育/知识产权 and for 科技、教育 itself. A facet over top levels
// counts a section filed under a second level in its top level.
func Top(area string) string {
	top, _, _ := strings.Cut(area, Sep)
	return top
}

package indexer

import (
	"fmt"
	"slices"
	"strings"

	"zhengce"
)

// Classifier assigns policy areas to a section from its title and text.
type Classifier interface {
	Classify(title, text string) []string
}

// BodyNames maps a body's name as written to its canonical name.
type BodyNames interface {
	CanonicalBody(name string) string
}

// Passages turns a parsed issue into the passages to index: guide summaries,
// every content paragraph of every section and each research direction, in
// the order the bulletin reads. links maps a direction's name to the ordinals
// of the sections it draws on (see LinkDirections); it may be nil.
func Passages(iss *zhengce.Issue, areas Classifier, bodies BodyNames, links map[string][]int) []zhengce.Passage {
	issue := zhengce.IssueRef{Number: iss.Number, Running: iss.Running, Date: iss.Date.String(), Title: iss.Title}
	sections := make(map[int]zhengce.SectionRef, len(iss.Sections))
	sectionAreas := make(map[int][]string, len(iss.Sections))
	directionsOf := map[int][]string{}
	for _, d := range iss.Directions {
		for _, ord := range links[d.Name] {
			directionsOf[ord] = append(directionsOf[ord], d.Name)
		}
	}
	for _, s := range iss.Sections {
		sections[s.Ordinal] = sectionRef(s, bodies)
		if areas != nil {
			sectionAreas[s.Ordinal] = areas.Classify(s.PolicyTitle, sectionText(s))
		}
	}

	var out []zhengce.Passage
	add := func(p zhengce.Passage) {
		p.Ordinal = len(out) + 1
		p.Issue = issue
		p.Date = p.Section.Date
		if p.Date == "" {
			p.Date = issue.Date
		}
		out = append(out, p)
	}
	for gi, g := range iss.Guide {
		ord := guideSection(iss, g)
		for pi, para := range g.Paragraphs {
			add(zhengce.Passage{
				ID:   fmt.Sprintf("%03d-g%02d-%02d", iss.Running, gi+1, pi+1),
				Text: para.Text, Kind: zhengce.KindGuide, Line: para.Line,
				Section: sections[ord], Path: nonNil(para.Path),
				Areas: nonNil(sectionAreas[ord]), Directions: nonNil(directionsOf[ord]),
			})
		}
	}
	for _, s := range iss.Sections {
		for pi, para := range s.Paragraphs {
			kind := para.Kind
			if kind == "" {
				kind = zhengce.KindBody
			}
			add(zhengce.Passage{
				ID:   fmt.Sprintf("%03d-s%02d-%03d", iss.Running, s.Ordinal, pi+1),
				Text: para.Text, Kind: kind, Line: para.Line,
				Section: sections[s.Ordinal], Path: nonNil(para.Path),
				Areas: nonNil(sectionAreas[s.Ordinal]), Directions: nonNil(directionsOf[s.Ordinal]),
			})
		}
	}
	for _, d := range iss.Directions {
		// A direction carries the bodies and areas of the sections it draws
		// on, so a body or area filter keeps the directions about it.
		ref := zhengce.SectionRef{Ordinal: len(iss.Sections) + 1, Heading: "推荐研究方向", Bodies: []string{}}
		var dirAreas []string
		for _, ord := range links[d.Name] {
			ref.Bodies = appendNew(ref.Bodies, sections[ord].Bodies...)
			dirAreas = appendNew(dirAreas, sectionAreas[ord]...)
		}
		add(zhengce.Passage{
			ID:   fmt.Sprintf("%03d-d%02d", iss.Running, d.Ordinal),
			Text: d.Name, Kind: zhengce.KindDirection, Line: d.Line,
			Section: ref, Path: []string{},
			Areas: nonNil(dirAreas), Directions: []string{d.Name},
		})
	}
	return out
}

func sectionRef(s zhengce.Section, bodies BodyNames) zhengce.SectionRef {
	ref := zhengce.SectionRef{
		Ordinal: s.Ordinal, Heading: s.Heading, PolicyTitle: s.PolicyTitle,
		Date: s.Date.String(), DocType: s.DocType, Bodies: []string{},
	}
	for _, b := range s.Bodies {
		if bodies != nil {
			b = bodies.CanonicalBody(b)
		}
		ref.Bodies = appendNew(ref.Bodies, b)
	}
	return ref
}

// guideSection finds the section a guide entry introduces: by policy title,
// else by position.
func guideSection(iss *zhengce.Issue, g zhengce.GuideEntry) int {
	for _, s := range iss.Sections {
		if g.PolicyTitle != "" && g.PolicyTitle == s.PolicyTitle {
			return s.Ordinal
		}
	}
	for _, s := range iss.Sections {
		if g.Heading != "" && (strings.Contains(s.Heading, g.Heading) || strings.Contains(g.Heading, s.Heading)) {
			return s.Ordinal
		}
	}
	return 0
}

// sectionText is a section's whole text, for classification.
func sectionText(s zhengce.Section) string {
	var b strings.Builder
	b.WriteString(s.Heading)
	for _, p := range s.Paragraphs {
		b.WriteByte('\n')
		b.WriteString(p.Text)
	}
	return b.String()
}

// appendNew appends the values not yet in list, skipping empty ones.
func appendNew(list []string, values ...string) []string {
	for _, v := range values {
		if v != "" && !slices.Contains(list, v) {
			list = append(list, v)
		}
	}
	return list
}

// nonNil keeps JSON output to [] rather than null.
func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// Package docx reads the text of a Word document (.docx, Office Open XML) as
// its paragraphs, for the parser to read like the lines of an issue exported
// to text. It uses only the standard library: archive/zip to open the
// package and encoding/xml to stream its main part (word/document.xml).
//
// What becomes text, in document order:
//
//   - one string per paragraph (<w:p>), the text of its runs (<w:t>) joined
//     with nothing between them, so a bold 一是 in a run of its own reads
//     as it prints; an empty paragraph is "";
//   - <w:tab/> and <w:ptab/> are "\t" (the table of contents' tab before a
//     page number is how the parser knows a TOC line);
//   - <w:br/> of any type and <w:cr/> are "\n": the text after a soft line
//     break, or after a page or column break inside a paragraph, starts on a
//     new line, and the bulletin's structure is line-based (Lines splits
//     there; the parser rejoins a line cut mid-sentence as it does for the
//     text export's page breaks);
//   - <w:noBreakHyphen/> is "-", <w:softHyphen/> nothing, <w:sym/> its
//     character unless that is in the private use area of a symbol font;
//   - a table is read cell by cell, row by row: each paragraph of a cell is
//     a paragraph of its own, nested tables included; a text box's paragraphs
//     come before the paragraph that anchors it.
//
// What is left out, because it is not what the document prints: deleted and
// moved-away text of tracked changes (<w:del>, <w:moveFrom>), field
// instructions (<w:instrText>, and anything between a field's begin and
// separate marks; a field's result, such as a table of contents, is kept),
// runs hidden with <w:vanish/> set directly on the run (hidden text set by a
// style is kept), phonetic guides above ruby text (<w:rt>), and the
// fallback copy of alternate content (<mc:Fallback>), which repeats the
// text of its choice. Headers, footers, footnotes and comments live in other
// parts and are not read.
//
// A zip bomb is refused: the main part may unpack to at most
// MaxDocumentSize bytes. Errors about the file's content wrap ErrNotDocx,
// ErrDamaged or ErrTooLarge and are one line; an error reading the file
// itself is returned as it is.
package docx

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"strconv"
	"strings"
)

// MaxDocumentSize is the most word/document.xml may unpack to. An issue's
// document.xml is a few hundred kilobytes; anything near this is not one.
const MaxDocumentSize = 64 << 20

// maxRelsSize is the most _rels/.rels, the package's table of parts, may
// unpack to.
const maxRelsSize = 1 << 20

// maxDepth is the deepest element nesting read. Word nests tables inside
// tables a few levels; thousands of levels is an attack on memory.
const maxDepth = 1000

var (
	// ErrNotDocx is a file that is not a .docx: not a zip, a zip without a
	// Word document in it, or a Word 97-2003 or encrypted file.
	ErrNotDocx = errors.New("not a Word document")
	// ErrDamaged is a .docx that cannot be read to its end: a truncated or
	// corrupt zip, or a main part that is not well-formed XML.
	ErrDamaged = errors.New("damaged or truncated Word document")
	// ErrTooLarge is a main part that unpacks to more than MaxDocumentSize.
	ErrTooLarge = errors.New("Word document too large")
)

// DefaultPart is where Word and LibreOffice put the main document part.
const DefaultPart = "word/document.xml"

// Namespaces of WordprocessingML (transitional and strict) and of markup
// compatibility (mc:AlternateContent).
const (
	nsW       = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
	nsWStrict = "http://purl.oclc.org/ooxml/wordprocessingml/main"
	nsMC      = "http://schemas.openxmlformats.org/markup-compatibility/2006"
)

// cfbMagic opens an OLE compound file: a Word 97-2003 .doc, or a .docx
// saved with a password (Word encrypts it into one).
var cfbMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}

// ReadFile reads the paragraphs of the .docx at path. Errors start with
// path.
func ReadFile(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	paras, err := Paragraphs(f, fi.Size())
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			return nil, err // already names the file
		}
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return paras, nil
}

// Paragraphs reads the paragraphs of the .docx in r, size bytes long: one
// string per <w:p> of the main part, in document order (see the package
// comment for what counts as text). A paragraph holds "\n" where the
// document breaks a line inside it; Lines splits there.
func Paragraphs(r io.ReaderAt, size int64) ([]string, error) {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return nil, notZip(r, size, err)
	}
	part := mainPart(zr)
	f := findFile(zr, part)
	if f == nil {
		return nil, fmt.Errorf("%w: no %s in the zip", ErrNotDocx, part)
	}
	if f.UncompressedSize64 > MaxDocumentSize {
		return nil, tooLarge(part)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, damaged(part, err)
	}
	defer rc.Close()
	// archive/zip already stops at the size the header declares; this
	// limit does not rely on that.
	lr := &limitReader{r: rc, n: MaxDocumentSize}
	paras, err := read(lr, part)
	if lr.over {
		return nil, tooLarge(part)
	}
	return paras, err
}

// Lines splits paragraphs at their line breaks into the lines the parser
// reads: a paragraph without a break is one line.
func Lines(paragraphs []string) []string {
	lines := make([]string, 0, len(paragraphs))
	for _, p := range paragraphs {
		lines = append(lines, strings.Split(p, "\n")...)
	}
	return lines
}

// notZip explains why r is not a zip: an old .doc or an encrypted .docx, a
// zip cut short or damaged, or something else altogether.
func notZip(r io.ReaderAt, size int64, err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return err
	}
	head := make([]byte, len(cfbMagic))
	n, _ := r.ReadAt(head, 0)
	head = head[:n]
	switch {
	case bytes.Equal(head, cfbMagic):
		return fmt.Errorf("%w: a Word 97-2003 .doc or a password-protected file; save it in Word as .docx without a password", ErrNotDocx)
	case bytes.HasPrefix(head, []byte("PK\x03\x04")) && size > 0:
		// A zip's directory is at its end: a copy cut short loses it.
		return fmt.Errorf("%w (%s)", ErrDamaged, oneLine(err))
	}
	return fmt.Errorf("%w (%s)", ErrNotDocx, oneLine(err))
}

func damaged(part string, err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return err
	}
	return fmt.Errorf("%w (%s: %s)", ErrDamaged, part, oneLine(err))
}

func tooLarge(part string) error {
	return fmt.Errorf("%w: %s unpacks to more than the %d MB limit", ErrTooLarge, part, MaxDocumentSize>>20)
}

// oneLine keeps an error message on one line.
func oneLine(err error) string {
	return strings.Join(strings.Fields(err.Error()), " ")
}

// findFile returns the zip entry named name; part names are
// case-insensitive in a package.
func findFile(zr *zip.Reader, name string) *zip.File {
	for _, f := range zr.File {
		if strings.EqualFold(f.Name, name) {
			return f
		}
	}
	return nil
}

// mainPart names the main document part as the package's relationships
// give it (_rels/.rels, type officeDocument), or DefaultPart when they do
// not. Word sometimes calls it word/document2.xml.
func mainPart(zr *zip.Reader) string {
	f := findFile(zr, "_rels/.rels")
	if f == nil || f.UncompressedSize64 > maxRelsSize {
		return DefaultPart
	}
	rc, err := f.Open()
	if err != nil {
		return DefaultPart
	}
	defer rc.Close()
	d := xml.NewDecoder(io.LimitReader(rc, maxRelsSize))
	for {
		tok, err := d.Token()
		if err != nil {
			return DefaultPart
		}
		se, ok := tok.(xml.StartElement)
		if !ok || se.Name.Local != "Relationship" {
			continue
		}
		var typ, target, mode string
		for _, a := range se.Attr {
			switch a.Name.Local {
			case "Type":
				typ = a.Value
			case "Target":
				target = a.Value
			case "TargetMode":
				mode = a.Value
			}
		}
		if strings.HasSuffix(typ, "/officeDocument") && target != "" && mode != "External" {
			name := strings.TrimPrefix(path.Clean("/"+target), "/")
			if findFile(zr, name) != nil {
				return name
			}
			return DefaultPart
		}
	}
}

// limitReader reads at most n bytes and notes when there was more.
type limitReader struct {
	r    io.Reader
	n    int64
	over bool
}

func (l *limitReader) Read(p []byte) (int, error) {
	if l.n <= 0 {
		// One byte more tells a part of exactly n bytes from a longer one.
		var b [1]byte
		if k, _ := l.r.Read(b[:]); k > 0 {
			l.over = true
		}
		return 0, io.EOF
	}
	if int64(len(p)) > l.n {
		p = p[:l.n]
	}
	k, err := l.r.Read(p)
	l.n -= int64(k)
	return k, err
}

// frame is an open element.
type frame struct {
	w      bool // in a WordprocessingML namespace
	local  string
	opens  bool // a paragraph whose text is taken
	para   int  // index in reader.paras of the innermost open paragraph, -1 if none
	skip   bool // inside content that is not printed: no text is taken
	hidden bool // inside a run marked <w:vanish/>
}

// reader streams a main part's XML into paragraphs.
type reader struct {
	part   string
	stack  []frame
	paras  []*strings.Builder // open paragraphs, innermost last
	out    []string
	fields []bool // open complex fields; true while in a field's instructions
}

func read(r io.Reader, part string) ([]string, error) {
	rd := &reader{part: part}
	d := xml.NewDecoder(r)
	root := true
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, damaged(part, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if root {
				root = false
				if !isW(t.Name) || t.Name.Local != "document" {
					return nil, fmt.Errorf("%w: %s holds <%s>, not a Word document's body", ErrNotDocx, part, t.Name.Local)
				}
			}
			if len(rd.stack) >= maxDepth {
				return nil, fmt.Errorf("%w (%s: elements nested over %d deep)", ErrDamaged, part, maxDepth)
			}
			rd.start(t)
		case xml.EndElement:
			rd.end()
		case xml.CharData:
			rd.text(t)
		}
	}
	if root {
		return nil, fmt.Errorf("%w (%s is empty)", ErrDamaged, part)
	}
	return rd.out, nil
}

func isW(n xml.Name) bool { return n.Space == nsW || n.Space == nsWStrict }

// inRun reports whether the open elements end with …/w:r/w:rPr.
func (rd *reader) inRunProps() bool {
	n := len(rd.stack)
	return n >= 2 && rd.stack[n-1].w && rd.stack[n-1].local == "rPr" &&
		rd.stack[n-2].w && rd.stack[n-2].local == "r"
}

func (rd *reader) start(t xml.StartElement) {
	f := frame{para: -1}
	if n := len(rd.stack); n > 0 {
		p := rd.stack[n-1]
		f.para, f.skip, f.hidden = p.para, p.skip, p.hidden
	}
	f.local = t.Name.Local
	f.w = isW(t.Name)
	if t.Name.Space == nsMC && f.local == "Fallback" {
		f.skip = true
	}
	if f.w {
		switch f.local {
		case "p":
			if !f.skip {
				rd.paras = append(rd.paras, &strings.Builder{})
				f.para, f.opens = len(rd.paras)-1, true
			}
		case "del", "moveFrom", "rt", "pPr", "rPrChange", "pPrChange", "sdtPr":
			// Deleted text, a ruby's phonetic guide, and properties, which
			// hold tab stops (<w:tabs><w:tab/>) and old formatting.
			f.skip = true
		case "vanish":
			if rd.inRunProps() && on(t) {
				rd.stack[len(rd.stack)-2].hidden = true
			}
		case "fldChar":
			rd.fieldChar(t)
		default:
			rd.special(f, t)
		}
	}
	rd.stack = append(rd.stack, f)
}

// on reads an on/off property such as <w:vanish/> or <w:vanish w:val="0"/>.
func on(t xml.StartElement) bool {
	for _, a := range t.Attr {
		if a.Name.Local == "val" {
			switch a.Value {
			case "0", "false", "off":
				return false
			}
		}
	}
	return true
}

// fieldChar follows a complex field's begin, separate and end marks, which
// may span paragraphs.
func (rd *reader) fieldChar(t xml.StartElement) {
	for _, a := range t.Attr {
		if a.Name.Local != "fldCharType" {
			continue
		}
		switch a.Value {
		case "begin":
			rd.fields = append(rd.fields, true)
		case "separate":
			if n := len(rd.fields); n > 0 {
				rd.fields[n-1] = false
			}
		case "end":
			if n := len(rd.fields); n > 0 {
				rd.fields = rd.fields[:n-1]
			}
		}
	}
}

// inInstructions reports whether the text at hand is a field's code.
func (rd *reader) inInstructions() bool {
	for _, instr := range rd.fields {
		if instr {
			return true
		}
	}
	return false
}

// special writes the character an empty element stands for.
func (rd *reader) special(f frame, t xml.StartElement) {
	var s string
	switch f.local {
	case "tab", "ptab":
		s = "\t"
	case "br", "cr":
		s = "\n"
	case "noBreakHyphen":
		s = "-"
	case "sym":
		s = symbol(t)
	default:
		return
	}
	rd.write(f, s)
}

// symbol is the character of <w:sym w:char="…"/>, or "" when it is a
// private-use code of a symbol font (Wingdings F0xx), which has no Unicode
// meaning.
func symbol(t xml.StartElement) string {
	for _, a := range t.Attr {
		if a.Name.Local != "char" {
			continue
		}
		c, err := strconv.ParseUint(a.Value, 16, 32)
		if err != nil || c < 0x20 || c >= 0xE000 && c <= 0xF8FF || c >= 0xD800 && c <= 0xDFFF || c > 0x10FFFF {
			return ""
		}
		return string(rune(c))
	}
	return ""
}

func (rd *reader) write(f frame, s string) {
	if f.para < 0 || f.skip || f.hidden || rd.inInstructions() {
		return
	}
	rd.paras[f.para].WriteString(s)
}

func (rd *reader) text(t xml.CharData) {
	n := len(rd.stack)
	if n == 0 {
		return
	}
	f := rd.stack[n-1]
	if !f.w || f.local != "t" {
		return
	}
	// A line feed inside <w:t> is not a line break in Word: it shows as a
	// space. Breaks are <w:br/>.
	s := strings.Map(func(r rune) rune {
		if r == '\n' || r == '\r' {
			return ' '
		}
		return r
	}, string(t))
	rd.write(f, s)
}

func (rd *reader) end() {
	n := len(rd.stack)
	if n == 0 {
		return
	}
	f := rd.stack[n-1]
	rd.stack = rd.stack[:n-1]
	if f.opens {
		// Paragraphs close innermost first, so this is the last one open.
		k := len(rd.paras) - 1
		rd.out = append(rd.out, rd.paras[k].String())
		rd.paras = rd.paras[:k]
	}
}

package docx_test

import (
	"archive/zip"
	"encoding/json"
	"encoding/xml"
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"zhengce"
	"zhengce/indexer"
	"zhengce/indexer/parser"
)

const (
	fixturesDir = "../../testdata/issues-docx"
	badDir      = "../../testdata/bad"
	dataDir     = "../../corpus/data"
)

// Each .docx fixture was made from the .txt beside it (see
// testdata/issues-docx/make.sh). sameLines: the tool kept one paragraph per
// line, so even the line numbers must agree.
var pairs = []struct {
	docx, txt string
	sameLines bool
}{
	{"issue-089.docx", "../../corpus/issue-089.txt", true},
	{"issue-086.docx", "../../testdata/issues/issue-086.txt", false},
}

// A .docx and a .txt of the same issue give the same issue and the same
// passages. The comparison is of the whole zhengce.Issue and of every
// zhengce.Passage (reflect.DeepEqual), after clearing Issue.Source (the file
// name) and, for a .docx whose paragraphs are not the text's lines one for
// one, every Line field.
func TestDocxMatchesText(t *testing.T) {
	d, err := indexer.LoadData(dataDir)
	if err != nil {
		t.Fatal(err)
	}
	m, err := d.Mapping()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range pairs {
		t.Run(p.docx, func(t *testing.T) {
			path := filepath.Join(fixturesDir, p.docx)
			fromDocx, err := parser.ParseFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if fromDocx.Source != path {
				t.Errorf("Source = %q, want %q", fromDocx.Source, path)
			}
			fromTxt, err := parser.ParseFile(p.txt)
			if err != nil {
				t.Fatal(err)
			}
			// Not two empty issues alike: the text has content.
			if len(fromTxt.Sections) < 2 || len(fromTxt.Guide) < 2 || len(fromTxt.Directions) < 2 {
				t.Fatalf("%s parsed to %d sections, %d guide entries, %d directions", p.txt,
					len(fromTxt.Sections), len(fromTxt.Guide), len(fromTxt.Directions))
			}
			fromDocx.Source, fromTxt.Source = "", ""
			if !p.sameLines {
				clearLines(reflect.ValueOf(fromDocx))
				clearLines(reflect.ValueOf(fromTxt))
			}
			if !reflect.DeepEqual(fromDocx, fromTxt) {
				t.Fatalf("issues differ:\n%s", firstDifference(t, fromDocx, fromTxt))
			}

			psDocx, err := d.IssuePassages(m, fromDocx)
			if err != nil {
				t.Fatal(err)
			}
			psTxt, err := d.IssuePassages(m, fromTxt)
			if err != nil {
				t.Fatal(err)
			}
			if len(psTxt) < 10 {
				t.Fatalf("only %d passages from %s", len(psTxt), p.txt)
			}
			idText := func(ps []zhengce.Passage) []string {
				var out []string
				for _, p := range ps {
					out = append(out, p.ID+" "+p.Text)
				}
				return out
			}
			if a, b := idText(psDocx), idText(psTxt); !slices.Equal(a, b) {
				t.Fatalf("passage IDs and texts differ:\n%s", firstDifference(t, a, b))
			}
			if !reflect.DeepEqual(psDocx, psTxt) {
				t.Fatalf("passages differ:\n%s", firstDifference(t, psDocx, psTxt))
			}
		})
	}
}

// clearLines zeroes every int field named Line reachable from v.
func clearLines(v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			clearLines(v.Elem())
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			clearLines(v.Index(i))
		}
	case reflect.Struct:
		for i := range v.NumField() {
			f := v.Field(i)
			if v.Type().Field(i).Name == "Line" && f.Kind() == reflect.Int {
				f.SetInt(0)
			} else if f.CanSet() {
				clearLines(f)
			}
		}
	}
}

// firstDifference shows the first line where a and b differ as indented JSON.
func firstDifference(t *testing.T, a, b any) string {
	t.Helper()
	ja, _ := json.MarshalIndent(a, "", " ")
	jb, _ := json.MarshalIndent(b, "", " ")
	la, lb := strings.Split(string(ja), "\n"), strings.Split(string(jb), "\n")
	for i := range min(len(la), len(lb)) {
		if la[i] != lb[i] {
			return "docx: " + la[i] + "\ntxt:  " + lb[i]
		}
	}
	return "(the JSON is the same; a field JSON does not show differs)"
}

// Every bad .docx is refused with one line that names the file, as a
// *parser.ParseError with code EINVALID, so the command exits 1.
func TestBadDocx(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty.docx")
	if err := os.WriteFile(empty, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	folder := filepath.Join(dir, "folder.docx")
	if err := os.Mkdir(folder, 0o755); err != nil {
		t.Fatal(err)
	}
	big := filepath.Join(dir, "big.docx")
	f, err := os.Create(big)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(parser.MaxFileSize + 1); err != nil {
		t.Fatal(err)
	}
	f.Close()

	tests := []struct {
		file string
		line int
		msg  string
	}{
		{filepath.Join(badDir, "truncated.docx"), 0, "damaged or truncated Word document (zip: not a valid zip file)"},
		{filepath.Join(badDir, "not-a-zip.docx"), 0, "not a Word document (zip: not a valid zip file)"},
		{filepath.Join(badDir, "no-document.docx"), 0, "not a Word document: no word/document.xml in the zip"},
		{empty, 0, "empty file"},
		{folder, 0, "is a directory"},
		{big, 0, "over the 20 MB limit"},
	}
	for _, tt := range tests {
		t.Run(filepath.Base(tt.file), func(t *testing.T) {
			iss, err := parser.ParseFile(tt.file)
			var pe *parser.ParseError
			if iss != nil || !errors.As(err, &pe) {
				t.Fatalf("ParseFile = %v, %v; want a *ParseError", iss, err)
			}
			if pe.File != tt.file || pe.Line != tt.line || !strings.Contains(pe.Msg, tt.msg) {
				t.Errorf("err = %#v, want file %s line %d msg containing %q", pe, tt.file, tt.line, tt.msg)
			}
			if msg := err.Error(); !strings.HasPrefix(msg, tt.file+": ") || strings.ContainsAny(msg, "\r\n") {
				t.Errorf("error %q is not one line naming the file", msg)
			}
			if code := zhengce.ErrorCode(err); code != zhengce.EINVALID {
				t.Errorf("ErrorCode = %q, want %q", code, zhengce.EINVALID)
			}
		})
	}
}

// A Word document that reads but is no issue gets the parser's own error,
// at the same line as the text it was made from: a line is a paragraph.
func TestDocxParseErrorLine(t *testing.T) {
	txt := filepath.Join(badDir, "no-masthead.txt")
	data, err := os.ReadFile(txt)
	if err != nil {
		t.Fatal(err)
	}
	var body strings.Builder
	for _, line := range strings.Split(strings.TrimSuffix(string(data), "\n"), "\n") {
		body.WriteString("<w:p><w:r><w:t xml:space=\"preserve\">")
		xml.EscapeText(&body, []byte(line))
		body.WriteString("</w:t></w:r></w:p>")
	}
	path := filepath.Join(t.TempDir(), "no-masthead.docx")
	writeDocx(t, path, body.String())

	_, want := parser.ParseFile(txt)
	_, err = parser.ParseFile(path)
	var pe, wpe *parser.ParseError
	if !errors.As(err, &pe) || !errors.As(want, &wpe) {
		t.Fatalf("errors %v and %v, want *ParseError", err, want)
	}
	if pe.Line == 0 || pe.Line != wpe.Line || pe.Msg != wpe.Msg {
		t.Errorf("docx: %v\ntxt:  %v", err, want)
	}
}

// writeDocx writes a .docx whose body is body.
func writeDocx(t *testing.T, path, body string) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zw := zip.NewWriter(f)
	w, err := zw.Create("word/document.xml")
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(w, `<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>`+body+`</w:body></w:document>`)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
}

// IssueFiles takes .docx beside .txt, whatever the case of the extension.
func TestIssueFilesTakesDocx(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"a.txt", "b.docx", "c.DOCX", "d.doc", "e.odt", ".~lock.b.docx#", "~$b.docx"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	files, err := indexer.IssueFiles(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range files {
		got = append(got, filepath.Base(f))
	}
	// ~$b.docx is the owner file Word keeps beside a document it has open.
	want := []string{"a.txt", "b.docx", "c.DOCX"}
	if !slices.Equal(got, want) {
		t.Errorf("IssueFiles = %q, want %q", got, want)
	}
}

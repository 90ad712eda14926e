package docx

import (
	"archive/zip"
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// checkResult: paragraphs or an error, never both; an error about the
// bytes is one of the package's and one line; the text is no longer than
// the input could make it.
func checkResult(t *testing.T, paras []string, err error, limit int) {
	t.Helper()
	if err != nil {
		if paras != nil {
			t.Fatalf("paragraphs and an error: %v", err)
		}
		if !errors.Is(err, ErrNotDocx) && !errors.Is(err, ErrDamaged) && !errors.Is(err, ErrTooLarge) {
			t.Fatalf("error of no known kind: %v", err)
		}
		if strings.ContainsAny(err.Error(), "\r\n") {
			t.Fatalf("error on more than one line: %q", err)
		}
		return
	}
	n := 0
	for _, p := range paras {
		n += len(p)
	}
	if n > limit {
		t.Fatalf("%d bytes of text from %d bytes of XML", n, limit)
	}
}

// FuzzParagraphs: any bytes read as a .docx give paragraphs or an error,
// never a panic or a hang. Seeds: the fixtures, the bad files and small
// documents built here.
func FuzzParagraphs(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join(fixturesDir, "*.docx"))
	bad, _ := filepath.Glob(filepath.Join(badDir, "*.docx"))
	for _, path := range append(files, bad...) {
		if data, err := os.ReadFile(path); err == nil {
			f.Add(data)
		}
	}
	for _, body := range seedBodies {
		f.Add(zipOf(f, DefaultPart, document(body)))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		paras, err := Paragraphs(bytes.NewReader(data), int64(len(data)))
		checkResult(t, paras, err, MaxDocumentSize)
	})
}

// FuzzDocumentXML: any bytes as the main part of a well-formed zip, which
// FuzzParagraphs' mutations seldom reach, give paragraphs or an error. The
// part is stored, so the mutator's bytes are the XML the reader sees.
func FuzzDocumentXML(f *testing.F) {
	for _, body := range seedBodies {
		f.Add([]byte(document(body)))
	}
	if data, err := os.ReadFile(filepath.Join(fixturesDir, "issue-089.docx")); err == nil {
		if zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data))); err == nil {
			if part := findFile(zr, DefaultPart); part != nil {
				rc, _ := part.Open()
				var buf bytes.Buffer
				buf.ReadFrom(rc)
				rc.Close()
				f.Add(buf.Bytes()[:min(buf.Len(), 4000)])
			}
		}
	}
	f.Fuzz(func(t *testing.T, xmlData []byte) {
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		w, err := zw.CreateHeader(&zip.FileHeader{Name: DefaultPart, Method: zip.Store})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(xmlData)
		zw.Close()
		paras, err := Paragraphs(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
		checkResult(t, paras, err, len(xmlData))
	})
}

// seedBodies exercise each kind of element the reader treats specially.
var seedBodies = []string{
	`<w:p><w:r><w:rPr><w:b/></w:rPr><w:t>一是</w:t></w:r><w:r><w:t xml:space="preserve">加大 </w:t><w:tab/><w:br/><w:cr/><w:noBreakHyphen/><w:softHyphen/><w:sym w:char="25CF"/></w:r></w:p>`,
	`<w:p><w:pPr><w:tabs><w:tab w:pos="1"/></w:tabs><w:rPr><w:vanish/></w:rPr></w:pPr><w:del><w:r><w:delText>x</w:delText></w:r></w:del><w:r><w:rPr><w:vanish/></w:rPr><w:t>h</w:t></w:r></w:p>`,
	`<w:p><w:r><w:fldChar w:fldCharType="begin"/><w:instrText>TOC</w:instrText><w:fldChar w:fldCharType="separate"/><w:t>r</w:t><w:fldChar w:fldCharType="end"/></w:r></w:p>`,
	`<w:tbl><w:tr><w:tc><w:p><w:r><w:t>a</w:t></w:r></w:p><w:tbl><w:tr><w:tc><w:p/></w:tc></w:tr></w:tbl></w:tc></w:tr></w:tbl>`,
	`<w:p><w:r><mc:AlternateContent><mc:Choice><w:txbxContent><w:p><w:r><w:t>c</w:t></w:r></w:p></w:txbxContent></mc:Choice><mc:Fallback><w:p/></mc:Fallback></mc:AlternateContent></w:r></w:p>`,
}

package docx

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"errors"
	"hash/crc32"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

const (
	fixturesDir = "../../testdata/issues-docx"
	badDir      = "../../testdata/bad"
)

// document wraps body in a main part with the namespaces Word declares.
func document(body string) string {
	return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` +
		`<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"` +
		` xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"` +
		` xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"` +
		` xmlns:v="urn:schemas-microsoft-com:vml"><w:body>` + body + `</w:body></w:document>`
}

// zipOf packs name/content pairs into a zip, deflated, in order.
func zipOf(t testing.TB, parts ...string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for i := 0; i+1 < len(parts); i += 2 {
		w, err := zw.Create(parts[i])
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.WriteString(w, parts[i+1]); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func paragraphs(data []byte) ([]string, error) {
	return Paragraphs(bytes.NewReader(data), int64(len(data)))
}

func TestParagraphs(t *testing.T) {
	tests := []struct {
		name string
		body string
		want []string
	}{
		{"runs joined", `<w:p><w:r><w:rPr><w:b/><w:bCs/></w:rPr><w:t>一是</w:t></w:r><w:r><w:t>加大宣传力度。</w:t></w:r></w:p>`,
			[]string{"一是加大宣传力度。"}},
		{"spaces kept", `<w:p><w:r><w:t xml:space="preserve">2024 </w:t></w:r><w:r><w:t xml:space="preserve">年 </w:t></w:r><w:r><w:t>11</w:t></w:r></w:p>`,
			[]string{"2024 年 11"}},
		{"empty paragraphs", `<w:p/><w:p><w:pPr><w:jc w:val="center"/></w:pPr><w:r><w:rPr/></w:r></w:p><w:p><w:r><w:t>高等职业教育动态</w:t></w:r></w:p>`,
			[]string{"", "", "高等职业教育动态"}},
		{"entities", `<w:p><w:r><w:t>A&amp;B &lt;C&gt; &#x25CF;</w:t></w:r></w:p>`, []string{"A&B <C> ●"}},
		{"tab", `<w:p><w:r><w:t>一、教育部《关于…的通知》.....</w:t><w:tab/><w:t>3</w:t></w:r></w:p>`,
			[]string{"一、教育部《关于…的通知》.....\t3"}},
		{"tab stops are not tabs", `<w:p><w:pPr><w:tabs><w:tab w:val="right" w:leader="dot" w:pos="9350"/></w:tabs></w:pPr><w:r><w:t>目录</w:t></w:r></w:p>`,
			[]string{"目录"}},
		{"position tab", `<w:p><w:r><w:t>a</w:t><w:ptab w:relativeTo="margin" w:alignment="right" w:leader="none"/><w:t>b</w:t></w:r></w:p>`,
			[]string{"a\tb"}},
		{"soft line break", `<w:p><w:r><w:t>第一行</w:t></w:r><w:r><w:br/></w:r><w:r><w:t>第二行</w:t></w:r></w:p>`,
			[]string{"第一行\n第二行"}},
		{"carriage return and page break", `<w:p><w:r><w:t>a</w:t><w:cr/><w:t>b</w:t><w:br w:type="page"/><w:t>c</w:t><w:br w:type="column"/></w:r></w:p>`,
			[]string{"a\nb\nc\n"}},
		{"line feed inside text is a space", "<w:p><w:r><w:t>a\nb\r\nc</w:t></w:r></w:p>", []string{"a b c"}},
		{"hyphens", `<w:p><w:r><w:t>2024</w:t><w:noBreakHyphen/><w:t>2035</w:t><w:softHyphen/><w:t>年</w:t></w:r></w:p>`,
			[]string{"2024-2035年"}},
		{"symbols", `<w:p><w:r><w:sym w:font="SimSun" w:char="25CF"/><w:sym w:font="Wingdings" w:char="F06C"/><w:sym w:char="zz"/><w:t>本期导读</w:t></w:r></w:p>`,
			[]string{"●本期导读"}},
		{"tracked changes", `<w:p><w:r><w:t>资助</w:t></w:r><w:del w:id="1" w:author="x"><w:r><w:delText>旧标准</w:delText></w:r></w:del>` +
			`<w:ins w:id="2" w:author="x"><w:r><w:t>新标准</w:t></w:r></w:ins>` +
			`<w:moveFrom w:id="3" w:author="x"><w:r><w:t>挪走</w:t></w:r></w:moveFrom><w:moveTo w:id="4" w:author="x"><w:r><w:t>。</w:t></w:r></w:moveTo></w:p>`,
			[]string{"资助新标准。"}},
		{"old formatting is not text", `<w:p><w:r><w:rPr><w:b/><w:rPrChange w:id="1" w:author="x"><w:rPr><w:vanish/></w:rPr></w:rPrChange></w:rPr><w:t>看得见</w:t></w:r></w:p>`,
			[]string{"看得见"}},
		{"hidden runs", `<w:p><w:r><w:t>印</w:t></w:r><w:r><w:rPr><w:vanish/></w:rPr><w:t>隐藏</w:t><w:tab/></w:r>` +
			`<w:r><w:rPr><w:vanish w:val="0"/></w:rPr><w:t>出</w:t></w:r><w:r><w:rPr><w:vanish w:val="false"/></w:rPr><w:t>来</w:t></w:r></w:p>`,
			[]string{"印出来"}},
		{"hidden paragraph mark hides no run", `<w:p><w:pPr><w:rPr><w:vanish/></w:rPr></w:pPr><w:r><w:t>正文</w:t></w:r></w:p>`,
			[]string{"正文"}},
		{"simple field keeps its result", `<w:p><w:fldSimple w:instr=" PAGE "><w:r><w:t>3</w:t></w:r></w:fldSimple></w:p>`,
			[]string{"3"}},
		{"complex field keeps its result", `<w:p><w:r><w:t>见第</w:t></w:r><w:r><w:fldChar w:fldCharType="begin"/></w:r>` +
			`<w:r><w:instrText xml:space="preserve"> PAGEREF _Toc1 \h </w:instrText></w:r><w:r><w:t>code</w:t></w:r>` +
			`<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>3</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r><w:r><w:t>页</w:t></w:r></w:p>`,
			[]string{"见第3页"}},
		{"table of contents field across paragraphs", `<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> TOC \o "1-3" </w:instrText></w:r>` +
			`<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:hyperlink w:anchor="_Toc1"><w:r><w:t>一、通知</w:t></w:r><w:r><w:tab/></w:r>` +
			`<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> PAGEREF _Toc1 </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r>` +
			`<w:r><w:t>3</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r></w:hyperlink></w:p>` +
			`<w:p><w:r><w:t>二、意见</w:t></w:r><w:r><w:tab/><w:t>6</w:t></w:r></w:p><w:p><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>` +
			`<w:p><w:r><w:t>正文</w:t></w:r></w:p>`,
			[]string{"一、通知\t3", "二、意见\t6", "", "正文"}},
		{"unbalanced field ends", `<w:p><w:r><w:fldChar w:fldCharType="end"/><w:fldChar w:fldCharType="separate"/><w:t>a</w:t></w:r></w:p>`,
			[]string{"a"}},
		{"containers", `<w:sdt><w:sdtPr><w:alias w:val="标题"/><w:placeholder><w:docPart w:val="x"/></w:placeholder></w:sdtPr><w:sdtContent>` +
			`<w:p><w:smartTag w:uri="u" w:element="date"><w:r><w:t>2024</w:t></w:r></w:smartTag><w:customXml w:element="e"><w:r><w:t>年</w:t></w:r></w:customXml>` +
			`<w:hyperlink r:id="rId1" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><w:r><w:t>链接</w:t></w:r></w:hyperlink></w:p></w:sdtContent></w:sdt>`,
			[]string{"2024年链接"}},
		{"ruby guide left out", `<w:p><w:r><w:ruby><w:rubyPr/><w:rt><w:r><w:t>zhí</w:t></w:r></w:rt><w:rubyBase><w:r><w:t>职</w:t></w:r></w:rubyBase></w:ruby></w:r></w:p>`,
			[]string{"职"}},
		{"table cells", `<w:tbl><w:tblPr><w:tblW w:w="0" w:type="auto"/></w:tblPr><w:tr><w:tc><w:tcPr/><w:p><w:r><w:t>[总 指 导]</w:t></w:r></w:p></w:tc>` +
			`<w:tc><w:p><w:r><w:t>江 涛</w:t></w:r></w:p><w:p><w:r><w:t>管 军</w:t></w:r></w:p></w:tc></w:tr>` +
			`<w:tr><w:tc><w:p><w:r><w:t>报：</w:t></w:r></w:p></w:tc><w:tc><w:p/></w:tc></w:tr></w:tbl><w:p><w:r><w:t>后</w:t></w:r></w:p>`,
			[]string{"[总 指 导]", "江 涛", "管 军", "报：", "", "后"}},
		{"nested tables", `<w:tbl><w:tr><w:tc><w:p><w:r><w:t>外1</w:t></w:r></w:p></w:tc><w:tc>` +
			`<w:tbl><w:tr><w:tc><w:p><w:r><w:t>内1</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>内2</w:t></w:r></w:p></w:tc></w:tr></w:tbl>` +
			`<w:p><w:r><w:t>外2</w:t></w:r></w:p></w:tc></w:tr></w:tbl>`,
			[]string{"外1", "内1", "内2", "外2"}},
		{"text box once, before its anchor", `<w:p><w:r><w:t>前</w:t></w:r><w:r><mc:AlternateContent>` +
			`<mc:Choice Requires="wps"><w:drawing><wps:wsp><wps:txbx><w:txbxContent><w:p><w:r><w:t>框内</w:t></w:r></w:p></w:txbxContent></wps:txbx></wps:wsp></w:drawing></mc:Choice>` +
			`<mc:Fallback><w:pict><v:shape><v:textbox><w:txbxContent><w:p><w:r><w:t>框内</w:t></w:r></w:p></w:txbxContent></v:textbox></v:shape></w:pict></mc:Fallback>` +
			`</mc:AlternateContent></w:r><w:r><w:t>后</w:t></w:r></w:p>`,
			[]string{"框内", "前后"}},
		{"text outside the w namespace", `<w:p><w:r><w:t>x</w:t></w:r><m:oMath xmlns:m="http://schemas.openxmlformats.org/officeDocument/2006/math"><m:r><m:t>y</m:t></m:r></m:oMath></w:p>`,
			[]string{"x"}},
		{"section properties", `<w:p><w:r><w:t>末</w:t></w:r></w:p><w:sectPr><w:pgSz w:w="11906" w:h="16838"/></w:sectPr>`,
			[]string{"末"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := paragraphs(zipOf(t, DefaultPart, document(tt.body)))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %q\nwant %q", got, tt.want)
			}
		})
	}
}

// The strict flavour of Office Open XML has its own namespace.
func TestParagraphsStrict(t *testing.T) {
	doc := `<w:document xmlns:w="http://purl.oclc.org/ooxml/wordprocessingml/main"><w:body><w:p><w:r><w:t>严格</w:t></w:r></w:p></w:body></w:document>`
	got, err := paragraphs(zipOf(t, DefaultPart, doc))
	if err != nil || !reflect.DeepEqual(got, []string{"严格"}) {
		t.Errorf("got %q, %v", got, err)
	}
}

// The main part is where the package's relationships say, else
// word/document.xml.
func TestMainPart(t *testing.T) {
	rels := func(target string) string {
		return `<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
			`<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>` +
			`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="` + target + `"/></Relationships>`
	}
	one := document(`<w:p><w:r><w:t>一</w:t></w:r></w:p>`)
	two := document(`<w:p><w:r><w:t>二</w:t></w:r></w:p>`)
	tests := []struct {
		name  string
		parts []string
		want  string
	}{
		{"document2.xml", []string{"_rels/.rels", rels("word/document2.xml"), "word/document2.xml", two, DefaultPart, one}, "二"},
		{"absolute target", []string{"_rels/.rels", rels("/word/document2.xml"), "word/document2.xml", two}, "二"},
		{"target missing", []string{"_rels/.rels", rels("word/nope.xml"), DefaultPart, one}, "一"},
		{"broken rels", []string{"_rels/.rels", "<Relationships", DefaultPart, one}, "一"},
		{"no rels", []string{DefaultPart, one}, "一"},
		{"case of the name", []string{"Word/Document.XML", one}, "一"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := paragraphs(zipOf(t, tt.parts...))
			if err != nil || len(got) != 1 || got[0] != tt.want {
				t.Errorf("got %q, %v; want [%q]", got, err, tt.want)
			}
		})
	}
}

func TestParagraphsErrors(t *testing.T) {
	valid := zipOf(t, "[Content_Types].xml", strings.Repeat("<Types/>", 200), DefaultPart, document(`<w:p><w:r><w:t>正文</w:t></w:r></w:p>`))
	stored := storedZip(t, DefaultPart, document(`<w:p><w:r><w:t>正文 abc</w:t></w:r></w:p>`))
	corrupt := bytes.Clone(stored)
	corrupt[bytes.Index(corrupt, []byte("abc"))] = 'x' // still XML, but the CRC no longer matches
	cfb := append(bytes.Clone(cfbMagic), make([]byte, 504)...)

	tests := []struct {
		name string
		data []byte
		want error
		msg  string
	}{
		{"empty", nil, ErrNotDocx, "not a Word document (zip: not a valid zip file)"},
		{"text", []byte("高等职业教育动态\n第 9 期·总第 89 期\n"), ErrNotDocx, "not a Word document (zip: not a valid zip file)"},
		{"Word 97-2003 or encrypted", cfb, ErrNotDocx, "not a Word document: a Word 97-2003 .doc or a password-protected file"},
		{"truncated", valid[:len(valid)/2], ErrDamaged, "damaged or truncated Word document (zip: not a valid zip file)"},
		{"bad checksum", corrupt, ErrDamaged, "damaged or truncated Word document (word/document.xml: zip: checksum error)"},
		{"no document part", zipOf(t, "[Content_Types].xml", "<Types/>"), ErrNotDocx, "not a Word document: no word/document.xml in the zip"},
		{"a spreadsheet", zipOf(t, DefaultPart, `<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>`),
			ErrNotDocx, "not a Word document: word/document.xml holds <workbook>, not a Word document's body"},
		{"not XML", zipOf(t, DefaultPart, "第 9 期"), ErrDamaged, "damaged or truncated Word document (word/document.xml is empty)"},
		{"XML cut short", zipOf(t, DefaultPart, document(`<w:p><w:r><w:t>正文`)[:200]), ErrDamaged,
			"damaged or truncated Word document (word/document.xml: XML syntax error on line 1: unexpected EOF)"},
		{"mismatched tags", zipOf(t, DefaultPart, document("<w:p><w:r></w:p>\n</w:r>")), ErrDamaged,
			"damaged or truncated Word document (word/document.xml: XML syntax error on line 1: element <r> closed by </p>)"},
		{"nested too deep", zipOf(t, DefaultPart, document(strings.Repeat("<w:sdt>", maxDepth))), ErrDamaged,
			"damaged or truncated Word document (word/document.xml: elements nested over 1000 deep)"},
		{"UTF-16 declared", zipOf(t, DefaultPart, `<?xml version="1.0" encoding="UTF-16"?><w:document/>`), ErrDamaged,
			`damaged or truncated Word document (word/document.xml: xml: encoding "UTF-16" declared but Decoder.CharsetReader is nil)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := paragraphs(tt.data)
			if !errors.Is(err, tt.want) {
				t.Fatalf("got %q, err %v; want %v", got, err, tt.want)
			}
			if got != nil {
				t.Errorf("paragraphs %q with the error", got)
			}
			if !strings.HasPrefix(err.Error(), tt.msg) {
				t.Errorf("err %q\nwant %q…", err, tt.msg)
			}
			if strings.ContainsAny(err.Error(), "\r\n") {
				t.Errorf("err %q is not one line", err)
			}
		})
	}
}

// storedZip packs one part without compression, so its bytes can be found
// and changed.
func storedZip(t *testing.T, name, content string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Store})
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(w, content)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// A zip bomb is refused, whether its header tells the truth about how large
// the part unpacks (ErrTooLarge before reading) or lies (archive/zip stops at
// the declared size: damaged; the reader's own limit is the last guard, see
// TestLimitReader).
func TestZipBomb(t *testing.T) {
	if testing.Short() {
		t.Skip("deflates 64 MB")
	}
	// A main part just over the limit: a comment of spaces, which the XML
	// decoder would read to its end.
	head := []byte(`<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><!--`)
	var packed bytes.Buffer
	fw, _ := flate.NewWriter(&packed, flate.BestSpeed)
	fw.Write(head)
	crc := crc32.NewIEEE()
	crc.Write(head)
	spaces := bytes.Repeat([]byte{' '}, 1<<20)
	for range MaxDocumentSize >> 20 {
		fw.Write(spaces)
		crc.Write(spaces)
	}
	fw.Close()
	size := uint64(len(head)) + MaxDocumentSize

	for _, tt := range []struct {
		name   string
		claims uint64
		want   error
		msg    string
	}{
		{"honest header", size, ErrTooLarge, "Word document too large: word/document.xml unpacks to more than the 64 MB limit"},
		{"lying header", 1000, ErrDamaged, "damaged or truncated Word document (word/document.xml: zip: not a valid zip file)"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			zw := zip.NewWriter(&buf)
			w, err := zw.CreateRaw(&zip.FileHeader{
				Name: DefaultPart, Method: zip.Deflate, CRC32: crc.Sum32(),
				CompressedSize64: uint64(packed.Len()), UncompressedSize64: tt.claims,
			})
			if err != nil {
				t.Fatal(err)
			}
			w.Write(packed.Bytes())
			zw.Close()
			got, err := paragraphs(buf.Bytes())
			if !errors.Is(err, tt.want) || got != nil {
				t.Fatalf("got %d paragraphs, err %v; want %v", len(got), err, tt.want)
			}
			if err.Error() != tt.msg {
				t.Errorf("err %q, want %q", err, tt.msg)
			}
		})
	}
}

func TestLimitReader(t *testing.T) {
	for _, tt := range []struct {
		in   string
		n    int64
		over bool
	}{{"abc", 3, false}, {"abcd", 3, true}, {"", 0, false}, {"a", 0, true}} {
		lr := &limitReader{r: strings.NewReader(tt.in), n: tt.n}
		got, err := io.ReadAll(lr)
		if err != nil || string(got) != tt.in[:min(len(tt.in), int(tt.n))] || lr.over != tt.over {
			t.Errorf("%q n=%d: read %q, over %v, err %v", tt.in, tt.n, got, lr.over, err)
		}
	}
}

func TestLines(t *testing.T) {
	got := Lines([]string{"", "a\nb", "c", "d\n"})
	want := []string{"", "a", "b", "c", "d", ""}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Lines = %q, want %q", got, want)
	}
	if got := Lines(nil); len(got) != 0 {
		t.Errorf("Lines(nil) = %q", got)
	}
}

// The fixtures made by LibreOffice and pandoc read as the text they were
// made from (testdata/issues-docx/make.sh).
func TestReadFileFixtures(t *testing.T) {
	// LibreOffice opens a text file as one paragraph per line.
	paras, err := ReadFile(filepath.Join(fixturesDir, "issue-089.docx"))
	if err != nil {
		t.Fatal(err)
	}
	text, err := os.ReadFile("../../corpus/issue-089.txt")
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Split(strings.TrimSuffix(string(text), "\n"), "\n")
	if !reflect.DeepEqual(paras, want) {
		for i := range min(len(paras), len(want)) {
			if paras[i] != want[i] {
				t.Fatalf("paragraph %d = %q, want %q", i+1, paras[i], want[i])
			}
		}
		t.Fatalf("%d paragraphs, want %d", len(paras), len(want))
	}

	// pandoc: the masthead one paragraph with line breaks, bold runs, tabs
	// and the colophon in table cells.
	paras, err = ReadFile(filepath.Join(fixturesDir, "issue-086.docx"))
	if err != nil {
		t.Fatal(err)
	}
	lines := Lines(paras)
	for _, want := range []string{
		"第 6 期·总第 86 期",
		"一、人力资源社会保障部办公厅《关于进一步加强技能人才评价工作的通知》.....\t3",
		"（二）深化产教融合。一是培育产教融合型企业。",
		"[总 指 导]",
		"江 涛 陈忠飞 管 军",
	} {
		found := false
		for _, l := range lines {
			found = found || strings.HasPrefix(l, want)
		}
		if !found {
			t.Errorf("no line starts %q", want)
		}
	}
	if !strings.Contains(paras[0], "\n") {
		t.Errorf("masthead %q has no line break", paras[0])
	}
}

func TestReadFileErrors(t *testing.T) {
	for _, tt := range []struct {
		file string
		want error
	}{
		{"truncated.docx", ErrDamaged},
		{"not-a-zip.docx", ErrNotDocx},
		{"no-document.docx", ErrNotDocx},
	} {
		path := filepath.Join(badDir, tt.file)
		_, err := ReadFile(path)
		if !errors.Is(err, tt.want) || !strings.HasPrefix(err.Error(), path+": ") {
			t.Errorf("ReadFile(%s) = %v, want %v naming the file", path, err, tt.want)
		}
	}
	_, err := ReadFile(filepath.Join(t.TempDir(), "nope.docx"))
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
}

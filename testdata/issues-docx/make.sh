#!/usr/bin/env bash
# Rebuilds the .docx fixtures beside this script from the text issues, with
# real tools. The tests use the committed .docx files and never run this.
#
#   apt-get install -y libreoffice-writer-nogui pandoc
#   bash testdata/issues-docx/make.sh      # from the repository's root
#
# Made with LibreOffice 7.4.7.2 (Debian libreoffice-writer-nogui
# 4:7.4.7-1+deb12u14) and pandoc 2.17.1.1 (Debian 2.17.1.1-2~deb12u1).
set -euo pipefail
cd "$(dirname "$0")/../.."
out=testdata/issues-docx

# issue-089.docx: the real issue opened in Writer as UTF-8 text (one
# paragraph per line, the TOC's tabs as <w:tab/>) and saved as Word 2007+.
soffice --headless --infilter="Text (encoded):UTF8,LF,,," \
	--convert-to docx:"MS Word 2007 XML" --outdir "$out" corpus/issue-089.txt

# issue-086.docx: issue-086.txt (UTF-8 with BOM, CRLF) as Word formatting
# would have it, through Markdown: the masthead one paragraph with soft line
# breaks (<w:br/>), **一是** bold runs, the TOC's tabs as <w:tab/> runs, the
# colophon's [label] lines as two-cell table rows; every other line a
# paragraph.
awk 'NR==1{sub(/^\xef\xbb\xbf/,"")}
{sub(/\r$/,""); gsub(/\t/,"`<w:r><w:tab/></w:r>`{=openxml}")}
/^本期导读$/{m=1}
!m {if (NF) mast = mast (mast=="" ? "" : "\\\n") $0; next}
!done {print mast "\n"; done=1}
/^\[/ {i=index($0,"]"); rows = rows "| " substr($0,1,i) " | " substr($0,i+2) " |\n"; next}
rows != "" {print "| | |\n|---|---|\n" rows; rows=""}
NF {print $0 "\n"}' testdata/issues/issue-086.txt |
	pandoc -f markdown-smart -t docx -o "$out/issue-086.docx"

# The bad inputs made from them.
# truncated.docx: issue-089.docx cut in half, as a broken copy or download
# leaves it; not-a-zip.docx: a text issue given the wrong name;
# no-document.docx: issue-089.docx zipped again without word/document.xml.
size=$(stat -c %s "$out/issue-089.docx")
head -c $((size / 2)) "$out/issue-089.docx" >testdata/bad/truncated.docx
cp testdata/bad/no-masthead.txt testdata/bad/not-a-zip.docx
rm -f testdata/bad/no-document.docx
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && unzip -q "$OLDPWD/$out/issue-089.docx" && rm word/document.xml &&
	zip -q -X -r "$OLDPWD/testdata/bad/no-document.docx" .)

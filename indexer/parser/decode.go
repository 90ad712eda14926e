package parser

import (
	"bytes"
	"errors"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
)

var (
	utf8BOM    = []byte{0xEF, 0xBB, 0xBF}
	utf16LEBOM = []byte{0xFF, 0xFE}
	utf16BEBOM = []byte{0xFE, 0xFF}
)

// Decode turns the bytes of an exported issue into text with LF line ends.
// The institute's files come as UTF-8, UTF-8 with a byte-order mark, or
// GB18030 (what Word and Notepad write on Chinese Windows). UTF-8 is tried
// first because a valid UTF-8 file of Chinese text is almost never valid
// GB18030 by accident, while the reverse happens easily.
func Decode(data []byte) (string, error) {
	if bytes.HasPrefix(data, utf16LEBOM) || bytes.HasPrefix(data, utf16BEBOM) {
		return "", errors.New("UTF-16 text is not supported: save the file as UTF-8")
	}
	data = bytes.TrimPrefix(data, utf8BOM)
	if bytes.IndexByte(data, 0) >= 0 {
		return "", errors.New("binary data (NUL bytes): not a text file")
	}
	var s string
	if utf8.Valid(data) {
		s = string(data)
	} else {
		dec, err := simplifiedchinese.GB18030.NewDecoder().Bytes(data)
		// The decoder maps bytes it cannot read to U+FFFD instead of
		// failing, so a clean result and some Chinese are the real test.
		if err != nil || !utf8.Valid(dec) || bytes.ContainsRune(dec, utf8.RuneError) || !plausibleChinese(dec) {
			return "", errors.New("not UTF-8 or GB18030")
		}
		s = string(dec)
	}
	if mostlyControl(s) {
		return "", errors.New("binary data (control characters): not a text file")
	}
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	return s, nil
}

// plausibleChinese reports whether text decoded as GB18030 looks like the
// bulletin: some Han characters, and most non-ASCII characters Han. Random
// bytes in a legacy encoding decode to a scatter of symbols and rare forms.
func plausibleChinese(b []byte) bool {
	var han, other int
	for _, r := range string(b) {
		switch {
		case r < utf8.RuneSelf:
		case unicode.Is(unicode.Han, r):
			han++
		default:
			other++
		}
	}
	return han > 0 && han >= other
}

// mostlyControl reports whether more than 1% of the runes are control
// characters other than the whitespace a text file may hold.
func mostlyControl(s string) bool {
	var ctl, n int
	for _, r := range s {
		n++
		if r == '\n' || r == '\r' || r == '\t' || r == '\f' {
			continue
		}
		if unicode.IsControl(r) {
			ctl++
		}
	}
	return ctl > 0 && ctl*100 > n
}

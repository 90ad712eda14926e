package parser

import (
	"fmt"

	"zhengce"
)

// ParseError reports input that is not a readable issue of the bulletin. It
// names the file and, where one is to blame, the 1-based line.
type ParseError struct {
	File string
	Line int // 0 when the problem is the file as a whole
	Msg  string
}

func (e *ParseError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.File, e.Msg)
}

// Unwrap lets callers map a parse error like any other user error:
// zhengce.ErrorCode(err) is zhengce.EINVALID, so the CLI and the HTTP server
// need no knowledge of this package to pick an exit code or status.
func (e *ParseError) Unwrap() error {
	return &zhengce.Error{Code: zhengce.EINVALID, Message: e.Error()}
}

func errorf(file string, line int, format string, args ...any) *ParseError {
	return &ParseError{File: file, Line: line, Msg: fmt.Sprintf(format, args...)}
}

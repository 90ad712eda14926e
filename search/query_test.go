package search

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"zhengce"
)

func TestParseQuery(t *testing.T) {
	w := func(s string) Term { return Term{Text: s} }
	p := func(s string) Term { return Term{Text: s, Phrase: true} }
	xw := func(s string) Term { return Term{Text: s, Exclude: true} }
	xp := func(s string) Term { return Term{Text: s, Phrase: true, Exclude: true} }
	tests := []struct {
		name, in string
		want     []Term
	}{
		{"empty", "", nil},
		{"blank", " \t\n　", nil},
		{"one word", "托育", []Term{w("托育")}},
		{"surrounding space", "  托育  ", []Term{w("托育")}},
		{"two words", "婴幼儿照护 个人所得税", []Term{w("婴幼儿照护"), w("个人所得税")}},
		{"ideographic space", "婴幼儿照护　个人所得税", []Term{w("婴幼儿照护"), w("个人所得税")}},
		{"tab and newline", "人社部\t助学金\n中职", []Term{w("人社部"), w("助学金"), w("中职")}},
		{"number and unit", "10000 元", []Term{w("10000"), w("元")}},
		{"ascii phrase", `"普惠托育"`, []Term{p("普惠托育")}},
		{"chinese quotes", "“普惠托育”", []Term{p("普惠托育")}},
		{"corner brackets", "「普惠托育」", []Term{p("普惠托育")}},
		{"ascii open, chinese close", `"普惠托育”`, []Term{p("普惠托育")}},
		{"phrase keeps inner space", `"2 万名"`, []Term{p("2 万名")}},
		{"phrase trimmed", `" 普惠托育 "`, []Term{p("普惠托育")}},
		{"empty phrase dropped", `"" 托育`, []Term{w("托育")}},
		{"punctuation-only phrase dropped", `"-" "，。" 托育`, []Term{w("托育")}},
		{"phrase between words", `人社部 "技能人才评价" 通知`, []Term{w("人社部"), p("技能人才评价"), w("通知")}},
		{"phrase right after a word", `托育"普惠"`, []Term{w("托育"), p("普惠")}},
		{"exclude word", "知识产权 -重庆", []Term{w("知识产权"), xw("重庆")}},
		{"exclude with full-width minus", "知识产权 －重庆", []Term{w("知识产权"), xw("重庆")}},
		{"exclude phrase", `专精特新 -"知识产权质押"`, []Term{w("专精特新"), xp("知识产权质押")}},
		{"exclude chinese-quoted phrase", "专精特新 -“知识产权质押”", []Term{w("专精特新"), xp("知识产权质押")}},
		{"lone minus is no exclusion", "- 审计", []Term{w("审计")}},
		{"minus inside a word", "十四五-规划", []Term{w("十四五-规划")}},
		{"punctuation-only words dropped", "托育 ， 、 。 …… ——", []Term{w("托育")}},
		{"punctuation-only query", "，。、", nil},
		{"word with punctuation kept", "双随机、一公开", []Term{w("双随机、一公开")}},
		{"latin letters", "PCT 专利", []Term{w("PCT"), w("专利")}},
		{"only exclusions", "-审计 -托育", []Term{xw("审计"), xw("托育")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseQuery(tt.in)
			if err != nil {
				t.Fatalf("ParseQuery(%q): %v", tt.in, err)
			}
			if len(got) == 0 && len(tt.want) == 0 {
				return
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("ParseQuery(%q)\n got %+v\nwant %+v", tt.in, got, tt.want)
			}
		})
	}
}

func TestParseQueryUnclosedQuote(t *testing.T) {
	for _, in := range []string{
		`"普惠托育`,
		"“普惠托育",
		"「普惠托育",
		`托育 "普惠`,
		`托育"普惠`,
		`-"知识产权`,
		`"普惠托育" "双减`,
		`"`,
	} {
		terms, err := ParseQuery(in)
		if err == nil {
			t.Errorf("ParseQuery(%q) = %+v, want an error for the unclosed quote", in, terms)
			continue
		}
		var e *zhengce.Error
		if !errors.As(err, &e) || e.Code != zhengce.EINVALID {
			t.Errorf("ParseQuery(%q): error %v (%T), want a *zhengce.Error with code %s", in, err, err, zhengce.EINVALID)
			continue
		}
		if !strings.Contains(e.Message, "quote") {
			t.Errorf("ParseQuery(%q): message %q does not say a quote is not closed", in, e.Message)
		}
	}
}

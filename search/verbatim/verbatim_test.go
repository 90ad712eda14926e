package verbatim

import "testing"

func TestContains(t *testing.T) {
	for _, c := range []struct {
		text, sub string
		want      bool
	}{
		{"增加到 2 万名。", "2 万名", true},
		{"增加到 12 万名。", "2 万名", false},
		{"由 12 万名增加到 2 万名", "2 万名", true},
		{"达 8539.9 亿元", "9 亿元", false},
		{"奖助学金", "助学金", true},
		{"PCT 国际专利", "PCT", true},
		{"APCT", "PCT", false},
		{"托育", "普惠托育", false},
	} {
		if got := Contains(c.text, c.sub); got != c.want {
			t.Errorf("Contains(%q, %q) = %v, want %v", c.text, c.sub, got, c.want)
		}
	}
}

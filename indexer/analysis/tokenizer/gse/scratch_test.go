package gse

import (
	"fmt"
	"testing"

	"zhengce/indexer/analysis/segmenter"
)

func TestScratch(t *testing.T) {
	seg, _ := segmenter.Load(nil)
	for _, mode := range []Mode{ModeIndex, ModeQuery} {
		tk := NewTokenizer(seg, mode)
		for _, s := range []string{"调整高等教育阶段和高中阶段国家奖助学金政策", "各级审计工作要加强，PCT 申请 2024 年“1+1+4”交易机制", "技能人才评价体系研究", "普惠托育服务", "知识产权质押融资", "人社部 助学金"} {
			for _, tok := range tk.Tokenize([]byte(s)) {
				fmt.Printf("%s@%d[%d:%d] ", tok.Term, tok.Position, tok.Start, tok.End)
			}
			fmt.Println()
		}
	}
}

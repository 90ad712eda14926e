package search

import (
	"context"
	"slices"
	"testing"

	"zhengce"
)

func TestIssuesNewestFirstWithPassageCounts(t *testing.T) {
	s := testSearcher(t)
	issues, err := s.Issues(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var running []int
	for _, iss := range issues {
		running = append(running, iss.Running)
	}
	if want := []int{91, 90, 89, 88, 87, 86}; !slices.Equal(running, want) {
		t.Fatalf("issues %v, want %v", running, want)
	}
	count := map[int]int{}
	for _, p := range allPassages(t) {
		count[p.Issue.Running]++
	}
	for _, iss := range issues {
		if iss.Passages != count[iss.Running] || iss.Passages == 0 {
			t.Errorf("issue %d: summary says %d passages, the index holds %d", iss.Running, iss.Passages, count[iss.Running])
		}
	}
	var seed IssueSummary
	for _, iss := range issues {
		if iss.Running == 89 {
			seed = iss
		}
	}
	if seed.Number != 9 || seed.Date != "2024-11-13" || len(seed.Sections) != 4 {
		t.Fatalf("issue 89: number %d, date %s, %d sections; want 9, 2024-11-13, 4", seed.Number, seed.Date, len(seed.Sections))
	}
	if s3 := seed.Sections[2]; !slices.Equal(s3.Bodies, []string{"中共中央", "国务院"}) || s3.PolicyTitle != "关于深化产业工人队伍建设改革的意见" {
		t.Errorf("issue 89 section 三: bodies %v, title %q", s3.Bodies, s3.PolicyTitle)
	}
	if want := []string{"技能人才评价体系研究", "普惠托育服务供给研究", "知识产权融合发展研究"}; !slices.Equal(seed.Directions, want) {
		t.Errorf("issue 89 directions %v, want %v", seed.Directions, want)
	}
}

func TestIssueListsItsPassagesInBulletinOrder(t *testing.T) {
	s := testSearcher(t)
	sum, passages, err := s.Issue(context.Background(), 89)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Running != 89 || len(passages) != sum.Passages {
		t.Fatalf("issue 89: summary %d (%d passages), got %d passages", sum.Running, sum.Passages, len(passages))
	}
	for i, p := range passages {
		if p.Ordinal != i+1 || p.Issue.Running != 89 {
			t.Fatalf("passage %d is %s (ordinal %d, issue %d)", i+1, p.ID, p.Ordinal, p.Issue.Running)
		}
	}
	// The guide comes first and the research directions last, as printed.
	if passages[0].Kind != zhengce.KindGuide || passages[len(passages)-1].Kind != zhengce.KindDirection {
		t.Errorf("first passage %s is %s, last %s is %s", passages[0].ID, passages[0].Kind,
			passages[len(passages)-1].ID, passages[len(passages)-1].Kind)
	}

	_, _, err = s.Issue(context.Background(), 999)
	if zhengce.ErrorCode(err) != zhengce.ENOTFOUND {
		t.Errorf("issue 999: error %v, want %s", err, zhengce.ENOTFOUND)
	}
}

func TestTopicsAcrossIssues(t *testing.T) {
	s := testSearcher(t)
	topics, err := s.Topics(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	linked := map[string]int{}
	for _, p := range allPassages(t) {
		for _, d := range p.Directions {
			linked[d]++
		}
	}
	names := map[string]bool{}
	newest := 1 << 30
	for _, tp := range topics {
		if names[tp.Name] {
			t.Errorf("topic %s listed twice", tp.Name)
		}
		names[tp.Name] = true
		if len(tp.Issues) == 0 {
			t.Errorf("topic %s: no issue", tp.Name)
			continue
		}
		if tp.Passages != linked[tp.Name] || tp.Passages == 0 {
			t.Errorf("topic %s: %d passages, the index links %d", tp.Name, tp.Passages, linked[tp.Name])
		}
		// Newest first: a topic's latest issue is no newer than the one before.
		if tp.Issues[0].Running > newest {
			t.Errorf("topic %s (issue %d) listed after a topic of issue %d", tp.Name, tp.Issues[0].Running, newest)
		}
		newest = tp.Issues[0].Running
	}
	for _, want := range []string{"技能人才评价体系研究", "中等职业学校奖助学金评审机制研究", "技能人才评价标准开发研究"} {
		if !names[want] {
			t.Errorf("no topic %s", want)
		}
	}

	tp, err := s.Topic(context.Background(), "普惠托育服务供给研究")
	if err != nil {
		t.Fatal(err)
	}
	if len(tp.Issues) != 1 || tp.Issues[0].Running != 89 {
		t.Errorf("普惠托育服务供给研究 proposed by %v, want issue 89", tp.Issues)
	}
	if _, err := s.Topic(context.Background(), "不存在的方向研究"); zhengce.ErrorCode(err) != zhengce.ENOTFOUND {
		t.Errorf("unknown topic: error %v, want %s", err, zhengce.ENOTFOUND)
	}
}

func TestTopicSearchListsLinkedPassagesFirst(t *testing.T) {
	s := testSearcher(t)
	const name = "技能人才评价体系研究"
	tp, err := s.Topic(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	res, err := s.Search(context.Background(), Request{Topic: name, Size: MaxSize})
	if err != nil {
		t.Fatal(err)
	}
	linked, seenUnlinked := 0, false
	var found []string
	for _, h := range res.Hits {
		found = append(found, h.ID)
		if h.Linked != slices.Contains(h.Directions, name) {
			t.Errorf("%s: linked %v, directions %v", h.ID, h.Linked, h.Directions)
		}
		if h.Linked {
			linked++
			if seenUnlinked {
				t.Errorf("linked passage %s ranks below a passage that is not linked", h.ID)
			}
		} else {
			seenUnlinked = true
		}
	}
	if linked != tp.Passages {
		t.Errorf("%d linked hits, the topic links %d passages", linked, tp.Passages)
	}
	// Issue 91 discusses 技能人才评价体系 without proposing it as a direction.
	if !slices.Contains(found, "091-s02-001") {
		t.Errorf("topic %s does not find 091-s02-001; hits %v", name, found)
	}

	// Filters narrow a topic like any search.
	res, err = s.Search(context.Background(), Request{Topic: name, Issues: []int{91}, Size: MaxSize})
	if err != nil {
		t.Fatal(err)
	}
	if res.Total == 0 {
		t.Fatal("topic filtered to issue 91 found nothing")
	}
	for _, h := range res.Hits {
		if h.Issue.Running != 91 || h.Linked {
			t.Errorf("issue filter: hit %s (issue %d, linked %v)", h.ID, h.Issue.Running, h.Linked)
		}
	}
}

func TestTopicSubject(t *testing.T) {
	// The rule comes from the aliases the index was built with.
	s := testSearcher(t)
	for in, want := range map[string]string{
		"技能人才评价体系研究": "技能人才评价体系",
		"研究":         "研究",
		"产教融合":       "产教融合",
	} {
		if got := s.TopicSubject(in); got != want {
			t.Errorf("TopicSubject(%q) = %q, want %q", in, got, want)
		}
	}
}

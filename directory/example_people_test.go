package directory_test

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/text/language"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/directory"
	"github.com/orgkit/orgkit/member"
	"github.com/orgkit/orgkit/orgtree"
	"github.com/orgkit/orgkit/pinyin"
)

// exampleOrg builds a small directory: R&D with Grace as manager and Alan reporting
// to her, plus two Chinese-named members.
func exampleOrg() (*directory.Service, *directory.Snapshot, orgkit.NodeID, orgkit.MemberID) {
	ctx := context.Background()
	svc := directory.New(directory.Options{})
	dir, err := svc.EnsureDefault(ctx, directory.Founder{Name: "Ada", Mobile: "13900000000"})
	if err != nil {
		panic(err)
	}
	rd, grace := orgkit.NewNodeID(), orgkit.NewMemberID()
	alan := orgkit.NewMemberID()
	res, err := svc.Apply(ctx, dir.ID(), directory.Meta{Actor: "ada"},
		orgtree.Create{ID: rd, Parent: dir.Root(), Kind: orgtree.Department, Name: orgkit.Names{Default: "R&D", ByLang: map[string]string{"zh-Hans": "研发部"}}},
		member.Create{ID: grace, SystemName: orgkit.Name("grace"), FullName: "Grace", Mobile: "13900000001", Email: "grace@example.com", JobTitle: "CTO", Primary: rd},
		member.Create{ID: alan, SystemName: orgkit.Name("alan"), FullName: "Alan", Mobile: "13900000002", Primary: rd, ReportingManager: grace},
		member.Create{ID: orgkit.NewMemberID(), SystemName: orgkit.Name("张三"), Mobile: "13900000003", Primary: rd},
		member.Create{ID: orgkit.NewMemberID(), SystemName: orgkit.Name("曾小明"), Mobile: "13900000004", Primary: rd},
		orgtree.SetManager{Node: rd, Member: grace},
	)
	if err != nil {
		panic(err)
	}
	return svc, res.Snapshot, rd, grace
}

// Resigning a manager removes her posts, reporting lines and roles; the change set
// lists each removal, and Undo restores them.
func Example_resignation() {
	ctx := context.Background()
	svc, snap, rd, grace := exampleOrg()
	res, err := svc.Apply(ctx, snap.ID(), directory.Meta{Actor: "ada", Reason: "Grace left"},
		member.Resign{Members: []orgkit.MemberID{grace}})
	if err != nil {
		panic(err)
	}
	for _, c := range res.ChangeSet.Changes {
		if before, ok := c.Before().Node(); ok {
			fmt.Println("removed as manager of", before.Name.Default)
		}
		if before, ok := c.Before().Member(); ok {
			after, _ := c.After().Member()
			if before.ReportingManager != after.ReportingManager {
				fmt.Println("removed as reporting manager of", after.FullName)
			} else {
				fmt.Println(after.FullName, "is now", after.Status)
			}
		}
	}
	u, err := svc.Undo(ctx, snap.ID(), res.ChangeSet.Version, directory.Meta{Actor: "ada"})
	if err != nil {
		panic(err)
	}
	n, _ := u.Snapshot.Node(rd)
	fmt.Println("after undo the manager of R&D is", u.Snapshot.MemberName(n.Manager, language.English))
	// Output:
	// Grace is now inactive
	// removed as manager of R&D
	// removed as reporting manager of Alan
	// after undo the manager of R&D is Grace
}

// A page of a department's active members, then the next one.
func ExampleSnapshot_List() {
	_, snap, rd, _ := exampleOrg()
	q := directory.List{Node: rd, Status: directory.StatusActive, Limit: 2}
	for {
		page, err := snap.List(q)
		if err != nil {
			panic(err)
		}
		var names []string
		for m := range page.Members() {
			names = append(names, m.DisplayName())
		}
		fmt.Println(strings.Join(names, ", "))
		if page.Next == "" {
			break
		}
		q.Cursor = page.Next
	}
	n, _ := snap.Count(directory.List{Status: directory.StatusNoReportingManager})
	fmt.Println("without a reporting manager:", n)
	// Output:
	// Grace, Alan
	// 张三, 曾小明
	// without a reporting manager: 4
}

// Searching by pinyin initials and by full pinyin, with every reading of a
// polyphonic character (曾: zeng or ceng), and highlighting what matched.
func ExampleSnapshot_Search() {
	_, snap, _, _ := exampleOrg()
	py := pinyin.New() // opt-in: only hosts that import pinyin load its dictionary
	for _, text := range []string{"zs", "zengxiao", "cxm", "yanfa", "0001"} {
		res, err := snap.Search(directory.Search{Text: text, Transliterator: py})
		if err != nil {
			panic(err)
		}
		for _, h := range res.Members {
			fmt.Printf("%s → member %s (%s %s by %s) highlight %q\n", text, h.Member().DisplayName(), h.Rank, h.Field, h.Via, h.Value[h.Ranges[0].Start:h.Ranges[0].End])
		}
		for _, h := range res.Nodes {
			fmt.Printf("%s → node %s (%s, %s form) highlight %q\n", text, h.Node().Name.Default, h.Rank, h.Lang, h.Value[h.Ranges[0].Start:h.Ranges[0].End])
		}
	}
	// Output:
	// zs → member 张三 (exact system_name by initials) highlight "张三"
	// zengxiao → member 曾小明 (prefix system_name by reading) highlight "曾小"
	// cxm → member 曾小明 (exact system_name by initials) highlight "曾小明"
	// yanfa → node R&D (prefix, zh-Hans form) highlight "研发"
	// 0001 → member Grace (substring mobile by text) highlight "0001"
}

// A newly registered user joins a directory that allows it, with no department.
func ExampleService_Join() {
	ctx := context.Background()
	svc, snap, _, _ := exampleOrg()
	m, err := svc.Join(ctx, snap.ID(), directory.Registration{Name: "newbie", Mobile: "13700000000"})
	if err != nil {
		panic(err)
	}
	fmt.Println(m.SystemName.Default, m.SelfJoined, m.Primary.IsZero())

	_, _ = svc.Apply(ctx, snap.ID(), directory.Meta{Actor: "ada"}, directory.SetSelfJoin{Allowed: false})
	_, err = svc.Join(ctx, snap.ID(), directory.Registration{Name: "late", Mobile: "13700000001"})
	var inv *orgkit.InvalidError
	if errors.As(err, &inv) {
		fmt.Println(inv.Violations[0].Code)
	}
	// Output:
	// newbie true true
	// directory.self_join.disallowed
}

type printer struct{}

func (printer) SendActivation(_ context.Context, _ orgkit.DirectoryID, m *member.Member, via directory.Channel) error {
	fmt.Println("remind", m.DisplayName(), "by", via)
	return nil
}

// Activation reminders go to members who never activated; the others are reported
// with the reason, never skipped silently.
func ExampleService_RemindActivation() {
	ctx := context.Background()
	svc, snap, _, grace := exampleOrg()
	_, _ = svc.Apply(ctx, snap.ID(), directory.Meta{}, member.SetLoginBlocked{Members: []orgkit.MemberID{grace}, Blocked: true})
	var ids []orgkit.MemberID
	for m := range snap.ListAll(directory.List{}) {
		ids = append(ids, m.ID)
	}
	rep, err := svc.RemindActivation(ctx, snap.ID(), printer{}, directory.ChannelAuto, ids...)
	if err != nil {
		panic(err)
	}
	for _, n := range rep.Notices {
		if n.Outcome == directory.Ineligible {
			m, _ := snap.Member(n.Member)
			fmt.Println("not", m.DisplayName()+":", n.Reason.Text(language.English))
		}
	}
	// Output:
	// remind Ada by sms
	// remind Alan by sms
	// remind 张三 by sms
	// remind 曾小明 by sms
	// not Grace: the member's login is blocked
}

// A member's hover card in Simplified Chinese, laid out by the admin.
func ExampleSnapshot_Card() {
	svc, snap, _, grace := exampleOrg()
	res, err := svc.Apply(context.Background(), snap.ID(), directory.Meta{Actor: "admin"}, directory.SetCardLayout{
		Layout: member.Layout{Kind: member.HoverCard, Fields: []member.Field{member.PrimaryDepartmentField, member.EmailField, member.ReportingManagerField}}})
	if err != nil {
		panic(err)
	}
	snap = res.Snapshot
	m, _ := snap.Member(grace)
	for _, it := range snap.Card(&m, member.HoverCard, language.SimplifiedChinese) {
		fmt.Printf("%s: %s\n", it.Label, it.Value)
	}
	// Output:
	// 系统名: grace
	// 职位: CTO
	// 主属部门: 研发部
	// 邮箱: grace@example.com
}

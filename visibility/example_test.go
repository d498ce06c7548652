package visibility_test

import (
	"context"
	"fmt"

	"golang.org/x/text/language"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/directory"
	"github.com/orgkit/orgkit/member"
	"github.com/orgkit/orgkit/orgtree"
	"github.com/orgkit/orgkit/visibility"
)

func Example() {
	ctx := context.Background()
	svc := directory.New(directory.Options{}) // in-memory store
	dir, _ := svc.Create(ctx, directory.NewDirectory{Name: orgkit.Name("Acme"),
		Founder: &directory.Founder{Name: "Ada", Email: "ada@acme.test"}})
	sales, east, secret := orgkit.NewNodeID(), orgkit.NewNodeID(), orgkit.NewNodeID()
	sam, eve, sid := orgkit.NewMemberID(), orgkit.NewMemberID(), orgkit.NewMemberID()
	person := func(id orgkit.MemberID, name string, dept orgkit.NodeID) member.Create {
		return member.Create{ID: id, SystemName: orgkit.Name(name), FullName: name,
			Email: name + "@acme.test", LoginMethod: member.LoginByEmail, Primary: dept}
	}
	res, err := svc.Apply(ctx, dir.ID(), directory.Meta{Actor: "admin"},
		orgtree.Create{ID: sales, Parent: dir.Root(), Kind: orgtree.Department, Name: orgkit.Name("Sales")},
		orgtree.Create{ID: east, Parent: sales, Kind: orgtree.Department, Name: orgkit.Name("East")},
		orgtree.Create{ID: secret, Parent: dir.Root(), Kind: orgtree.Department, Name: orgkit.Name("Secret"),
			Isolation: orgtree.Isolation{HideFromOutside: true}},
		person(sam, "Sam", sales), person(eve, "Eve", east), person(sid, "Sid", secret),
		orgtree.SetManager{Node: sales, Member: sam},
	)
	if err != nil {
		fmt.Println(err)
		return
	}
	idx := visibility.Compile(res.Snapshot)

	fmt.Println(idx.CanRead(sam, east), idx.CanWrite(sam, east))
	fmt.Println(idx.ExplainCanWrite(sam, east).Text(language.English))
	fmt.Println(idx.CanSee(eve, sid))
	fmt.Println(idx.ExplainCanSee(eve, sid).Text(language.SimplifiedChinese))
	// Output:
	// true false
	// Sam holds a post at Sales, above East: that allows viewing the data of East, not changing it — only an org admin or the manager or an assistant of East itself may change it
	// false
	// Secret 设置了对外隐藏，Eve 既不在该部门内，也不在其可见白名单中
}

// The whole data scope of a manager: the subtree of the post to read, the post's node
// itself to change.
func ExampleIndex_WriteNodes() {
	ctx := context.Background()
	svc := directory.New(directory.Options{})
	dir, _ := svc.Create(ctx, directory.NewDirectory{Name: orgkit.Name("Acme"),
		Founder: &directory.Founder{Name: "Ada", Email: "ada@acme.test"}})
	sales, east, sam := orgkit.NewNodeID(), orgkit.NewNodeID(), orgkit.NewMemberID()
	res, err := svc.Apply(ctx, dir.ID(), directory.Meta{Actor: "admin"},
		orgtree.Create{ID: sales, Parent: dir.Root(), Kind: orgtree.Department, Name: orgkit.Name("Sales")},
		orgtree.Create{ID: east, Parent: sales, Kind: orgtree.Department, Name: orgkit.Name("East")},
		member.Create{ID: sam, SystemName: orgkit.Name("Sam"), Email: "sam@acme.test",
			LoginMethod: member.LoginByEmail, Primary: sales},
		orgtree.SetManager{Node: sales, Member: sam},
	)
	if err != nil {
		fmt.Println(err)
		return
	}
	idx := visibility.Compile(res.Snapshot)
	name := func(id orgkit.NodeID) string {
		n, _ := res.Snapshot.Tree().Node(id)
		return n.Name.Default
	}
	for n := range idx.ReadNodes(sam) {
		fmt.Println("reads", name(n))
	}
	for n := range idx.WriteNodes(sam) {
		fmt.Println("changes", name(n))
	}
	// Output:
	// reads Sales
	// reads East
	// changes Sales
}

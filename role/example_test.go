package role_test

import (
	"context"
	"fmt"

	"golang.org/x/text/language"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/directory"
	"github.com/orgkit/orgkit/member"
	"github.com/orgkit/orgkit/role"
)

func Example() {
	ctx := context.Background()
	svc := directory.New(directory.Options{}) // in-memory store
	dir, _ := svc.EnsureDefault(ctx, directory.Founder{Name: "Ada", Mobile: "13900000000"})

	sales, buyer, group, bob := orgkit.NewRoleID(), orgkit.NewRoleID(), orgkit.NewRoleGroupID(), orgkit.NewMemberID()
	res, err := svc.Apply(ctx, dir.ID(), directory.Meta{Actor: "ada"},
		role.CreateGroup{ID: group, Name: orgkit.Names{Default: "Commerce", ByLang: map[string]string{"zh-Hans": "商务"}}},
		role.Create{ID: sales, Name: orgkit.Name("Sales rep"), Group: group, Permissions: []string{"crm.lead.read", "crm.lead.write"}},
		role.Create{ID: buyer, Name: orgkit.Name("Procurement specialist"), Group: group},
		member.Create{ID: bob, SystemName: orgkit.Name("bob"), Mobile: "13900000001"},
		role.Assign{Members: []orgkit.MemberID{bob}, Roles: []orgkit.RoleID{sales, buyer}, Primary: buyer},
		role.Unassign{Members: []orgkit.MemberID{bob}, Roles: []orgkit.RoleID{buyer}}, // primary passes on
	)
	if err != nil {
		panic(err)
	}
	a := res.Snapshot.Assignment(bob)
	primary, _ := res.Snapshot.Role(a.Primary)
	g, _ := res.Snapshot.RoleGroup(primary.Group)
	fmt.Println(len(a.Roles), primary.Name.Default, g.Name.In(language.SimplifiedChinese))
	// Output:
	// 1 Sales rep 商务
}

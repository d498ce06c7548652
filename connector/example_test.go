package connector_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/connector"
	"github.com/orgkit/orgkit/connector/connectortest"
	"github.com/orgkit/orgkit/directory"
	"github.com/orgkit/orgkit/orgtree"
)

// Sync a directory from an upstream (here an in-memory DingTalk tenant), change
// something upstream, and sync again.
func Example() {
	ctx := context.Background()
	svc := directory.New(directory.Options{}) // the in-memory store
	dir, _ := svc.Create(ctx, directory.NewDirectory{Name: orgkit.Name("Acme")})

	src := connectortest.New(connectortest.Options{})
	src.PutDepartment(connector.Department{Present: connector.DepartmentFields(), ExternalID: "rd", Parent: "1", Name: orgkit.Name("R&D"), Leaders: []string{"ada"}})
	src.PutMember(connectortest.NewMember("ada", "Ada Lovelace", "13900000001", "rd"))
	src.PutMember(connectortest.NewMember("alan", "Alan Turing", "13900000002", "rd"))

	rep, err := connector.Sync(ctx, svc, dir.ID(), src, connector.SyncOptions{})
	if err != nil {
		panic(err)
	}
	fmt.Println(rep.Counts)

	src.EditDepartment("rd", func(d *connector.Department) { d.Name = orgkit.Name("Research") })
	rep, _ = connector.Sync(ctx, svc, dir.ID(), src, connector.SyncOptions{})
	for _, it := range rep.Plan.Items {
		fmt.Println(it)
	}

	rep, _ = connector.Sync(ctx, svc, dir.ID(), src, connector.SyncOptions{})
	fmt.Println("committed again:", rep.Committed)

	snap, _ := svc.Snapshot(ctx, dir.ID())
	rd, _ := snap.Tree().ByExternalID("rd")
	_, err = svc.Apply(ctx, dir.ID(), directory.Meta{Actor: "admin"}, orgtree.Rename{Node: rd.ID, Name: orgkit.Name("Lab")})
	fmt.Println("rename here refused:", errors.Is(err, orgkit.ErrReadOnly))
	// Output:
	// map[directory.bind:1 member.create:2 node.bind:1 node.create:1 node.manager:1]
	// node.rename       Research [rd]: renamed upstream from "R&D"
	// committed again: false
	// rename here refused: true
}

// A Secret never shows its value.
func ExampleSecret() {
	c := connector.Credentials{ID: "dingabc", Secret: connector.NewSecret("s3cr3t")}
	fmt.Println(c.Secret, c)
	fmt.Printf("%v %s %q %#v\n", c.Secret, c.Secret, c.Secret, c.Secret)
	fmt.Println(len(c.Secret.Reveal()))
	// Output:
	// [redacted] credentials{dingabc [redacted]}
	// [redacted] [redacted] [redacted] [redacted]
	// 6
}

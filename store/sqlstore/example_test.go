package sqlstore_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/directory"
	"github.com/orgkit/orgkit/member"
	"github.com/orgkit/orgkit/orgtree"
	"github.com/orgkit/orgkit/store/sqlstore"
)

// A single-process host keeps its organization in a SQLite file that survives a
// restart, and reports on it with SQL through the read-only views.
func ExampleOpenSQLite() {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "orgkit-example")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "orgkit.db")

	db, err := sqlstore.OpenSQLite(ctx, path, sqlstore.SQLiteOptions{})
	if err != nil {
		panic(err)
	}
	svc := directory.New(directory.Options{Store: db})
	snap, err := svc.EnsureDefault(ctx, directory.Founder{Name: "Ada", Mobile: "13900000000"})
	if err != nil {
		panic(err)
	}
	rd := orgkit.NewNodeID()
	_, err = svc.Apply(ctx, snap.ID(), directory.Meta{Actor: "ada", Reason: "set up R&D"},
		orgtree.Create{ID: rd, Parent: snap.Root(), Kind: orgtree.Department, Name: orgkit.Name("R&D")},
		member.Create{ID: orgkit.NewMemberID(), SystemName: orgkit.Name("alice"), FullName: "Alice", Mobile: "13900000001", Primary: rd},
	)
	if err != nil {
		panic(err)
	}
	db.Close()

	// After a restart, the directory is where it was.
	db, err = sqlstore.OpenSQLite(ctx, path, sqlstore.SQLiteOptions{})
	if err != nil {
		panic(err)
	}
	defer db.Close()
	svc = directory.New(directory.Options{Store: db})
	snap, err = svc.Snapshot(ctx, snap.ID())
	if err != nil {
		panic(err)
	}
	fmt.Println("members:", snap.MemberCount())

	rows, err := db.DB().QueryContext(ctx, `SELECT m.full_name, COALESCE(n.name, '(no department)') FROM orgkit_member m
		LEFT JOIN orgkit_node n ON n.directory_id = m.directory_id AND n.id = m.primary_node
		WHERE m.status = 'active' ORDER BY m.full_name`)
	if err != nil {
		panic(err)
	}
	defer rows.Close()
	for rows.Next() {
		var name, dept string
		if err := rows.Scan(&name, &dept); err != nil {
			panic(err)
		}
		fmt.Println(name, "in", dept)
	}
	// Output:
	// members: 2
	// Ada in (no department)
	// Alice in R&D
}

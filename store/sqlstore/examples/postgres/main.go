// Command postgres shows a host wiring orgkit's directory service to PostgreSQL from
// a DSN: two service instances (as two app processes would) share one database, the
// second learns of the first's commits through LISTEN/NOTIFY, and a report reads the
// read-only SQL views.
//
//	go run ./examples/postgres -dsn postgres://user:pass@localhost:5432/db
//
// The DSN may also come from the environment variable ORGKIT_POSTGRES_DSN. The
// program creates the store's tables in the database when they are missing and adds
// a department and two people to the default directory (creating it when missing).
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"time"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/directory"
	"github.com/orgkit/orgkit/member"
	"github.com/orgkit/orgkit/orgtree"
	"github.com/orgkit/orgkit/store"
	"github.com/orgkit/orgkit/store/sqlstore"
)

func main() {
	dsn := flag.String("dsn", os.Getenv("ORGKIT_POSTGRES_DSN"), "PostgreSQL DSN (URL or key=value)")
	flag.Parse()
	if *dsn == "" {
		fmt.Fprintln(os.Stderr, "usage: postgres -dsn postgres://user:pass@host:5432/db (or set ORGKIT_POSTGRES_DSN)")
		os.Exit(2)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := run(ctx, *dsn); err != nil {
		log.Fatal(err)
	}
}

func run(ctx context.Context, dsn string) error {
	// One store (one connection pool) per app instance; each brings the schema up to
	// date on open, safely when several start at once.
	db, err := sqlstore.OpenPostgres(ctx, dsn, sqlstore.PostgresOptions{})
	if err != nil {
		return err
	}
	defer db.Close()
	app := directory.New(directory.Options{Store: db})

	other, err := sqlstore.OpenPostgres(ctx, dsn, sqlstore.PostgresOptions{})
	if err != nil {
		return err
	}
	defer other.Close()
	notices := make(chan store.Notice, 16)
	if err := other.Watch(ctx, func(n store.Notice) {
		select {
		case notices <- n:
		default: // a slow subscriber drops notices; it asks the store when it reads
		}
	}); err != nil {
		return err
	}
	second := directory.New(directory.Options{Store: other})

	snap, err := app.EnsureDefault(ctx, directory.Founder{Name: "Ada", Mobile: "13900000000"})
	if err != nil {
		return err
	}
	rd, alice, bob := orgkit.NewNodeID(), orgkit.NewMemberID(), orgkit.NewMemberID()
	suffix := rd.String()[len(rd.String())-6:] // a second run adds its own department and people
	res, err := app.Apply(ctx, snap.ID(), directory.Meta{Actor: "ada", Reason: "set up R&D"},
		orgtree.Create{ID: rd, Parent: snap.Root(), Kind: orgtree.Department, Name: orgkit.Name("R&D " + suffix)},
		member.Create{ID: alice, SystemName: orgkit.Name("alice-" + suffix), FullName: "Alice", Primary: rd,
			Email: "alice-" + suffix + "@example.com", LoginMethod: member.LoginByEmail},
		member.Create{ID: bob, SystemName: orgkit.Name("bob-" + suffix), FullName: "Bob", Primary: rd,
			Email: "bob-" + suffix + "@example.com", LoginMethod: member.LoginByEmail},
		orgtree.SetManager{Node: rd, Member: alice},
	)
	if err != nil {
		return err
	}
	version := res.ChangeSet.Version
	fmt.Printf("committed version %d (%d changes)\n", version, len(res.ChangeSet.Changes))

	// The second instance hears of the commit and serves it.
	for n := range notices {
		if n.Directory == snap.ID() && n.Head >= version {
			break
		}
	}
	seen, err := second.Snapshot(ctx, snap.ID())
	if err != nil {
		return err
	}
	m, _ := seen.Member(alice)
	fmt.Printf("the second instance sees version %d: %s manages R&D %s\n", seen.Version(), m.FullName, suffix)

	// Reports read the views with SQL.
	var people int
	err = db.Pool().QueryRow(ctx, `SELECT count(*) FROM orgkit_member m JOIN orgkit_node n
		ON n.directory_id = m.directory_id AND n.id = m.primary_node WHERE n.id = $1 AND m.status = 'active'`, rd.UUID()).Scan(&people)
	if err != nil {
		return err
	}
	fmt.Printf("active people in R&D %s: %d\n", suffix, people)
	return nil
}

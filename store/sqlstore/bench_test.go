package sqlstore

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/directory"
	"github.com/orgkit/orgkit/member"
	"github.com/orgkit/orgkit/orgkittest"
	"github.com/orgkit/orgkit/store"
	"github.com/orgkit/orgkit/store/memstore"
)

// The benchmarks run on a directory of orgkittest.LargeShape (10,000 departments,
// 100,000 members), seeded once per database and benchmark run:
//
//	ORGKIT_POSTGRES_DSN=postgres://… go test -run '^$' -bench . -benchtime 5x
//
// Medians are reported beside the means (median-ms), since the targets are medians.
// BenchmarkLoad100k and BenchmarkCommitMemberEdit also run on memstore: its figures
// are the service's own share, which no store can save.

// benchDB is one database with the large directory in it.
type benchDB struct {
	open func(b *testing.B) store.Store // another handle on the database
	dir  *orgkittest.Directory
}

var (
	benchOnce sync.Map // engine → *sync.Once
	benchDBs  sync.Map // engine → *benchDB
)

// large returns the engine's database with the large directory, seeding it on first
// use.
func large(b *testing.B, engine string) *benchDB {
	b.Helper()
	once, _ := benchOnce.LoadOrStore(engine, new(sync.Once))
	once.(*sync.Once).Do(func() {
		var open func(b *testing.B) store.Store
		switch engine {
		case "postgres":
			dsn := postgresDSN(b)
			schema := fmt.Sprintf("orgkit_bench_%d", time.Now().UnixNano())
			admin, err := OpenPostgres(context.Background(), dsn, PostgresOptions{})
			if err != nil {
				b.Fatal(err)
			}
			if _, err := admin.pool.Exec(context.Background(), "CREATE SCHEMA "+schema); err != nil {
				b.Fatal(err)
			}
			admin.Close()
			sdsn := withParam(dsn, "search_path", schema)
			open = func(b *testing.B) store.Store {
				p, err := OpenPostgres(context.Background(), sdsn, PostgresOptions{})
				if err != nil {
					b.Fatal(err)
				}
				return p // left open: the benchmark process ends soon
			}
		case "memstore": // the reference: the service's own share
			m := memstore.New()
			open = func(*testing.B) store.Store { return m }
		case "sqlite":
			tmp, err := os.MkdirTemp("", "orgkit-bench") // outlives the first sub-benchmark
			if err != nil {
				b.Fatal(err)
			}
			path := filepath.Join(tmp, "bench.db")
			open = func(b *testing.B) store.Store {
				s, err := OpenSQLite(context.Background(), path, SQLiteOptions{})
				if err != nil {
					b.Fatal(err)
				}
				return s
			}
		}
		d := orgkittest.Generate(orgkittest.LargeShape())
		start := time.Now()
		if err := d.Seed(context.Background(), open(b)); err != nil {
			b.Fatal(err)
		}
		b.Logf("%s: seeded %d members and %d nodes in %v", engine, len(d.Records.Members), len(d.Records.Nodes), time.Since(start))
		benchDBs.Store(engine, &benchDB{open: open, dir: d})
	})
	v, ok := benchDBs.Load(engine)
	if !ok {
		b.Skip("the database could not be set up")
	}
	return v.(*benchDB)
}

// median reports the median of the durations as median-ms.
func median(b *testing.B, ds []time.Duration) {
	if len(ds) == 0 {
		return
	}
	slices.Sort(ds)
	b.ReportMetric(float64(ds[len(ds)/2].Microseconds())/1000, "median-ms")
}

var engines = []string{"postgres", "sqlite"}

// withReference are the engines and memstore, whose figures are the service's own
// share of a load or a commit.
var withReference = []string{"memstore", "postgres", "sqlite"}

// BenchmarkLoad100k loads the large directory into a new service, until its
// snapshot answers.
func BenchmarkLoad100k(b *testing.B) {
	for _, engine := range withReference {
		b.Run(engine, func(b *testing.B) {
			db := large(b, engine)
			s := db.open(b)
			ctx := context.Background()
			var ds []time.Duration
			b.ResetTimer()
			for range b.N {
				start := time.Now()
				svc := directory.New(directory.Options{Store: s})
				snap, err := svc.Snapshot(ctx, db.dir.ID())
				if err != nil {
					b.Fatal(err)
				}
				if snap.MemberCount() != len(db.dir.Records.Members) {
					b.Fatalf("loaded %d members, want %d", snap.MemberCount(), len(db.dir.Records.Members))
				}
				ds = append(ds, time.Since(start))
			}
			median(b, ds)
		})
	}
}

// BenchmarkCommitMemberEdit commits one member edit through the service on the large
// directory, until the new snapshot answers.
func BenchmarkCommitMemberEdit(b *testing.B) {
	for _, engine := range withReference {
		b.Run(engine, func(b *testing.B) {
			db := large(b, engine)
			ctx := context.Background()
			svc := directory.New(directory.Options{Store: db.open(b)})
			if _, err := svc.Snapshot(ctx, db.dir.ID()); err != nil {
				b.Fatal(err)
			}
			target := db.dir.Records.Members[len(db.dir.Records.Members)/2].ID
			var ds []time.Duration
			b.ResetTimer()
			for i := range b.N {
				start := time.Now()
				res, err := svc.Apply(ctx, db.dir.ID(), directory.Meta{Actor: "bench"},
					member.Update{ID: target, Fields: []member.Field{member.JobTitleField}, Value: member.Member{JobTitle: fmt.Sprintf("Title %d-%d", i, start.UnixNano())}})
				if err != nil {
					b.Fatal(err)
				}
				if m, _ := res.Snapshot.Member(target); m.JobTitle == "" {
					b.Fatal("the edit is not in the new snapshot")
				}
				ds = append(ds, time.Since(start))
			}
			median(b, ds)
		})
	}
}

// BenchmarkCommitImport100k commits the change set of a 100,000-row import (every
// member new) to a fresh directory.
func BenchmarkCommitImport100k(b *testing.B) {
	for _, engine := range engines {
		b.Run(engine, func(b *testing.B) {
			db := large(b, engine)
			s := db.open(b)
			ctx := context.Background()
			b.ResetTimer()
			for range b.N {
				b.StopTimer()
				d := store.DirectoryRecord{ID: orgkit.NewDirectoryID(), Name: orgkit.Name("Import"), Root: orgkit.NewNodeID(),
					AdminRole: orgkit.NewRoleID(), CreatedAt: time.Now().UTC()}
				d.Key = "import-" + d.ID.String()
				if err := s.CreateDirectory(ctx, d); err != nil {
					b.Fatal(err)
				}
				cs := &store.ChangeSet{ID: store.NewChangeSetID(), Meta: store.Meta{Actor: "bench", Origin: store.OriginImport, Time: time.Now().UTC()}}
				for i, m := range db.dir.Records.Members { // the generated members' fields, under new IDs
					c := m.Clone()
					c.ID = orgkit.NewMemberID()
					c.Primary, c.Secondary = d.Root, nil
					c.SystemName = orgkit.Name(fmt.Sprintf("imported%06d", i))
					cs.Changes = append(cs.Changes, store.Change{Kind: store.KindMember, After: c})
				}
				b.StartTimer()
				if _, err := s.Commit(ctx, d.ID, 0, cs); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkSecondInstanceSees measures how long after one instance's commit returns
// another instance, on its own store handle, serves the new version: the store's
// notice and the service's refresh.
func BenchmarkSecondInstanceSees(b *testing.B) {
	for _, engine := range engines {
		b.Run(engine, func(b *testing.B) {
			db := large(b, engine)
			ctx := context.Background()
			writer := directory.New(directory.Options{Store: db.open(b)})
			reader := directory.New(directory.Options{Store: db.open(b)})
			for _, svc := range []*directory.Service{writer, reader} {
				if _, err := svc.Snapshot(ctx, db.dir.ID()); err != nil {
					b.Fatal(err)
				}
			}
			target := db.dir.Records.Members[len(db.dir.Records.Members)/3].ID
			var ds []time.Duration
			b.ResetTimer()
			for i := range b.N {
				res, err := writer.Apply(ctx, db.dir.ID(), directory.Meta{Actor: "bench"},
					member.Update{ID: target, Fields: []member.Field{member.JobTitleField}, Value: member.Member{JobTitle: fmt.Sprintf("Seen %d-%d", i, time.Now().UnixNano())}})
				if err != nil {
					b.Fatal(err)
				}
				start := time.Now()
				for {
					snap, err := reader.Snapshot(ctx, db.dir.ID())
					if err != nil {
						b.Fatal(err)
					}
					if snap.Version() >= res.ChangeSet.Version {
						break
					}
					// No wall-clock limit here: a commit the second instance never sees
					// hangs the benchmark until go test's -timeout reports it.
					time.Sleep(200 * time.Microsecond)
				}
				ds = append(ds, time.Since(start))
			}
			median(b, ds)
		})
	}
}

// BenchmarkStoreCommitOne commits a change set of one member edit straight to the
// store (no service), to tell the store's share of BenchmarkCommitMemberEdit.
func BenchmarkStoreCommitOne(b *testing.B) {
	for _, engine := range engines {
		b.Run(engine, func(b *testing.B) {
			var s store.Store
			switch engine {
			case "postgres":
				s = newPostgres(b)
			case "sqlite":
				s = newSQLite(b)
			}
			ctx := context.Background()
			d := store.DirectoryRecord{ID: orgkit.NewDirectoryID(), Name: orgkit.Name("One"), Root: orgkit.NewNodeID(),
				AdminRole: orgkit.NewRoleID(), CreatedAt: time.Now().UTC()}
			d.Key = "one-" + d.ID.String()
			if err := s.CreateDirectory(ctx, d); err != nil {
				b.Fatal(err)
			}
			m := &member.Member{ID: orgkit.NewMemberID(), SystemName: orgkit.Name("one"), FullName: "One", Mobile: "+8613900000001"}
			var ds []time.Duration
			b.ResetTimer()
			for i := range b.N {
				next := m.Clone()
				next.JobTitle = fmt.Sprint(i)
				start := time.Now()
				if _, err := s.Commit(ctx, d.ID, uint64(i), &store.ChangeSet{ID: store.NewChangeSetID(), Meta: store.Meta{Actor: "bench"},
					Changes: []store.Change{{Kind: store.KindMember, Before: m, After: next}}}); err != nil {
					b.Fatal(err)
				}
				ds = append(ds, time.Since(start))
				m = next
			}
			median(b, ds)
		})
	}
}

package sqlstore

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/directory"
	"github.com/orgkit/orgkit/member"
	"github.com/orgkit/orgkit/store"
)

// The tests in this file start the test binary itself as other processes: with
// childEnv set, TestMain runs the child's part instead of the tests.
const (
	childEnv   = "ORGKIT_SQLSTORE_CHILD"  // the child's role: writer, reader or import
	engineEnv  = "ORGKIT_SQLSTORE_ENGINE" // postgres or sqlite
	targetEnv  = "ORGKIT_SQLSTORE_TARGET" // the DSN or the file
	dirEnv     = "ORGKIT_SQLSTORE_DIR"    // the directory's ID
	argEnv     = "ORGKIT_SQLSTORE_ARG"    // the role's argument
	childStart = "child: committing"      // what an importing child prints before it commits
)

func TestMain(m *testing.M) {
	if role := os.Getenv(childEnv); role != "" {
		if err := child(role); err != nil {
			fmt.Fprintln(os.Stderr, "child:", err)
			os.Exit(2)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// openTarget opens the store a child was given.
func openTarget(ctx context.Context) (store.Store, func(), error) {
	switch os.Getenv(engineEnv) {
	case "postgres":
		p, err := OpenPostgres(ctx, os.Getenv(targetEnv), PostgresOptions{})
		if err != nil {
			return nil, nil, err
		}
		return p, p.Close, nil
	case "sqlite":
		s, err := OpenSQLite(ctx, os.Getenv(targetEnv), SQLiteOptions{})
		if err != nil {
			return nil, nil, err
		}
		return s, func() { s.Close() }, nil
	}
	return nil, nil, fmt.Errorf("unknown engine %q", os.Getenv(engineEnv))
}

// child runs one role in a child process.
func child(role string) error {
	ctx := context.Background()
	s, closeStore, err := openTarget(ctx)
	if err != nil {
		return err
	}
	defer closeStore()
	dir, err := orgkit.ParseDirectoryID(os.Getenv(dirEnv))
	if err != nil {
		return err
	}
	arg := os.Getenv(argEnv)
	switch role {
	case "writer": // arg: "name edits final": edit one's own member, then wait for version final
		f := strings.Fields(arg)
		name := f[0]
		edits, _ := strconv.Atoi(f[1])
		final, _ := strconv.ParseUint(f[2], 10, 64)
		svc := directory.New(directory.Options{Store: s, MaxRetries: 100000})
		snap, err := svc.Snapshot(ctx, dir)
		if err != nil {
			return err
		}
		id := orgkit.NewMemberID()
		if _, err := svc.Apply(ctx, dir, directory.Meta{Actor: name},
			member.Create{ID: id, SystemName: orgkit.Name(name), FullName: name + " 0", Mobile: "1390000" + f[3], Primary: snap.Root()}); err != nil {
			return err
		}
		for i := 1; i <= edits; i++ {
			if _, err := svc.Apply(ctx, dir, directory.Meta{Actor: name},
				member.Update{ID: id, Fields: []member.Field{member.FullNameField}, Value: member.Member{FullName: fmt.Sprintf("%s %d", name, i)}}); err != nil {
				return fmt.Errorf("edit %d: %w", i, err)
			}
		}
		return printDigest(ctx, svc, dir, final)
	case "reader": // arg: the version to read
		final, _ := strconv.ParseUint(arg, 10, 64)
		return printDigest(ctx, directory.New(directory.Options{Store: s}), dir, final)
	case "import": // arg: how many members the one change set creates
		n, _ := strconv.Atoi(arg)
		recs, err := s.Load(ctx, dir)
		if err != nil {
			return err
		}
		cs := &store.ChangeSet{ID: store.NewChangeSetID(), Meta: store.Meta{Actor: "importer", Origin: store.OriginImport, Time: time.Now().UTC()}}
		for i := range n {
			m := &member.Member{ID: orgkit.NewMemberID(), SystemName: orgkit.Name(fmt.Sprintf("imported%05d", i)),
				FullName: fmt.Sprintf("Imported %d", i), Mobile: fmt.Sprintf("+86138%08d", i), Primary: recs.Directory.Root,
				Bio: strings.Repeat("padding ", 40)}
			cs.Changes = append(cs.Changes, store.Change{Kind: store.KindMember, After: m})
		}
		fmt.Println(childStart)
		_, err = s.Commit(ctx, dir, recs.Head, cs)
		return err
	}
	return fmt.Errorf("unknown role %q", role)
}

// printDigest waits until the service serves version final and prints a digest of
// that snapshot's members and nodes.
func printDigest(ctx context.Context, svc *directory.Service, dir orgkit.DirectoryID, final uint64) error {
	deadline := time.Now().Add(2 * time.Minute)
	for {
		snap, err := svc.Snapshot(ctx, dir)
		if err != nil {
			return err
		}
		if snap.Version() >= final {
			fmt.Println("digest:", snap.Version(), digest(snap))
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("version %d never seen (at %d)", final, snap.Version())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// digest hashes a snapshot's members and nodes in ID order.
func digest(snap *directory.Snapshot) string {
	var ms []member.Member
	for m := range snap.Members() {
		ms = append(ms, m)
	}
	slices.SortFunc(ms, func(a, b member.Member) int { return a.ID.Compare(b.ID) })
	h := sha256.New()
	json.NewEncoder(h).Encode(ms) //nolint:errcheck // a hash does not fail
	for n := range snap.Tree().Records() {
		json.NewEncoder(h).Encode(n) //nolint:errcheck // a hash does not fail
	}
	return hex.EncodeToString(h.Sum(nil))
}

// startChild starts the test binary as a child in role.
func startChild(t *testing.T, engine, target string, dir orgkit.DirectoryID, role, arg string) (*exec.Cmd, *bufio.Scanner) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"="+role, engineEnv+"="+engine, targetEnv+"="+target, dirEnv+"="+dir.String(), argEnv+"="+arg)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill() //nolint:errcheck // it may have ended
			cmd.Wait()         //nolint:errcheck // killed
		}
	})
	return cmd, bufio.NewScanner(out)
}

// readDigest reads a child's digest line and waits for it to end.
func readDigest(t *testing.T, cmd *exec.Cmd, out *bufio.Scanner) string {
	t.Helper()
	var line string
	for out.Scan() {
		if strings.HasPrefix(out.Text(), "digest:") {
			line = out.Text()
		}
	}
	require.NoError(t, cmd.Wait(), "the child failed")
	require.NotEmpty(t, line, "the child printed no digest")
	return line
}

// testProcesses runs two writer processes on one database, then a third reader.
func testProcesses(t *testing.T, engine, target string, s store.Store) {
	ctx := t.Context()
	svc := directory.New(directory.Options{Store: s})
	snap, err := svc.EnsureDefault(ctx, directory.Founder{Name: "Ada", Mobile: "13900000000"})
	require.NoError(t, err)
	edits := 25
	if testing.Short() {
		edits = 8
	}
	final := snap.Version() + 2*uint64(edits+1)
	arg := func(name, mobile string) string { return fmt.Sprintf("%s %d %d %s", name, edits, final, mobile) }
	c1, o1 := startChild(t, engine, target, snap.ID(), "writer", arg("alpha", "0001"))
	c2, o2 := startChild(t, engine, target, snap.ID(), "writer", arg("beta", "0002"))
	d1, d2 := readDigest(t, c1, o1), readDigest(t, c2, o2)
	assert.Equal(t, d1, d2, "both writers read the same final snapshot")
	c3, o3 := startChild(t, engine, target, snap.ID(), "reader", strconv.FormatUint(final, 10))
	assert.Equal(t, d1, readDigest(t, c3, o3), "a third process loads the same snapshot")

	var hist []*store.ChangeSet
	for {
		page, err := s.Changes(ctx, snap.ID(), uint64(len(hist)), 50)
		require.NoError(t, err)
		for i, cs := range page {
			require.Equal(t, uint64(len(hist)+i+1), cs.Version, "the history is gap-free")
		}
		hist = append(hist, page...)
		if len(page) < 50 {
			break
		}
	}
	require.Len(t, hist, int(final), "no commit lost, none extra")
	seen := map[string]int{}
	for _, cs := range hist[snap.Version():] {
		for _, c := range cs.Changes {
			if m, ok := c.After.(*member.Member); ok {
				seen[m.FullName]++
			}
		}
	}
	for _, name := range []string{"alpha", "beta"} {
		for i := 0; i <= edits; i++ {
			assert.Equal(t, 1, seen[fmt.Sprintf("%s %d", name, i)], "%s's edit %d is in the history exactly once", name, i)
		}
	}
}

func TestPostgresProcesses(t *testing.T) {
	dsn := freshSchemaDSN(t)
	p, err := OpenPostgres(t.Context(), dsn, PostgresOptions{})
	require.NoError(t, err)
	defer p.Close()
	testProcesses(t, "postgres", dsn, p)
}

func TestSQLiteProcesses(t *testing.T) {
	path := sqlitePath(t)
	s, err := OpenSQLite(t.Context(), path, SQLiteOptions{})
	require.NoError(t, err)
	defer s.Close()
	testProcesses(t, "sqlite", path, s)
}

// testKill kills an importing process (SIGKILL) at several moments of its commit
// of a 10,000-member change set: the database holds all of it or none of it.
// settle, when not nil, waits until the database has finished with a killed child's
// connection.
func testKill(t *testing.T, engine, target string, s store.Store, settle func()) {
	ctx := t.Context()
	d := store.DirectoryRecord{ID: orgkit.NewDirectoryID(), Name: orgkit.Name("Kill"), Platform: orgkit.Generic,
		Root: orgkit.NewNodeID(), AdminRole: orgkit.NewRoleID(), CreatedAt: time.Now().UTC().Truncate(time.Microsecond)}
	d.Key = "kill-" + d.ID.String()
	require.NoError(t, s.CreateDirectory(ctx, d))
	const rows = 10_000
	delays := []time.Duration{0, 20 * time.Millisecond, 100 * time.Millisecond, 300 * time.Millisecond, 800 * time.Millisecond, 3 * time.Second}
	if testing.Short() {
		delays = delays[1:3]
	}
	head := uint64(0)
	outcomes := map[bool]int{}
	for _, delay := range delays {
		cmd, out := startChild(t, engine, target, d.ID, "import", strconv.Itoa(rows))
		for out.Scan() && out.Text() != childStart {
		}
		time.Sleep(delay)
		require.NoError(t, cmd.Process.Signal(syscall.SIGKILL))
		cmd.Wait() //nolint:errcheck // killed, or done just before
		for out.Scan() {
		}
		if settle != nil {
			settle()
		}

		recs, err := s.Load(ctx, d.ID)
		require.NoError(t, err, "the database opens and loads after a kill")
		landed := recs.Head == head+1
		require.True(t, recs.Head == head || landed, "the head is %d: either the import (%d) or nothing (%d)", recs.Head, head+1, head)
		assert.Len(t, recs.Members, int(recs.Head)*rows, "killed after %v: every member of a landed import, none of one that did not", delay)
		page, err := s.Changes(ctx, d.ID, head, 1)
		require.NoError(t, err)
		if landed {
			require.Len(t, page, 1)
			assert.Len(t, page[0].Changes, rows, "the landed change set is whole")
		} else {
			assert.Empty(t, page)
		}
		outcomes[landed]++
		head = recs.Head
	}
	t.Logf("after %d kills: %d imports landed whole, %d left nothing", len(delays), outcomes[true], outcomes[false])

	// The store still takes commits.
	_, err := s.Commit(ctx, d.ID, head, &store.ChangeSet{ID: store.NewChangeSetID(),
		Changes: []store.Change{{Kind: store.KindMember, After: &member.Member{ID: orgkit.NewMemberID(), FullName: "after"}}}})
	require.NoError(t, err)
}

func TestPostgresKill(t *testing.T) {
	dsn := freshSchemaDSN(t)
	p, err := OpenPostgres(t.Context(), dsn, PostgresOptions{})
	require.NoError(t, err)
	defer p.Close()
	const app = "orgkit-kill-child"
	testKill(t, "postgres", withParam(dsn, "application_name", app), p, func() {
		for range 3000 { // the server rolls back a killed client's transaction once it notices
			var n int
			require.NoError(t, p.pool.QueryRow(t.Context(), `SELECT count(*) FROM pg_stat_activity WHERE application_name = $1`, app).Scan(&n))
			if n == 0 {
				return
			}
			time.Sleep(10 * time.Millisecond)
		}
		t.Fatal("the killed child's connection never went away")
	})
}

func TestSQLiteKill(t *testing.T) {
	path := sqlitePath(t)
	s, err := OpenSQLite(t.Context(), path, SQLiteOptions{})
	require.NoError(t, err)
	defer s.Close()
	testKill(t, "sqlite", path, s, nil)
}

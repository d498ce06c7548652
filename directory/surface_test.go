package directory_test

import (
	"context"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/directory"
	"github.com/orgkit/orgkit/member"
	"github.com/orgkit/orgkit/orgtree"
)

// A host calls directory without importing store: no exported function, method or
// field of the package takes or returns a store type, except the two that hand the
// store itself over (Options.Store and Service.Store).
func TestHostNeedsNoStoreTypes(t *testing.T) {
	allowed := map[string]bool{"Options.Store": true, "Service.Store": true}
	files, err := filepath.Glob("*.go")
	require.NoError(t, err)
	fset := token.NewFileSet()
	var leaks []string
	mentionsStore := func(e ast.Expr) bool {
		found := false
		ast.Inspect(e, func(n ast.Node) bool {
			if s, ok := n.(*ast.SelectorExpr); ok {
				if id, ok := s.X.(*ast.Ident); ok && id.Name == "store" {
					found = true
				}
			}
			return !found
		})
		return found
	}
	fields := func(owner string, fl *ast.FieldList) {
		if fl == nil {
			return
		}
		for _, f := range fl.List {
			if !mentionsStore(f.Type) {
				continue
			}
			name := owner
			if len(f.Names) > 0 {
				if !f.Names[0].IsExported() {
					continue
				}
				name += "." + f.Names[0].Name
			}
			if !allowed[name] {
				leaks = append(leaks, name)
			}
		}
	}
	for _, path := range files {
		if strings.HasSuffix(path, "_test.go") {
			continue
		}
		src, err := os.ReadFile(path)
		require.NoError(t, err)
		f, err := parser.ParseFile(fset, path, src, 0)
		require.NoError(t, err)
		for _, d := range f.Decls {
			switch d := d.(type) {
			case *ast.FuncDecl:
				if !d.Name.IsExported() {
					continue
				}
				name := d.Name.Name
				if d.Recv != nil {
					recv := d.Recv.List[0].Type
					if s, ok := recv.(*ast.StarExpr); ok {
						recv = s.X
					}
					id := recv.(*ast.Ident)
					if !id.IsExported() {
						continue
					}
					name = id.Name + "." + name
				}
				if allowed[name] {
					continue
				}
				if mentionsStore(d.Type) {
					leaks = append(leaks, name)
				}
			case *ast.GenDecl:
				for _, s := range d.Specs {
					ts, ok := s.(*ast.TypeSpec)
					if !ok || !ts.Name.IsExported() {
						continue
					}
					if st, ok := ts.Type.(*ast.StructType); ok {
						fields(ts.Name.Name, st.Fields)
					} else if mentionsStore(ts.Type) {
						leaks = append(leaks, ts.Name.Name)
					}
				}
			}
		}
	}
	assert.Empty(t, leaks, "exported API that needs package store")
}

// What Apply reports is the caller's: changing an image it handed out changes
// neither the snapshot nor the history, and later reads still answer as before.
func TestChangeSetImagesAreCopies(t *testing.T) {
	f := newFixture(t)
	res := f.apply(member.Update{ID: f.alice, Fields: []member.Field{member.JobTitleField}, Value: member.Member{JobTitle: "Lead"}},
		orgtree.SetAssistants{Node: f.rd, Members: []orgkit.MemberID{f.bob}})
	require.NotNil(t, res.ChangeSet)
	var sawMember, sawNode bool
	for _, c := range res.ChangeSet.Changes {
		if m, ok := c.After().Member(); ok {
			sawMember = true
			assert.Equal(t, orgkit.KindMember, c.Record().Kind)
			assert.Equal(t, f.alice.UUID(), c.Record().ID)
			m.JobTitle = "changed by the caller"
			again, _ := c.After().Member()
			assert.Equal(t, "Lead", again.JobTitle, "each call returns a fresh copy")
		}
		if n, ok := c.After().Node(); ok {
			sawNode = true
			id, ok := c.Record().NodeID()
			require.True(t, ok)
			assert.Equal(t, f.rd, id)
			n.Assistants[0] = orgkit.NewMemberID()
		}
		_, isSettings := c.After().Settings()
		assert.False(t, isSettings)
	}
	require.True(t, sawMember && sawNode)
	m, _ := res.Snapshot.Member(f.alice)
	assert.Equal(t, "Lead", m.JobTitle)
	n, _ := res.Snapshot.Node(f.rd)
	assert.Equal(t, []orgkit.MemberID{f.bob}, n.Assistants)
	hist, err := history(f.svc.History(f.ctx, f.dir, directory.HistoryQuery{After: res.ChangeSet.Version - 1}))
	require.NoError(t, err)
	require.Len(t, hist, 1)
	assert.Equal(t, res.ChangeSet.ID, hist[0].ID)
	assert.Equal(t, directory.OriginAPI, hist[0].Meta.Origin)
	for _, c := range hist[0].Changes {
		if n, ok := c.After().Node(); ok {
			assert.Equal(t, []orgkit.MemberID{f.bob}, n.Assistants, "the history is untouched")
		}
	}
}

// Settings come back as the caller's copy.
func TestSettingsAreCopies(t *testing.T) {
	f := newFixture(t)
	s := f.snap().Settings()
	s.Name.ByLang = map[string]string{"fr": "changé"}
	s.SyncedMemberFields = append(s.SyncedMemberFields, member.MobileField)
	again := f.snap().Settings()
	assert.Empty(t, again.Name.ByLang)
	assert.Empty(t, again.SyncedMemberFields)
	dirs, err := f.svc.Directories(f.ctx)
	require.NoError(t, err)
	require.NotEmpty(t, dirs)
	assert.Equal(t, again.ID, dirs[0].ID)
}

// Every method of the zero Service works as New(Options{})'s: none dereferences
// nil, on a fresh zero value and for an unknown directory.
func TestZeroServiceEveryMethod(t *testing.T) {
	ctx := context.Background()
	dir, id := orgkit.NewDirectoryID(), orgkit.NewMemberID()
	calls := map[string]func(s *directory.Service) error{
		"Undo":  func(s *directory.Service) error { _, err := s.Undo(ctx, dir, 1, directory.Meta{}); return err },
		"Erase": func(s *directory.Service) error { _, err := s.Erase(ctx, dir, id, directory.Meta{}); return err },
		"Join": func(s *directory.Service) error {
			_, err := s.Join(ctx, dir, directory.Registration{Name: "x"})
			return err
		},
		"Plan":  func(s *directory.Service) error { _, err := s.Plan(ctx, dir, directory.Meta{}); return err },
		"Apply": func(s *directory.Service) error { _, err := s.Apply(ctx, dir, directory.Meta{}); return err },
		"Reset": func(s *directory.Service) error { _, err := s.ResetPasswords(ctx, dir, nil, id); return err },
		"Remind": func(s *directory.Service) error {
			_, err := s.RemindActivation(ctx, dir, nil, directory.ChannelAuto, id)
			return err
		},
		"History": func(s *directory.Service) error {
			_, err := history(s.History(ctx, dir, directory.HistoryQuery{}))
			return err
		},
		"Snapshot": func(s *directory.Service) error {
			_, err := s.Snapshot(ctx, dir)
			return err
		},
	}
	for name, call := range calls {
		t.Run(name, func(t *testing.T) {
			var s directory.Service
			var err error
			require.NotPanics(t, func() { err = call(&s) })
			assert.ErrorIs(t, err, orgkit.ErrNotFound, "an unknown directory")
		})
	}
}

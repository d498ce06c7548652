package directory_test

import (
	"context"
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/directory"
	"github.com/orgkit/orgkit/member"
	"github.com/orgkit/orgkit/orgtree"
	"github.com/orgkit/orgkit/role"
)

// A nil command, or a nil pointer to one, is refused with a violation naming its
// index; it never panics, and nothing is written.
func TestNilCommandsAreRefused(t *testing.T) {
	f := newFixture(t)
	for _, c := range []orgkit.Command{nil, (*orgtree.SetOrder)(nil), (*member.Create)(nil), (*role.Assign)(nil), (*directory.SetLeader)(nil)} {
		vs := f.refuse(orgtree.SetOrder{Node: f.rd, Order: 1}, c)
		require.Len(t, vs, 1, "%T", c)
		assert.Equal(t, orgkit.CodeCommandNil, vs[0].Code)
		assert.Equal(t, 1, vs[0].Command)
	}
}

// A pointer to a command means the command it points to, and a type that embeds a
// command is that command.
func TestPointerAndEmbeddedCommandsRun(t *testing.T) {
	f := newFixture(t)
	f.apply(&orgtree.SetOrder{Node: f.rd, Order: 7})
	assert.Equal(t, 7, f.node(f.rd).Order)
	type withNote struct {
		orgtree.SetOrder
		Note string
	}
	f.apply(withNote{orgtree.SetOrder{Node: f.rd, Order: 9}, "ignored"})
	assert.Equal(t, 9, f.node(f.rd).Order)
	f.apply(&member.Update{ID: f.bob, Fields: []member.Field{member.JobTitleField}, Value: member.Member{JobTitle: "Tester"}})
	assert.Equal(t, "Tester", f.member(f.bob).JobTitle)
}

// Every command type of the four packages runs: given as its zero value it is
// validated (and refused for its missing IDs), never reported as unknown. The list is
// checked against the packages' sources, so a new command type must be added here.
func TestEveryCommandRuns(t *testing.T) {
	all := []orgkit.Command{
		orgtree.Create{}, orgtree.Rename{}, orgtree.SetCode{}, orgtree.SetOrder{}, orgtree.SetExternalID{},
		orgtree.SetManager{}, orgtree.SetAssistants{}, orgtree.AddAssistants{}, orgtree.RemoveAssistants{},
		orgtree.SetObservers{}, orgtree.AddObservers{}, orgtree.RemoveObservers{}, orgtree.SetGroup{},
		orgtree.SetIsolation{}, orgtree.AddToWhitelist{}, orgtree.RemoveFromWhitelist{}, orgtree.Move{},
		orgtree.Deactivate{}, orgtree.Reactivate{}, orgtree.Merge{},
		member.Create{}, member.Update{}, member.Deactivate{}, member.Resign{}, member.Activate{},
		member.SetLoginBlocked{}, member.SetReportingManager{}, member.SetDepartments{},
		role.Create{}, role.Update{}, role.AddPermissions{}, role.RemovePermissions{}, role.Retire{},
		role.CreateGroup{}, role.RenameGroup{}, role.RetireGroup{}, role.Assign{}, role.Unassign{}, role.SetPrimary{},
		directory.Rename{}, directory.SetLeader{}, directory.SetSelfJoin{}, directory.SetMultiOrg{},
		directory.Bind{}, directory.SetCardLayout{},
	}
	var listed []string
	for _, c := range all {
		typ := reflect.TypeOf(c)
		listed = append(listed, filepath.Base(typ.PkgPath())+"."+typ.Name())
	}
	assert.ElementsMatch(t, commandTypes(t), listed, "every command type of orgtree, member, role and directory")

	f := newFixture(t)
	for _, c := range all {
		_, err := f.svc.Plan(f.ctx, f.dir, directory.Meta{}, c)
		if err == nil {
			continue
		}
		var inv *orgkit.InvalidError
		require.ErrorAs(t, err, &inv, "%T", c)
		for _, v := range inv.Violations {
			assert.NotEqual(t, orgkit.CodeCommandNil, v.Code, "%T", c)
		}
	}
}

// commandTypes lists the exported types of the command packages that declare a
// CommandName method, as "package.Type".
func commandTypes(t *testing.T) []string {
	t.Helper()
	var out []string
	for _, dir := range []string{"../orgtree", "../member", "../role", "."} {
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		require.NoError(t, err)
		for _, path := range files {
			if strings.HasSuffix(path, "_test.go") {
				continue
			}
			src, err := os.ReadFile(path)
			require.NoError(t, err)
			file, err := parser.ParseFile(token.NewFileSet(), path, src, 0)
			require.NoError(t, err)
			for _, d := range file.Decls {
				fn, ok := d.(*ast.FuncDecl)
				if !ok || fn.Recv == nil || fn.Name.Name != "CommandName" {
					continue
				}
				id, ok := fn.Recv.List[0].Type.(*ast.Ident)
				if ok && id.IsExported() {
					out = append(out, file.Name.Name+"."+id.Name)
				}
			}
		}
	}
	slices.Sort(out)
	return out
}

// orgkit.Command is sealed at compile time: a type of one's own with a CommandName
// method is not a Command, while the library's commands (and pointers to them) are.
func TestCommandIsSealedAtCompileTime(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a package with the go command")
	}
	gocmd, err := exec.LookPath("go")
	require.NoError(t, err, "the go command that runs this test is on PATH")
	build := func(src string) (string, error) {
		dir := t.TempDir()
		file := filepath.Join(dir, "x.go")
		require.NoError(t, os.WriteFile(file, []byte(src), 0o644))
		// The package is laid over a path inside this module, so that it may import
		// the module's packages as a host would, without a file written there.
		pkg, err := filepath.Abs("sealcheck_overlay")
		require.NoError(t, err)
		overlay, err := json.Marshal(map[string]any{"Replace": map[string]string{filepath.Join(pkg, "x.go"): file}})
		require.NoError(t, err)
		ov := filepath.Join(dir, "overlay.json")
		require.NoError(t, os.WriteFile(ov, overlay, 0o644))
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		cmd := exec.CommandContext(ctx, gocmd, "build", "-overlay", ov, "-o", os.DevNull, "./sealcheck_overlay")
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	out, err := build(`package sealcheck

import "github.com/orgkit/orgkit"

type mine struct{}

func (mine) CommandName() string { return "mine" }

var _ orgkit.Command = mine{}
`)
	require.Error(t, err, "a host's own type compiled as a Command")
	assert.Contains(t, out, "missing method Sealed")

	out, err = build(`package sealcheck

import (
	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/orgtree"
)

var _ = []orgkit.Command{orgtree.SetOrder{}, &orgtree.SetOrder{}}
`)
	require.NoError(t, err, out)
}

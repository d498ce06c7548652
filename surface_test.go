package orgkit_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// exported lists the exported top-level names and methods ("Type.Method") declared in
// the non-test files of the package in dir.
func exported(t *testing.T, dir string) map[string]bool {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	require.NoError(t, err)
	out := map[string]bool{}
	for _, path := range files {
		if strings.HasSuffix(path, "_test.go") {
			continue
		}
		src, err := os.ReadFile(path)
		require.NoError(t, err)
		f, err := parser.ParseFile(token.NewFileSet(), path, src, 0)
		require.NoError(t, err)
		for _, d := range f.Decls {
			switch d := d.(type) {
			case *ast.FuncDecl:
				if !d.Name.IsExported() {
					continue
				}
				if d.Recv == nil {
					out[d.Name.Name] = true
					continue
				}
				recv := d.Recv.List[0].Type
				if s, ok := recv.(*ast.StarExpr); ok {
					recv = s.X
				}
				if id, ok := recv.(*ast.Ident); ok && id.IsExported() {
					out[id.Name+"."+d.Name.Name] = true
				}
			case *ast.GenDecl:
				for _, s := range d.Specs {
					switch s := s.(type) {
					case *ast.TypeSpec:
						if s.Name.IsExported() {
							out[s.Name.Name] = true
						}
					case *ast.ValueSpec:
						for _, n := range s.Names {
							if n.IsExported() {
								out[n.Name] = true
							}
						}
					}
				}
			}
		}
	}
	return out
}

// What exists only for the module's own packages or tests is not exported: the
// dense positions of trees and snapshots, the mobile memo of member rules, the text
// machinery, and importexport's cell parsers.
func TestInternalsAreNotExported(t *testing.T) {
	internals := map[string][]string{
		".":            {"Text", "Texts", "NewTexts", "MatchLanguage"},
		"orgtree":      {"Tree.At", "Tree.Index", "Tree.Interval", "Tree.ParentIndex"},
		"directory":    {"Snapshot.MemberAt", "Snapshot.MemberSlot"},
		"member":       {"Rules.Remember", "Rules.Prepare", "Record"},
		"importexport": {"ParseBool", "EscapeCSV", "UnescapeCSV", "ParseInt", "ParseNumberText", "SerialDate", "ParseDate", "DateOptions"},
	}
	for dir, names := range internals {
		got := exported(t, dir)
		for _, n := range names {
			assert.False(t, got[n], "%s exports %s", dir, n)
		}
	}
	// Languages is a function that returns a fresh slice, not a variable a caller
	// could change.
	src, err := os.ReadFile("violation.go")
	require.NoError(t, err)
	assert.NotContains(t, string(src), "var Languages")
}

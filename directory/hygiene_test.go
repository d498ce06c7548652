package directory_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/language"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/directory"
	"github.com/orgkit/orgkit/member"
	"github.com/orgkit/orgkit/orgtree"
	"github.com/orgkit/orgkit/role"
)

// TestForbiddenCharactersRefusedEverywhere: every name and code that enters through
// the write path — nodes, the directory, roles, role groups, codes, external IDs,
// permissions, members — refuses control characters and bidirectional or invisible
// formatting characters with one violation code, naming the field and the character.
func TestForbiddenCharactersRefusedEverywhere(t *testing.T) {
	f := newFixture(t)
	admin := f.snap().Settings().AdminRole
	g, r := orgkit.NewRoleGroupID(), orgkit.NewRoleID()
	f.apply(role.CreateGroup{ID: g, Name: orgkit.Name("Sales roles")}, role.Create{ID: r, Name: orgkit.Name("Seller"), Group: g})
	dept := func(name orgkit.Names) orgtree.Create {
		return orgtree.Create{ID: orgkit.NewNodeID(), Parent: f.root, Kind: orgtree.Department, Name: name}
	}
	cases := []struct {
		name  string
		cmd   orgkit.Command
		field string
		char  string
	}{
		{"node name NUL", dept(orgkit.Name("R&D\x00")), "name", "U+0000"},
		{"node name ESC", dept(orgkit.Name("\x1b[31mRed")), "name", "U+001B"},
		{"node name DEL", dept(orgkit.Name("Ops\x7f")), "name", "U+007F"},
		{"node name C1", dept(orgkit.Name("Ops\u009b")), "name", "U+009B"},
		{"node name RLO", dept(orgkit.Name("Sales\u202egnp")), "name", "U+202E"},
		{"node name isolate", dept(orgkit.Name("\u2067Sales\u2069")), "name", "U+2067"},
		{"node name LRM", dept(orgkit.Name("Sales\u200e")), "name", "U+200E"},
		{"node name zero-width space", dept(orgkit.Name("Sa\u200bles")), "name", "U+200B"},
		{"node name in a language", dept(orgkit.Names{Default: "Sales", ByLang: map[string]string{"zh": "销售\u202d"}}), "name", "U+202D"},
		{"node rename", orgtree.Rename{Node: f.sales, Name: orgkit.Name("Sales\x00")}, "name", "U+0000"},
		{"node code", orgtree.Create{ID: orgkit.NewNodeID(), Parent: f.root, Kind: orgtree.Department, Name: orgkit.Name("Ops"), Code: "OPS\x00"}, "code", "U+0000"},
		{"node set code", orgtree.SetCode{Node: f.sales, Code: "\u202eSALES"}, "code", "U+202E"},
		{"node external ID", orgtree.Create{ID: orgkit.NewNodeID(), Parent: f.root, Kind: orgtree.Department, Name: orgkit.Name("Ops"), ExternalID: "d\x1b1"}, "external_id", "U+001B"},
		{"node set external ID", orgtree.SetExternalID{Node: f.sales, ExternalID: "d\u20661"}, "external_id", "U+2066"},
		{"directory rename", directory.Rename{Name: orgkit.Name("Acme\u202e")}, "name", "U+202E"},
		{"directory upstream ID", directory.Bind{Platform: orgkit.WeCom, UpstreamID: "corp\x00"}, "upstream_id", "U+0000"},
		{"role create", role.Create{ID: orgkit.NewRoleID(), Name: orgkit.Name("Boss\u200f")}, "name", "U+200F"},
		{"role permission", role.Create{ID: orgkit.NewRoleID(), Name: orgkit.Name("Auditor"), Permissions: []string{"report.read\x00"}}, "permissions", "U+0000"},
		{"role update", role.Update{ID: r, Name: orgkit.Name("Seller\x1b")}, "name", "U+001B"},
		{"built-in role update", role.Update{ID: admin, Name: orgkit.Name("Admin\u2068"), Kind: role.Admin}, "name", "U+2068"},
		{"role group create", role.CreateGroup{ID: orgkit.NewRoleGroupID(), Name: orgkit.Name("\ufeffGroup")}, "name", "U+FEFF"},
		{"role group rename", role.RenameGroup{ID: g, Name: orgkit.Name("Sales\u00adroles")}, "name", "U+00AD"},
		{"member full name", member.Create{ID: orgkit.NewMemberID(), SystemName: orgkit.Name("eve"), FullName: "Eve\u202e", Mobile: "13900000009", Primary: f.sales}, "full_name", "U+202E"},
		{"member system name", member.Update{ID: f.dave, Fields: []member.Field{member.SystemNameField}, Value: member.Member{SystemName: orgkit.Name("dave\x00")}}, "system_name", "U+0000"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			sub := *f
			sub.t = t
			vs := sub.refuse(c.cmd)
			require.Len(t, vs, 1, "%v", vs)
			v := vs[0]
			assert.Equal(t, orgkit.CodeTextForbidden, v.Code)
			assert.Equal(t, 0, v.Command)
			assert.Equal(t, c.field, string(v.Field))
			assert.Equal(t, c.char, v.Detail)
			assert.NotContains(t, v.Value, "\x00", "the value is shown without the character")
			assert.Contains(t, v.Message(), c.char)
			for _, tag := range []language.Tag{language.SimplifiedChinese, language.TraditionalChinese} {
				assert.Contains(t, v.Text(tag), c.char)
				assert.NotEqual(t, v.Message(), v.Text(tag))
			}
		})
	}
}

// TestNamesScriptsNeedAreKept: the joiners Persian, Indic scripts and emoji need stay,
// and white space, tabs and line breaks included, is collapsed as before.
func TestNamesScriptsNeedAreKept(t *testing.T) {
	f := newFixture(t)
	persian, emoji, tabbed := orgkit.NewNodeID(), orgkit.NewNodeID(), orgkit.NewNodeID()
	f.apply(
		orgtree.Create{ID: persian, Parent: f.root, Kind: orgtree.Department, Name: orgkit.Name("\u0645\u0647\u200c\u0631\u0627\u0646")},
		orgtree.Create{ID: emoji, Parent: f.root, Kind: orgtree.Department, Name: orgkit.Name("Family 👨\u200d👩\u200d👧")},
		orgtree.Create{ID: tabbed, Parent: f.root, Kind: orgtree.Department, Name: orgkit.Name(" Field\tOps\r\nEast ")},
	)
	assert.Equal(t, "\u0645\u0647\u200c\u0631\u0627\u0646", f.node(persian).Name.Default)
	assert.Equal(t, "Family 👨\u200d👩\u200d👧", f.node(emoji).Name.Default)
	assert.Equal(t, "Field Ops East", f.node(tabbed).Name.Default)
}

// TestCreateDirectoryRefusesForbiddenCharacters: Service.Create checks the name (every
// form), the key and the upstream ID by the same rule, and creates nothing.
func TestCreateDirectoryRefusesForbiddenCharacters(t *testing.T) {
	f := newFixture(t)
	before, err := f.svc.Directories(f.ctx)
	require.NoError(t, err)
	cases := []struct {
		name  string
		nd    directory.NewDirectory
		field string
	}{
		{"name", directory.NewDirectory{Name: orgkit.Name("Acme\x00 Asia")}, "name"},
		{"name bidi", directory.NewDirectory{Name: orgkit.Name("\u202eAcme")}, "name"},
		{"name form", directory.NewDirectory{Name: orgkit.Names{Default: "Acme", ByLang: map[string]string{"zh-Hant": "亞克\u2066米"}}}, "name"},
		{"key", directory.NewDirectory{Name: orgkit.Name("Acme Asia"), Key: "acme\x1b"}, "key"},
		{"upstream ID", directory.NewDirectory{Name: orgkit.Name("Acme Asia"), Platform: orgkit.DingTalk, UpstreamID: "ding\u200b1"}, "upstream_id"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := f.svc.Create(f.ctx, c.nd)
			require.ErrorIs(t, err, orgkit.ErrInvalid)
			var inv *orgkit.InvalidError
			require.ErrorAs(t, err, &inv)
			require.Len(t, inv.Violations, 1, "%v", inv.Violations)
			assert.Equal(t, orgkit.CodeTextForbidden, inv.Violations[0].Code)
			assert.Equal(t, c.field, string(inv.Violations[0].Field))
		})
	}
	after, err := f.svc.Directories(f.ctx)
	require.NoError(t, err)
	assert.Len(t, after, len(before), "nothing created")
}

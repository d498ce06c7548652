package directory_test

import (
	"errors"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/language"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/directory"
	"github.com/orgkit/orgkit/internal/i18n"
	"github.com/orgkit/orgkit/member"
	"github.com/orgkit/orgkit/orgtree"
)

// Messages of the write path are Chinese through and through: record kinds, field
// names and the words of closed sets are translated, and only the user's data (here
// all Chinese or full-width) stays as given. The issue quoted `department "ＳＡＬＥＳ"`,
// `member "张伟"` and `system_name 为必填项` from Chinese messages.
func TestViolationsSpeakChinese(t *testing.T) {
	f := newFixture(t)
	sales, qa := orgkit.NewNodeID(), orgkit.NewNodeID()
	zhang, wang := orgkit.NewMemberID(), orgkit.NewMemberID()
	f.apply(
		orgtree.Rename{Node: f.root, Name: orgkit.Name("总公司")},
		orgtree.Rename{Node: f.sales, Name: orgkit.Name("销售")},
		orgtree.Create{ID: sales, Parent: f.root, Kind: orgtree.Department, Name: orgkit.Name("ＳＡＬＥＳ")},
		orgtree.Create{ID: qa, Parent: sales, Kind: orgtree.Department, Name: orgkit.Name("质检")},
		member.Create{ID: zhang, SystemName: orgkit.Name("张伟"), FullName: "张伟", Mobile: "13800000001", Primary: sales},
	)
	vs := f.refuse(
		orgtree.Move{Node: sales, Parent: qa},                          // a cycle
		member.Create{ID: wang, FullName: "王芳", Mobile: "13800000001"}, // no system name, the mobile taken
		orgtree.Deactivate{Node: sales},                                // active children and members
		orgtree.Rename{Node: f.root, Name: orgkit.Name("")},            // a name is required
		member.Update{ID: zhang, Fields: []member.Field{member.HireDateField}, // an impossible date
			Value: member.Member{HireDate: member.Date{Year: 2024, Month: 2, Day: 30}}},
		&orgtree.SetOrder{Node: orgkit.NewNodeID()}, // an unknown node
	)
	vs = append(vs, f.refuse(member.Create{ID: wang, SystemName: orgkit.Name("王芳"), FullName: "王芳", Mobile: "13800000001"})...)
	require.NotEmpty(t, vs)
	uuids := regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)
	var texts []string
	for _, v := range vs {
		for _, tag := range []language.Tag{language.SimplifiedChinese, language.TraditionalChinese} {
			text := v.Text(tag)
			texts = append(texts, text)
			// IDs are data, like names: what remains is the message's own words
			assert.Empty(t, i18n.LatinWords(uuids.ReplaceAllString(text, "")), "%s: %s", v.Code, text)
		}
	}
	assert.Contains(t, texts, "部门「ＳＡＬＥＳ」：移动到部门「质检」之下会形成循环")
	assert.Contains(t, texts, "成员「王芳」：系统名为必填项")
	assert.Contains(t, texts, "成员「王芳」：手机号「+8613800000001」已被成员「张伟」使用")

	var inv *orgkit.InvalidError
	_, err := f.svc.Apply(f.ctx, f.dir, directory.Meta{}, orgtree.Move{Node: sales, Parent: qa})
	require.True(t, errors.As(err, &inv))
	v := inv.Violations[0]
	id, ok := v.Record.NodeID()
	require.True(t, ok, "the record is named by a typed ID")
	assert.Equal(t, sales, id)
	assert.Equal(t, orgkit.KindDepartment, v.Record.Kind)
	assert.Equal(t, orgkit.FieldName("parent"), v.Field)
	require.Len(t, v.Related, 1)
	other, _ := v.Related[0].NodeID()
	assert.Equal(t, qa, other)
}

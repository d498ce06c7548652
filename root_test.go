package orgkit_test

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/language"

	"github.com/orgkit/orgkit"
)

func TestIDs(t *testing.T) {
	a, b := orgkit.NewNodeID(), orgkit.NewNodeID()
	assert.False(t, a.IsZero())
	assert.True(t, orgkit.NodeID{}.IsZero())
	assert.Equal(t, "", orgkit.NodeID{}.String())
	assert.Equal(t, -1, a.Compare(b), "version-7 IDs are time-ordered")
	p, err := orgkit.ParseNodeID(a.String())
	require.NoError(t, err)
	assert.Equal(t, a, p)
	_, err = orgkit.ParseMemberID("nope")
	assert.ErrorIs(t, err, orgkit.ErrInvalid)
	js, err := json.Marshal(struct{ ID orgkit.MemberID }{})
	require.NoError(t, err)
	assert.JSONEq(t, `{"ID":""}`, string(js))
	var back struct{ ID orgkit.NodeID }
	require.NoError(t, json.Unmarshal([]byte(`{"ID":"`+a.String()+`"}`), &back))
	assert.Equal(t, a, back.ID)
}

func TestInvalidErrorMatchesReadOnly(t *testing.T) {
	err := orgkit.Invalid([]orgkit.Violation{{Code: orgkit.CodeFieldReadOnly, Record: orgkit.Ref{Kind: orgkit.KindMember}, Field: "mobile"}})
	assert.True(t, errors.Is(err, orgkit.ErrInvalid))
	assert.True(t, errors.Is(err, orgkit.ErrReadOnly))
	err = orgkit.Invalid([]orgkit.Violation{{Code: orgkit.CodeTreeCycle, Record: orgkit.Ref{Kind: orgkit.KindNode}}})
	assert.False(t, errors.Is(err, orgkit.ErrReadOnly))
	assert.NoError(t, orgkit.Invalid(nil))
}

// A violation is data: its record is named by kind and typed ID, its message is
// rendered when asked for, in the language asked for.
func TestViolationIsTypedAndRenderedLate(t *testing.T) {
	sales, qa := orgkit.NewNodeID(), orgkit.NewNodeID()
	v := orgkit.Violation{Code: orgkit.CodeTreeCycle, Command: 2,
		Record: orgkit.RefTo(sales, "ＳＡＬＥＳ"), Field: "parent", Value: qa.String(),
		Related: []orgkit.Ref{{Kind: orgkit.KindDepartment, ID: qa.UUID(), Name: "QA"}}}
	v.Record.Kind = orgkit.KindDepartment
	id, ok := v.Record.NodeID()
	require.True(t, ok)
	assert.Equal(t, sales, id)
	_, ok = v.Record.MemberID()
	assert.False(t, ok, "a node's ref has no member ID")
	assert.Equal(t, `department "ＳＡＬＥＳ": moving under department "QA" would make a cycle`, v.Message())
	assert.Equal(t, `部门「ＳＡＬＥＳ」：移动到部门「QA」之下会形成循环`, v.Text(language.SimplifiedChinese))
	assert.Equal(t, `部門「ＳＡＬＥＳ」：移動到部門「QA」之下會形成循環`, v.Text(language.TraditionalChinese))
	assert.Equal(t, "command 2: tree.cycle: "+v.Message(), v.String())

	js, err := json.Marshal(v)
	require.NoError(t, err)
	var back orgkit.Violation
	require.NoError(t, json.Unmarshal(js, &back))
	assert.Equal(t, v, back, "a violation survives JSON")
	assert.Contains(t, string(js), `"kind":"department"`)
}

// The supported languages come back in a fresh slice: a caller cannot change what
// the library matches against.
func TestLanguagesAreACopy(t *testing.T) {
	l := orgkit.Languages()
	require.Len(t, l, 3)
	l[0] = language.French
	assert.Equal(t, language.English, orgkit.Languages()[0])
	v := orgkit.Violation{Code: orgkit.CodeTreeCycle, Record: orgkit.Ref{Kind: orgkit.KindNode}}
	assert.NotContains(t, v.Text(language.English), "cycle de", "messages still match English")
}

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
	err := orgkit.Invalid([]orgkit.Violation{orgkit.NewViolation(orgkit.CodeFieldReadOnly, 0, "member", "mobile", "", "")})
	assert.True(t, errors.Is(err, orgkit.ErrInvalid))
	assert.True(t, errors.Is(err, orgkit.ErrReadOnly))
	err = orgkit.Invalid([]orgkit.Violation{orgkit.NewViolation(orgkit.CodeTreeCycle, 0, "node", "", "", "")})
	assert.False(t, errors.Is(err, orgkit.ErrReadOnly))
	assert.NoError(t, orgkit.Invalid(nil))
}

func TestEveryCodeHasThreeLanguages(t *testing.T) {
	for _, code := range []string{orgkit.CodeTreeCycle, orgkit.CodeNodeNameDuplicate, orgkit.CodeMemberLastAdmin, "member.email.duplicate", "member.qq.too_long"} {
		v := orgkit.NewViolation(code, 0, "rec", "field", "value", "detail")
		en, hans, hant := v.Text(language.English), v.Text(language.SimplifiedChinese), v.Text(language.TraditionalChinese)
		assert.NotEqual(t, code, en, "code %s has no English message", code)
		assert.NotEqual(t, en, hans, "code %s has no Simplified Chinese message", code)
		assert.NotEqual(t, en, hant, "code %s has no Traditional Chinese message", code)
		assert.NotContains(t, en, "%!", "bad format in %s", code)
	}
}

// The supported languages come back in a fresh slice: a caller cannot change what
// the library matches against.
func TestLanguagesAreACopy(t *testing.T) {
	l := orgkit.Languages()
	require.Len(t, l, 3)
	l[0] = language.French
	assert.Equal(t, language.English, orgkit.Languages()[0])
	v := orgkit.NewViolation(orgkit.CodeTreeCycle, 0, "node", "", "", "")
	assert.NotContains(t, v.Text(language.English), "cycle de", "messages still match English")
}

package member_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgkit/orgkit/member"
)

func TestFieldJSONRoundTrip(t *testing.T) {
	fields := member.Fields()
	b, err := json.Marshal(fields)
	require.NoError(t, err)
	assert.Contains(t, string(b), `"employee_number"`, "fields marshal as their stable names, not base64 bytes")
	var back []member.Field
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, fields, back)

	b, err = json.Marshal(map[string]member.Field{"f": member.MobileField})
	require.NoError(t, err)
	assert.JSONEq(t, `{"f":"mobile"}`, string(b))

	_, err = json.Marshal([]member.Field{member.Field(200)})
	assert.Error(t, err, "an unknown field does not marshal")
	var f member.Field
	assert.Error(t, json.Unmarshal([]byte(`"no_such_field"`), &f), "an unknown name does not unmarshal")
	assert.Equal(t, member.Field(0), f, "and leaves the field unchanged")
}

func TestFieldUnmarshalsLegacyBase64(t *testing.T) {
	// Before fields had a text form, a []Field was written as base64 bytes.
	legacy, err := json.Marshal([]byte{byte(member.MobileField), byte(member.EmailField)})
	require.NoError(t, err)
	var back []member.Field
	require.NoError(t, json.Unmarshal(legacy, &back))
	assert.Equal(t, []member.Field{member.MobileField, member.EmailField}, back)
}

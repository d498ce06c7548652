package scim

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParsePath(t *testing.T) {
	tests := []struct {
		in   string
		want pathExpr
	}{
		{`members`, pathExpr{Attr: "members"}},
		{`name.givenName`, pathExpr{Attr: "name", Sub: "givenName"}},
		{`emails[type eq "work"].value`, pathExpr{Attr: "emails", Filter: protoCmp("type", opEq, "work"), Sub: "value"}},
		{`members[value eq "2819c223-7f76-453a-919d-413861904646"]`, pathExpr{Attr: "members", Filter: protoCmp("value", opEq, "2819c223-7f76-453a-919d-413861904646")}},
		{`urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager`, pathExpr{URN: EnterpriseUserSchema, Attr: "manager"}},
		{`urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value`, pathExpr{URN: EnterpriseUserSchema, Attr: "manager", Sub: "value"}},
		{`phoneNumbers[type eq "mobile"].value`, pathExpr{Attr: "phoneNumbers", Filter: protoCmp("type", opEq, "mobile"), Sub: "value"}},
		{`emails[type eq "work" and primary eq true]`, pathExpr{Attr: "emails", Filter: &andExpr{Left: protoCmp("type", opEq, "work"), Right: protoCmp("primary", opEq, true)}}},
		{`members[$ref pr]`, pathExpr{Attr: "members", Filter: &compareExpr{Path: pathExpr{Attr: "$ref"}, Op: opPr}}},
		{` userName `, pathExpr{Attr: "userName"}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			p, err := parsePath(tt.in)
			require.NoError(t, err)
			assert.Equal(t, tt.want, p)
			again, err := parsePath(p.String())
			require.NoError(t, err)
			assert.Equal(t, p, again)
		})
	}
}

func TestParsePathErrors(t *testing.T) {
	for _, in := range []string{
		``, `"members"`, `members members`, `name.givenName[type eq "x"]`, `emails[type eq "work"] .value`,
		`emails[type eq "work"].1x`, `emails[type eq "work"`, `emails[type eq]`, `a.b.c`, `urn:x`, `[x eq 1]`,
		`emails[type eq "work"].value.x`,
	} {
		t.Run(in, func(t *testing.T) {
			_, err := parsePath(in)
			var se *Error
			require.ErrorAs(t, err, &se)
			assert.Equal(t, http.StatusBadRequest, se.Status)
			assert.Equal(t, ErrorInvalidPath, se.ScimType)
		})
	}
}

func TestPathIs(t *testing.T) {
	p, err := parsePath("MEMBERS")
	require.NoError(t, err)
	assert.True(t, p.Is("members"))
	p, err = parsePath(`members[value eq "x"]`)
	require.NoError(t, err)
	assert.False(t, p.Is("members"))
	p, err = parsePath(GroupSchema + ":members")
	require.NoError(t, err)
	assert.True(t, p.Is("members"))
	p, err = parsePath(EnterpriseUserSchema + ":manager")
	require.NoError(t, err)
	assert.False(t, p.Is("manager"), "an extension attribute is not the core attribute")
}

func TestResourceTypeAttribute(t *testing.T) {
	users := newUserResourceType()
	a := users.Attribute("USERNAME")
	require.NotNil(t, a)
	assert.Equal(t, "userName", a.Name)
	assert.False(t, a.CaseExact)
	assert.Equal(t, UniqueServer, a.Uniqueness)
	assert.Equal(t, WriteOnly, users.Attribute("password").Mutability)
	assert.Equal(t, Never, users.Attribute("password").Returned)
	assert.True(t, users.Attribute("emails").MultiValued)
	assert.Equal(t, Boolean, users.Attribute(`emails[type eq "work"].primary`).Type)
	assert.Equal(t, "manager", users.Attribute(EnterpriseUserSchema+":manager").Name)
	assert.Equal(t, ReadOnly, users.Attribute("id").Mutability)
	assert.Nil(t, users.Attribute("nope"))
	assert.Nil(t, users.Attribute("urn:example:x:manager"))

	// changing a returned definition of a clone leaves the original alone
	c := users.Clone()
	c.Attribute("displayName").Mutability = ReadOnly
	c.Attribute("id").Mutability = ReadWrite
	assert.Equal(t, ReadOnly, c.Attribute("displayName").Mutability)
	assert.Equal(t, Mutability(""), users.Attribute("displayName").Mutability)
	assert.Equal(t, ReadOnly, users.Attribute("id").Mutability)
	assert.Equal(t, ReadOnly, c.Attribute("id").Mutability, "common attributes are shared and handed out as copies")
}

func TestWriteError(t *testing.T) {
	rec := protoRecorder()
	writeError(rec, Errorf(http.StatusBadRequest, ErrorInvalidValue, "active must be a boolean"))
	assert.Equal(t, http.StatusBadRequest, rec.Code)
	assert.Equal(t, "application/scim+json", rec.Header().Get("Content-Type"))
	var body map[string]any
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &body))
	assert.Equal(t, map[string]any{"schemas": []any{ErrorSchema}, "status": "400", "scimType": "invalidValue", "detail": "active must be a boolean"}, body)

	rec = protoRecorder()
	writeError(rec, protoErrWrap{Errorf(http.StatusNotFound, "", "User 1 not found")})
	assert.Equal(t, http.StatusNotFound, rec.Code)

	rec = protoRecorder()
	writeError(rec, assert.AnError)
	assert.Equal(t, http.StatusInternalServerError, rec.Code)
	assert.NotContains(t, rec.Body.String(), assert.AnError.Error(), "internal messages stay internal")
}

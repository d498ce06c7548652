package scim

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/orgkit/orgkit"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func protoCmp(attr string, op compareOp, v any) *compareExpr {
	return &compareExpr{Path: pathExpr{Attr: attr}, Op: op, Value: v}
}

func TestParseFilterTree(t *testing.T) {
	tests := []struct {
		in   string
		want filterExpr
	}{
		// Entra ID and Okta: the lookups they make before creating a user or group.
		{`userName eq "a@b.com"`, protoCmp("userName", opEq, "a@b.com")},
		{`externalId eq "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef"`, protoCmp("externalId", opEq, "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef")},
		{`displayName eq "Sales"`, protoCmp("displayName", opEq, "Sales")},
		// case-insensitive operators and keywords
		{`UserName EQ "x" AND active Eq TRUE`, &andExpr{Left: protoCmp("UserName", opEq, "x"), Right: protoCmp("active", opEq, true)}},
		{`title pr`, &compareExpr{Path: pathExpr{Attr: "title"}, Op: opPr}},
		{`name.familyName co "O'Malley"`, &compareExpr{Path: pathExpr{Attr: "name", Sub: "familyName"}, Op: opCo, Value: "O'Malley"}},
		{`urn:ietf:params:scim:schemas:core:2.0:User:userName sw "J"`,
			&compareExpr{Path: pathExpr{URN: UserSchema, Attr: "userName"}, Op: opSw, Value: "J"}},
		{`urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value eq "26118915-6090-4610-87e4-49d8ca9f808d"`,
			&compareExpr{Path: pathExpr{URN: EnterpriseUserSchema, Attr: "manager", Sub: "value"}, Op: opEq, Value: "26118915-6090-4610-87e4-49d8ca9f808d"}},
		{`meta.lastModified gt "2011-05-13T04:42:34Z"`, &compareExpr{Path: pathExpr{Attr: "meta", Sub: "lastModified"}, Op: opGt, Value: "2011-05-13T04:42:34Z"}},
		{`count ge -1.5e3`, protoCmp("count", opGe, json.Number("-1.5e3"))},
		{`nickName eq null`, protoCmp("nickName", opEq, nil)},
		{`title eq "a \"quoted\" \u00e9\n"`, protoCmp("title", opEq, "a \"quoted\" é\n")},
		// precedence: and binds tighter than or
		{`a eq 1 or b eq 2 and c eq 3`, &orExpr{Left: protoCmp("a", opEq, json.Number("1")),
			Right: &andExpr{Left: protoCmp("b", opEq, json.Number("2")), Right: protoCmp("c", opEq, json.Number("3"))}}},
		{`(a eq 1 or b eq 2) and c eq 3`, &andExpr{Left: &orExpr{Left: protoCmp("a", opEq, json.Number("1")), Right: protoCmp("b", opEq, json.Number("2"))},
			Right: protoCmp("c", opEq, json.Number("3"))}},
		{`not (a eq 1) and b eq 2`, &andExpr{Left: &notExpr{Filter: protoCmp("a", opEq, json.Number("1"))}, Right: protoCmp("b", opEq, json.Number("2"))}},
		{`emails[type eq "work" and primary eq true]`, &valuePathExpr{Path: pathExpr{Attr: "emails"},
			Filter: &andExpr{Left: protoCmp("type", opEq, "work"), Right: protoCmp("primary", opEq, true)}}},
		// Entra ID: emails[type eq "work"].value eq "x" (a sub-attribute after the brackets)
		{`emails[type eq "work"].value eq "x@y.com"`, &valuePathExpr{Path: pathExpr{Attr: "emails"},
			Filter: &andExpr{Left: protoCmp("type", opEq, "work"), Right: protoCmp("value", opEq, "x@y.com")}}},
		// an attribute named like a keyword
		{`not eq "x"`, protoCmp("not", opEq, "x")},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			f, err := parseFilter(tt.in)
			require.NoError(t, err)
			assert.Equal(t, tt.want, f)
			again, err := parseFilter(f.String())
			require.NoError(t, err, "String() = %s", f.String())
			assert.Equal(t, f, again, "String() = %s", f.String())
		})
	}
}

func TestParseFilterErrors(t *testing.T) {
	tests := []struct{ in, detail string }{
		{``, "expected an attribute name"},
		{`userName`, "expected an operator"},
		{`userName eq`, "expected a comparison value"},
		{`userName eq bob`, "strings need double quotes"},
		{`userName like "x"`, "unknown operator"},
		{`userName eq "x`, "unterminated string"},
		{`userName eq "\x"`, "invalid string literal"},
		{`(userName eq "x"`, `expected ")"`},
		{`userName eq "x")`, "unexpected"},
		{`emails[type eq "work"`, `expected "]"`},
		{`emails[type[value eq "x"] eq "y"]`, "cannot contain another value filter"},
		{`name.a.b eq "x"`, "invalid sub-attribute name"},
		{`1abc eq "x"`, "invalid attribute name"},
		{`a eq 01`, "invalid comparison value"},
		{`a eq 1 b eq 2`, "unexpected"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			_, err := parseFilter(tt.in)
			var se *Error
			require.ErrorAs(t, err, &se)
			assert.Equal(t, http.StatusBadRequest, se.Status)
			assert.Equal(t, ErrorInvalidFilter, se.ScimType)
			assert.Contains(t, se.Detail, tt.detail)
			assert.ErrorIs(t, err, orgkit.ErrInvalid)
		})
	}
}

// A filter over the length or nesting bound is refused before it is parsed, with
// scimType invalidFilter; the bounds are configurable.
func TestParseFilterBounds(t *testing.T) {
	deep := strings.Repeat("(", 17) + `a eq 1` + strings.Repeat(")", 17)
	_, err := parseFilter(deep)
	var se *Error
	require.ErrorAs(t, err, &se)
	assert.Equal(t, ErrorInvalidFilter, se.ScimType)
	assert.Contains(t, se.Detail, "nested deeper than the limit of 16")

	_, err = parseOptions{MaxDepth: 20}.ParseFilter(deep)
	assert.NoError(t, err)

	// not without parentheses nests too
	_, err = parseFilter(strings.Repeat("not ", 17) + `a eq 1`)
	require.ErrorAs(t, err, &se)
	assert.Contains(t, se.Detail, "nested deeper")

	// a million parentheses cost one scan, not a million stack frames
	_, err = parseOptions{MaxLength: 4 << 20}.ParseFilter(strings.Repeat("(", 1<<20))
	require.ErrorAs(t, err, &se)
	assert.Contains(t, se.Detail, "nested deeper")

	long := `userName eq "` + strings.Repeat("x", DefaultMaxFilterLength) + `"`
	_, err = parseFilter(long)
	require.ErrorAs(t, err, &se)
	assert.Equal(t, ErrorInvalidFilter, se.ScimType)
	assert.Contains(t, se.Detail, "longer than the limit")
	assert.Less(t, len(se.Detail), 400, "the detail quotes a bounded prefix of the input")

	// brackets inside string literals do not count
	_, err = parseFilter(`title eq "` + strings.Repeat("(", 100) + `"`)
	assert.NoError(t, err)

	// long and-chains are fine: they do not nest
	chain := strings.Repeat(`a eq 1 and `, 300) + `a eq 1`
	_, err = parseOptions{MaxLength: 1 << 20}.ParseFilter(chain)
	assert.NoError(t, err)
}

func TestEqualityValue(t *testing.T) {
	f, err := parseFilter(`externalId eq "e1" and active eq true`)
	require.NoError(t, err)
	v, ok := equalityValue(f, "externalId")
	assert.True(t, ok)
	assert.Equal(t, "e1", v)
	_, ok = equalityValue(f, "userName")
	assert.False(t, ok)

	f, err = parseFilter(`urn:ietf:params:scim:schemas:core:2.0:User:USERNAME eq "Bob"`)
	require.NoError(t, err)
	v, ok = equalityValue(f, "userName")
	assert.True(t, ok)
	assert.Equal(t, "Bob", v)

	for _, s := range []string{`userName eq "a" or userName eq "b"`, `userName co "a"`, `not (userName eq "a")`, `name.userName eq "a"`} {
		f, err := parseFilter(s)
		require.NoError(t, err)
		_, ok := equalityValue(f, "userName")
		assert.False(t, ok, s)
	}
}

func protoDecode(t *testing.T, s string) map[string]any {
	t.Helper()
	d := json.NewDecoder(strings.NewReader(s))
	d.UseNumber()
	var m map[string]any
	require.NoError(t, d.Decode(&m))
	return m
}

const protoAliceJSON = `{
  "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
  "id": "2819c223-7f76-453a-919d-413861904646",
  "externalId": "Alice-Ext",
  "userName": "Alice@Example.com",
  "name": {"givenName": "Alice", "familyName": "Liddell"},
  "displayName": "Alice Liddell",
  "active": true,
  "emails": [
    {"value": "alice@example.com", "type": "work", "primary": true},
    {"value": "alice@home.org", "type": "home"}
  ],
  "phoneNumbers": [{"value": "+1 555 0100", "type": "mobile"}],
  "meta": {"resourceType": "User", "lastModified": "2024-05-13T04:42:34Z"},
  "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {
    "employeeNumber": "701984", "department": "Sales", "manager": {"value": "m-1"}
  },
  "x-count": 12
}`

func TestMatch(t *testing.T) {
	alice := protoDecode(t, protoAliceJSON)
	users := newUserResourceType()
	tests := []struct {
		filter string
		want   bool
	}{
		{`userName eq "alice@example.com"`, true}, // userName is not caseExact
		{`USERNAME Eq "ALICE@EXAMPLE.COM"`, true},
		{`externalId eq "alice-ext"`, false}, // externalId is caseExact
		{`externalId eq "Alice-Ext"`, true},
		{`id eq "2819C223-7F76-453A-919D-413861904646"`, false}, // id is caseExact
		{`displayName eq "Sales"`, false},
		{`emails[type eq "work"].value eq "alice@example.com"`, true}, // Entra ID
		{`emails[type eq "home"].value eq "alice@example.com"`, false},
		{`emails[type eq "work" and primary eq true]`, true},
		{`emails[type eq "home" and primary eq true]`, false},
		{`emails co "home.org"`, true}, // complex without sub-attribute: its value
		{`emails.value ew "example.com"`, true},
		{`emails.type eq "other"`, false},
		{`name.givenName sw "al"`, true},
		{`name.familyName eq "Carroll" or active eq true`, true},
		{`not (active eq true)`, false},
		{`active eq true and not (name.familyName eq "liddell")`, false},
		{`active ne false`, true},
		{`active gt false`, false},  // booleans: eq and ne only
		{`active eq "true"`, false}, // types never mix
		{`title pr`, false},
		{`title ne "x"`, true}, // ne: no value equals
		{`title eq null`, true},
		{`displayName ne null`, true},
		{`phoneNumbers[type eq "mobile"]`, true},
		{`urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department eq "sales"`, true},
		{`urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value eq "m-1"`, true},
		{`urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager eq "m-1"`, true},
		{`urn:ietf:params:scim:schemas:core:2.0:User:userName ew "@EXAMPLE.COM"`, true},
		{`urn:example:other:1.0:User:userName pr`, false}, // unknown schema
		{`meta.lastModified gt "2024-05-13T00:00:00+02:00"`, true},
		{`meta.lastModified lt "2024-05-13T06:42:34.5+02:00"`, true}, // instants, not strings
		{`x-count ge 12 and x-count lt 12.5`, true},
		{`x-count gt 12`, false},
	}
	for _, tt := range tests {
		t.Run(tt.filter, func(t *testing.T) {
			f, err := parseFilter(tt.filter)
			require.NoError(t, err)
			assert.Equal(t, tt.want, matchFilter(f, alice, users))
		})
	}
}

// Without a resource type every string comparison is case-insensitive.
func TestMatchWithoutSchema(t *testing.T) {
	alice := protoDecode(t, protoAliceJSON)
	f, err := parseFilter(`externalId eq "alice-ext" and emails[type eq "WORK"]`)
	require.NoError(t, err)
	assert.True(t, matchFilter(f, alice, nil))
}

func TestErrorBody(t *testing.T) {
	e := Errorf(http.StatusConflict, ErrorUniqueness, "userName %q is already in use", "bob")
	b, err := json.Marshal(e)
	require.NoError(t, err)
	assert.JSONEq(t, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"409","scimType":"uniqueness","detail":"userName \"bob\" is already in use"}`, string(b))

	var back Error
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, *e, back)
	require.NoError(t, json.Unmarshal([]byte(`{"status":404,"detail":"x"}`), &back))
	assert.Equal(t, Error{Status: 404, Detail: "x"}, back)

	b, err = json.Marshal(&Error{Status: 404, Detail: "Resource 1 not found"})
	require.NoError(t, err)
	assert.JSONEq(t, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"404","detail":"Resource 1 not found"}`, string(b))

	assert.ErrorIs(t, e, orgkit.ErrInvalid)
	assert.NotErrorIs(t, e, orgkit.ErrConflict, "a uniqueness clash is not a version conflict")
	assert.ErrorIs(t, &Error{Status: 400, ScimType: ErrorMutability}, orgkit.ErrReadOnly)
	assert.ErrorIs(t, &Error{Status: 404}, orgkit.ErrNotFound)
	assert.ErrorIs(t, &Error{Status: 412}, orgkit.ErrPrecondition)
	assert.True(t, errors.Is(&Error{Status: 400, ScimType: ErrorInvalidFilter}, orgkit.ErrInvalid))
}

// RFC 7644 §3.4.2.2: ordering a boolean or binary attribute, or filtering the values of
// an attribute that is not complex, is invalidFilter; so is filtering on the password.
func TestCheckFilter(t *testing.T) {
	users := newUserResourceType()
	for _, ok := range []string{
		`userName eq "a@b.com"`, `emails[type eq "work"].value eq "x"`, `active eq true`,
		`meta.lastModified gt "2011-05-13T04:42:34Z"`, `shoeSize gt 3`, `emails[primary eq true]`,
		`urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager eq "m"`,
	} {
		f, err := parseFilter(ok)
		require.NoError(t, err)
		assert.NoError(t, validateFilter(f, users), ok)
		assert.NoError(t, validateFilter(f, nil), ok)
	}
	for _, bad := range []string{
		`active gt false`, `emails[primary ge true]`, `x509Certificates.value lt "x"`,
		`userName[value eq "x"]`, `password eq "hunter2"`, `not (active le true)`,
	} {
		f, err := parseFilter(bad)
		require.NoError(t, err)
		err = validateFilter(f, users)
		var se *Error
		require.ErrorAs(t, err, &se, bad)
		assert.Equal(t, ErrorInvalidFilter, se.ScimType)
		assert.NotContains(t, se.Detail, "hunter2")
	}
}

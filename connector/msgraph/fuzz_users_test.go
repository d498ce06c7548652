package msgraph

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/require"

	"github.com/orgkit/orgkit/member"
)

// FuzzUserPage feeds the user mapping arbitrary pages as /users and /users/delta
// could answer them: it never panics, and every department it derives has a valid
// external ID (at most 128 characters of printable text) whose parent is derived
// too.
func FuzzUserPage(f *testing.F) {
	f.Add(`{"value":[{"id":"a","displayName":"A","department":"Sales","companyName":"Contoso","manager":{"id":"b"},"accountEnabled":true,"employeeHireDate":"2020-01-15T00:00:00Z","onPremisesExtensionAttributes":{"extensionAttribute1":"Remote"}}]}`)
	f.Add(`{"value":[{"id":"b","@removed":{"reason":"deleted"}},{"id":"c","manager@delta":[{"id":"d","@removed":{}}],"department":null,"businessPhones":[]}]}`)
	f.Add(`{"value":[{"id":"e","department":"` + strings.Repeat("部", 130) + `","companyName":"a/b%c\u0000"}]}`)
	c := &Client{opts: Options{CompanyLevel: true}, ext: []extAttr{{name: "extensionAttribute1", field: member.WorkPlaceField}}}
	f.Fuzz(func(t *testing.T, body string) {
		var p page[apiUser]
		if json.Unmarshal([]byte(body), &p) != nil {
			return
		}
		for _, full := range []bool{true, false} {
			depts := newDepartments()
			for i := range p.Value {
				_ = c.skip(&p.Value[i])
				m := c.member(&p.Value[i], full, depts)
				require.LessOrEqual(t, len(m.Departments), 1)
			}
			for _, d := range depts.list() {
				require.True(t, utf8.ValidString(d.ExternalID) && utf8.RuneCountInString(d.ExternalID) <= 128 && d.ExternalID != "", "%q", d.ExternalID)
				for _, r := range d.ExternalID {
					require.False(t, r < ' ' || r == 0x7f, "%q", d.ExternalID)
				}
				if d.Parent != "" {
					_, ok := depts.byID[d.Parent]
					require.True(t, ok, "parent %q derived", d.Parent)
				}
			}
		}
	})
}

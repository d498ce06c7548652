package member_test

import (
	"reflect"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/member"
)

func fullMember() *member.Member {
	return &member.Member{
		ID: orgkit.NewMemberID(), SystemName: orgkit.Names{Default: "alice", ByLang: map[string]string{"zh-Hans": "爱丽丝"}},
		FullName: "Alice", LoginMethod: member.LoginByEmail, Mobile: "+8613900000000", Email: "a@example.com",
		LoginAccount: "alice", Gender: member.Female, SSOAccount: "alice@sso", Status: orgkit.Inactive, LoginBlocked: true,
		ActivatedAt: time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC), Primary: orgkit.NewNodeID(),
		Secondary: []orgkit.NodeID{orgkit.NewNodeID()}, AffiliatedDepartment: orgkit.NewNodeID(),
		AffiliatedOrganization: orgkit.NewNodeID(), JobTitle: "CTO", ReportingManager: orgkit.NewMemberID(),
		HireDate: member.Date{Year: 2020, Month: 3, Day: 1}, EmploymentDate: member.Date{Year: 2010, Month: 7, Day: 1},
		EmployeeNumber: "E001", ResponsibleLines: []string{"North"}, Avatar: member.Avatar{URI: "s3://a", MIMEType: "image/png", Size: 1},
		Birthday: member.Date{Year: 1990, Month: 5, Day: 6}, OfficePhone: "010-1", Extension: "12", QQ: "1", WeChat: "w",
		Language: "zh-Hans", TimeZone: "Asia/Shanghai", Region: "CN", Bio: "b", WorkDetails: "d", WorkPlace: "p",
		ExtendedA: "x", ExtendedB: "y", ExternalID: "u1", SelfJoined: true,
		GivenName: "Alice", FamilyName: "Liddell", Deprovisioned: true, MobileAsWritten: "139 0000 0000", EmailAsWritten: "A@Example.com",
	}
}

// Every struct field is set in the fixture, and every Field is copied and compared on
// its own: a field added to Member but not to the registry fails here.
func TestEveryFieldCopiesAndCompares(t *testing.T) {
	full := fullMember()
	v := reflect.ValueOf(full).Elem()
	for i := range v.NumField() {
		require.False(t, v.Field(i).IsZero(), "fixture leaves %s unset", v.Type().Field(i).Name)
	}
	covered := map[string]bool{"ID": true, "SelfJoined": true}
	for _, f := range member.Fields() {
		empty := &member.Member{}
		require.False(t, f.Equal(full, empty), "%s: Equal sees no difference", f)
		require.True(t, f.IsBlank(empty), "%s", f)
		require.False(t, f.IsBlank(full), "%s", f)
		f.Copy(empty, full)
		assert.True(t, f.Equal(empty, full), "%s: Copy did not copy", f)
		ev := reflect.ValueOf(empty).Elem()
		for i := range ev.NumField() {
			if !ev.Field(i).IsZero() {
				covered[ev.Type().Field(i).Name] = true
			}
		}
		for _, g := range member.Fields() {
			if g != f {
				assert.True(t, g.IsBlank(empty), "copying %s touched %s", f, g)
			}
		}
	}
	for i := range v.NumField() {
		assert.True(t, covered[v.Type().Field(i).Name], "struct field %s has no Field", v.Type().Field(i).Name)
	}
	// copies share nothing
	c := &member.Member{}
	member.SecondaryDepartmentsField.Copy(c, full)
	c.Secondary[0] = orgkit.NodeID{}
	assert.False(t, full.Secondary[0].IsZero())
}

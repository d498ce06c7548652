package directory_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/directory"
	"github.com/orgkit/orgkit/member"
)

// TestMemberByAcceptsWhatTheWritePathAccepts is issue 10's fifth report:
// MemberBy(member.Mobile, "13900000001") found nothing, only the stored E.164 form
// was found. Every unique field is now looked up in every form the write path
// accepts for it, and only those.
func TestMemberByAcceptsWhatTheWritePathAccepts(t *testing.T) {
	f := newFixture(t)
	alice, hk := orgkit.NewMemberID(), orgkit.NewMemberID()
	f.apply(
		member.Create{ID: alice, SystemName: orgkit.Name("Alice Wang"), FullName: "Alice", Mobile: "139 0000 0011",
			Email: "Alice.Wang@Example.COM", EmployeeNumber: "E-001", LoginAccount: "alice.w", SSOAccount: "Alice@SSO",
			ExternalID: "ext-001", Primary: f.rd},
		member.Create{ID: hk, SystemName: orgkit.Name("hk"), Mobile: "+852 1234 5678", Primary: f.rd},
	)
	snap := f.snap()
	for _, tt := range []struct {
		field member.Field
		value string
		want  orgkit.MemberID // zero: not found
	}{
		{member.MobileField, "+8613900000011", alice}, // the stored form
		{member.MobileField, "13900000011", alice},
		{member.MobileField, "139 0000 0011", alice},
		{member.MobileField, "139-0000-0011", alice},
		{member.MobileField, "+86 139 0000 0011", alice},
		{member.MobileField, "0086 139 0000 0011", alice},
		{member.MobileField, "(139) 0000-0011", alice},
		{member.MobileField, "１３９００００００１１", alice}, // full-width digits
		{member.MobileField, " +8613900000011 ", alice},
		{member.MobileField, "+852-12345678", hk},
		{member.MobileField, "00852 1234 5678", hk},
		{member.MobileField, "12345678", orgkit.MemberID{}},    // a Hong Kong number written as a domestic one is not it
		{member.MobileField, "13900000012", orgkit.MemberID{}}, // another number
		{member.MobileField, "not a number", orgkit.MemberID{}},
		{member.MobileField, "", orgkit.MemberID{}},
		{member.EmailField, "alice.wang@example.com", alice},
		{member.EmailField, "ALICE.WANG@EXAMPLE.COM", alice},
		{member.EmailField, "  Alice.Wang@example.com ", alice},
		{member.EmailField, "ａｌｉｃｅ.ｗａｎｇ＠ｅｘａｍｐｌｅ.ｃｏｍ", alice}, // full width, as NFKC reads it
		{member.EmailField, "alice.wang@example.org", orgkit.MemberID{}},
		{member.SystemNameField, "Alice Wang", alice},
		{member.SystemNameField, "  alice   WANG ", alice},
		{member.SystemNameField, "Ａｌｉｃｅ Ｗａｎｇ", alice},
		{member.SystemNameField, "Alice W", orgkit.MemberID{}},
		{member.EmployeeNumberField, "e-001", alice},
		{member.EmployeeNumberField, " E-001 ", alice},
		{member.EmployeeNumberField, "Ｅ-００１", alice},
		{member.EmployeeNumberField, "E-0001", orgkit.MemberID{}},
		{member.LoginAccountField, "ALICE.W", alice},
		{member.LoginAccountField, "ａｌｉｃｅ.ｗ", alice},
		{member.SSOAccountField, "alice@sso", alice},
		{member.SSOAccountField, " ALICE@SSO ", alice},
		{member.ExternalIDField, "ext-001", alice},
		{member.ExternalIDField, " ext-001\t", alice},                     // kept as given apart from surrounding space
		{member.ExternalIDField, "EXT-001", orgkit.MemberID{}},            // upstream IDs are case-sensitive
		{member.FullNameField, "Alice", orgkit.MemberID{}},                // not a unique field
		{member.Field(200), "+8613900000011", orgkit.MemberID{}},          // not a field
		{member.ReportingManagerField, alice.String(), orgkit.MemberID{}}, // not a unique field either
	} {
		m, ok := snap.MemberBy(tt.field, tt.value)
		shared, sharedOK := snap.Shared().MemberBy(tt.field, tt.value)
		if tt.want.IsZero() {
			assert.False(t, ok, "%s %q", tt.field, tt.value)
			assert.False(t, sharedOK, "Shared: %s %q", tt.field, tt.value)
			continue
		}
		if assert.True(t, ok, "%s %q", tt.field, tt.value) {
			assert.Equal(t, tt.want, m.ID, "%s %q", tt.field, tt.value)
		}
		if assert.True(t, sharedOK, "Shared: %s %q", tt.field, tt.value) {
			assert.Equal(t, tt.want, shared.ID, "Shared: %s %q", tt.field, tt.value)
		}
	}
}

// TestMemberByReadsMobilesInTheServiceRegion: a domestic number is read in the
// service's default region, as the write path reads it.
func TestMemberByReadsMobilesInTheServiceRegion(t *testing.T) {
	ctx := context.Background()
	svc := directory.New(directory.Options{DefaultRegion: "US"})
	snap, err := svc.EnsureDefault(ctx, directory.Founder{Name: "Ada", Mobile: "(202) 555-0123"})
	require.NoError(t, err)
	m, ok := snap.MemberBy(member.MobileField, "202-555-0123")
	require.True(t, ok)
	assert.Equal(t, "+12025550123", m.Mobile)
	assert.Equal(t, snap.Settings().Leader, m.ID)
}

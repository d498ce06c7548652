package sqlstore

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/member"
	"github.com/orgkit/orgkit/store"
)

func TestCompactFormCoversTheBulkRecords(t *testing.T) {
	c := codec()
	for _, k := range []store.RecordKind{store.KindNode, store.KindMember, store.KindRole, store.KindRoleGroup, store.KindAssignment} {
		assert.Contains(t, c.plans, k, "%s records have a compact form", k)
	}
}

func TestCompactFormRoundTrip(t *testing.T) {
	for name, m := range map[string]*member.Member{
		"sparse": {ID: orgkit.NewMemberID(), SystemName: orgkit.Name("a")},
		"empty slices and maps": {ID: orgkit.NewMemberID(), SystemName: orgkit.Names{Default: "b", ByLang: map[string]string{}},
			Secondary: []orgkit.NodeID{}, ResponsibleLines: []string{}},
		"full": {ID: orgkit.NewMemberID(), SystemName: orgkit.Names{Default: "张伟", ByLang: map[string]string{"en": "Wei", "zh-Hant": "張偉"}},
			FullName: "张伟", Mobile: "+8613900000001", Status: orgkit.Inactive, LoginBlocked: true,
			ActivatedAt: time.Date(2020, 1, 2, 3, 4, 5, 600, time.UTC), Secondary: []orgkit.NodeID{orgkit.NewNodeID(), orgkit.NewNodeID()},
			HireDate: member.Date{Year: 2019, Month: time.March, Day: 4}, ResponsibleLines: []string{"", "north"},
			Avatar: member.Avatar{URI: "https://x/y.png", Size: -1}, ReportingManager: orgkit.NewMemberID()},
		"a time in a zone": {ID: orgkit.NewMemberID(), ActivatedAt: time.Date(2020, 1, 2, 3, 4, 5, 0, time.FixedZone("", 8*3600))},
	} {
		b := encodeBinary(store.KindMember, m)
		require.NotNil(t, b, name)
		v, ok, err := decodeBinary(store.KindMember, string(b))
		require.NoError(t, err, name)
		require.True(t, ok, name)
		got := v.(*member.Member)
		if name == "a time in a zone" {
			assert.True(t, m.ActivatedAt.Equal(got.ActivatedAt), name)
			continue
		}
		assert.Equal(t, m, got, name)
	}
}

func TestCompactFormRefusesOtherHeadersAndGarbage(t *testing.T) {
	m := &member.Member{ID: orgkit.NewMemberID(), SystemName: orgkit.Name("a"), FullName: "A"}
	b := encodeBinary(store.KindMember, m)
	other := append([]byte{}, b...)
	other[1] ^= 0xff // another fingerprint: written by a program with other record types
	_, ok, err := decodeBinary(store.KindMember, string(other))
	assert.False(t, ok, "a row of other record types is read from its JSON")
	assert.NoError(t, err)
	for i := len(codec().header); i < len(b); i++ {
		_, _, err := decodeBinary(store.KindMember, string(b[:i]))
		assert.Error(t, err, "a truncated record (%d of %d bytes) is an error, never a panic", i, len(b))
	}
}

func FuzzDecodeBinary(f *testing.F) {
	f.Add(encodeBinary(store.KindMember, &member.Member{ID: orgkit.NewMemberID(), SystemName: orgkit.Names{Default: "a", ByLang: map[string]string{"en": "b"}}, Secondary: []orgkit.NodeID{{}}}))
	f.Fuzz(func(t *testing.T, data []byte) {
		data = append([]byte(codec().header), data[min(len(data), len(codec().header)):]...)
		decodeBinary(store.KindMember, string(data)) //nolint:errcheck // must not panic
	})
}

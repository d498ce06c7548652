package store_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgkit/orgkit/member"
	"github.com/orgkit/orgkit/store"
)

func TestMetaErasedJSON(t *testing.T) {
	m := store.Meta{Actor: "dpo", Reason: "request 7", Origin: store.OriginErase, Time: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
		Erased: []member.Field{member.MobileField, member.FullNameField}}
	b, err := json.Marshal(m)
	require.NoError(t, err)
	assert.Contains(t, string(b), `"erased":["mobile","full_name"]`, "erased fields are written by name")
	var back store.Meta
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, m, back)
}

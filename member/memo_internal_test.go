package member

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A full memo starts afresh: it never holds more than its capacity, and answers stay
// right.
func TestMemoCapacity(t *testing.T) {
	defer func(c int) { memoCapacity = c }(memoCapacity)
	memoCapacity = 100
	r := Rules{}.remember()
	var in []string
	for i := range 250 {
		in = append(in, fmt.Sprintf("139%08d", i))
	}
	r = r.prepare(in)
	require.LessOrEqual(t, len(r.memo.m), 100)
	_, kept := r.memo.get(in[249])
	assert.True(t, kept, "the last numbers of an oversized batch are kept")
	for _, s := range in[:120] {
		got, err := r.NormalizeMobile(s)
		require.NoError(t, err)
		require.Equal(t, "+86"+s, got)
		require.LessOrEqual(t, len(r.memo.m), 100)
	}
}

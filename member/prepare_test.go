package member_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/orgkit/orgkit/member"
)

// Prepared rules answer exactly as NormalizeMobile does, for valid and invalid numbers.
func TestPrepareAnswersLikeNormalizeMobile(t *testing.T) {
	var in []string
	for i := range 300 {
		in = append(in, fmt.Sprintf("139%08d", i), fmt.Sprintf("+852-5%07d", i))
	}
	in = append(in, "12345", "", "+86 139", "１３９００００００００", "13900000000", "13900000000")
	plain := member.Rules{}
	prepared := plain.Prepare(in)
	for _, s := range in {
		want, wantErr := plain.NormalizeMobile(s)
		got, gotErr := prepared.NormalizeMobile(s)
		assert.Equal(t, want, got, s)
		assert.Equal(t, wantErr, gotErr, s)
	}
	// numbers not prepared are still normalized
	got, err := prepared.NormalizeMobile("13811112222")
	assert.NoError(t, err)
	assert.Equal(t, "+8613811112222", got)
}

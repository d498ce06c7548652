package member_test

import (
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/orgkit/orgkit/internal/mobiles"
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
	prepared := mobiles.Prepare(plain, in)
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

// Rules that remember share what they normalize with their copies, answer as rules
// that do not, and stop using the memo when a copy reads numbers in another region.
func TestRememberedMobiles(t *testing.T) {
	plain := member.Rules{}
	r := mobiles.Remember(plain)
	copyOf := r
	in := []string{"13900000000", "139 0000 0001", "12345", "+852 5123 4567", "0085251234567"}
	for _, s := range in {
		want, wantErr := plain.NormalizeMobile(s)
		got, gotErr := r.NormalizeMobile(s)
		assert.Equal(t, want, got, s)
		assert.Equal(t, wantErr, gotErr, s)
		again, againErr := copyOf.NormalizeMobile(s) // from the shared memo
		assert.Equal(t, want, again, s)
		assert.Equal(t, wantErr, againErr, s)
	}
	assert.Equal(t, r, mobiles.Remember(r), "rules that remember are returned as they are")
	hk := r
	hk.DefaultRegion = "HK"
	got, err := hk.NormalizeMobile("51234567") // a Hong Kong number, not the memo's
	assert.NoError(t, err)
	assert.Equal(t, "+85251234567", got)
	_, err = r.NormalizeMobile("51234567")
	assert.Error(t, err, "the CN rules did not learn the HK answer")
}

// Rules that remember are safe for concurrent use (run with -race).
func TestRememberedMobilesConcurrently(t *testing.T) {
	r := mobiles.Remember(member.Rules{})
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var batch []string
			for i := range 200 {
				s := fmt.Sprintf("139%08d", i)
				got, err := r.NormalizeMobile(s)
				assert.NoError(t, err)
				assert.Equal(t, "+86"+s, got)
				batch = append(batch, fmt.Sprintf("138%04d%04d", w, i))
			}
			mobiles.Prepare(r, batch)
		}()
	}
	wg.Wait()
}

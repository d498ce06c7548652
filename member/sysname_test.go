package member_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"

	"github.com/orgkit/orgkit/member"
)

func TestDeriveSystemName(t *testing.T) {
	var r member.Rules
	assert.Equal(t, "Zhang Min", r.DeriveSystemName(" Zhang Min ", "u9"), "the full name")
	assert.Equal(t, "u9", r.DeriveSystemName("", "u9"), "no full name: the id")
	assert.Equal(t, "u9", r.DeriveSystemName("bad\x00name", "u9"), "a full name the rules refuse: the id")
	assert.Equal(t, "", r.DeriveSystemName("", ""))
	long := strings.Repeat("名", 100)
	got := r.DeriveSystemName(long, "x")
	assert.Equal(t, 64, utf8.RuneCountInString(got), "cut to the limit")
	assert.Equal(t, strings.Repeat("名", 64), got)
}

func TestSuffixedSystemName(t *testing.T) {
	assert.Equal(t, "张伟 (zhangwei)", member.SuffixedSystemName("张伟", "zhangwei", 1))
	assert.Equal(t, "张伟 (zhangwei 2)", member.SuffixedSystemName("张伟", "zhangwei", 2))
	assert.Equal(t, "张伟 (2)", member.SuffixedSystemName("张伟", "", 2))
	for _, c := range []struct{ name, id string }{
		{strings.Repeat("a", 64), "id"},
		{strings.Repeat("名", 70), strings.Repeat("x", 90)},
	} {
		for n := 1; n <= 3; n++ {
			got := member.SuffixedSystemName(c.name, c.id, n)
			assert.LessOrEqual(t, utf8.RuneCountInString(got), 64, got)
			assert.NotEqual(t, got, member.SuffixedSystemName(c.name, c.id, n+1), "each n its own form")
		}
	}
}

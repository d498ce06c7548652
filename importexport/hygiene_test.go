package importexport

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/language"

	"github.com/orgkit/orgkit"
)

// TestImportForbiddenCharacters: a department or member cell holding a control
// character or a bidirectional or invisible formatting character is a problem of its
// row and column, with the write path's one code, localized; nothing is written. (A
// CSV holding NUL is refused as a whole before any row is read: not a text file.)
func TestImportForbiddenCharacters(t *testing.T) {
	cases := []struct {
		name string
		data func(t *testing.T) []byte
		want []string
	}{
		{"department name DEL (CSV)", func(t *testing.T) []byte {
			return makeCSV(t, [][]string{{"Code", "Name"}, {"X1", "Ops"}, {"X2", "R&D\x7f"}})
		}, []string{"B3 " + orgkit.CodeTextForbidden}},
		{"department name ESC and code RLO (CSV)", func(t *testing.T) []byte {
			return makeCSV(t, [][]string{{"Code", "Name"}, {"X\u202e1", "\x1b[31mOps"}})
		}, []string{"B2 " + orgkit.CodeTextForbidden, "A2 " + orgkit.CodeTextForbidden}},
		{"member full name and job title (CSV)", func(t *testing.T) []byte {
			return makeCSV(t, [][]string{
				{"System name", "Full name", "Mobile", "Job title"},
				{"eve", "Eve\u202eevE", "13800000009", "CEO\u2066"},
				{"mallory", "Mallory", "13800000008", "Ops"},
			})
		}, []string{"B2 " + orgkit.CodeTextForbidden, "D2 " + orgkit.CodeTextForbidden}},
		{"department name bidi (xlsx)", func(t *testing.T) []byte {
			return makeXLSX(t, false, sheetSpec{name: "Departments", rows: [][]any{{"Code", "Name"}, {"X1", "Sales\u200f"}}})
		}, []string{"B2 " + orgkit.CodeTextForbidden}},
		{"member system name zero-width space (xlsx)", func(t *testing.T) []byte {
			return makeXLSX(t, false, sheetSpec{name: "Members", rows: [][]any{{"System name", "Mobile"}, {"e\u200bve", "13800000009"}}})
		}, []string{"A2 " + orgkit.CodeTextForbidden}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fx := newFixture(t)
			before := fx.snap(t).Version()
			rep, err := Import(fx.ctx, fx.svc, fx.dir, bytes.NewReader(c.data(t)), ImportOptions{Language: language.SimplifiedChinese})
			require.ErrorIs(t, err, orgkit.ErrInvalid, "%v", err)
			assert.ElementsMatch(t, c.want, problemsOf(rep), dumpProblems(rep))
			for _, p := range rep.Problems {
				assert.Contains(t, p.Message, "U+", "the message names the character")
				assert.Contains(t, p.Message, "控制字符", "localized")
				assert.False(t, strings.ContainsAny(p.Message, "\x7f\x1b\u202e\u2066\u200f\u200b"), "the message shows no such character: %q", p.Message)
			}
			assert.Equal(t, before, fx.snap(t).Version(), "nothing written")
		})
	}
}

package connector_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/connector"
	"github.com/orgkit/orgkit/connector/connectortest"
	"github.com/orgkit/orgkit/member"
)

// warningsFor returns the warnings about one upstream record.
func warningsFor(ws []connector.Warning, ext string) []connector.Warning {
	var out []connector.Warning
	for _, w := range ws {
		if w.ExternalID == ext {
			out = append(out, w)
		}
	}
	return out
}

// TestUpstreamForbiddenCharactersDropped: the directory refuses names and codes with
// control or invisible formatting characters, so a sync drops such upstream values
// with a warning — a new department is named after its external ID, an existing one
// keeps its name, a bad language form goes, a member's bad value is left out, a bad
// external ID skips its record — and the rest of the pass applies.
func TestUpstreamForbiddenCharactersDropped(t *testing.T) {
	src := smallSource()
	src.PutDepartment(connector.Department{Present: connector.DepartmentFields(), ExternalID: "ops", Parent: "1", Name: orgkit.Name("Ops\x00"), Order: 3})
	src.PutDepartment(connector.Department{Present: connector.DepartmentFields(), ExternalID: "hr", Parent: "1", Order: 4,
		Name: orgkit.Names{Default: "HR", ByLang: map[string]string{"zh": "人事\u202e部", "en": "Human Resources"}}})
	src.PutDepartment(connector.Department{Present: connector.DepartmentFields(), ExternalID: "x\u2066", Parent: "1", Name: orgkit.Name("Hidden"), Order: 5})
	src.EditMember("u4", func(m *connector.Member) { m.Values.FullName = "Linus\u202eTorvalds" })
	bad := connectortest.NewMember("u11\x1b", "Eve", "13900000011", "rd")
	src.PutMember(bad)
	e := newEnv(t, src)
	rep := e.sync(connector.SyncOptions{})
	require.True(t, rep.Committed)

	assert.Equal(t, "ops", e.node("ops").Name.Default, "named after its external ID")
	w := warningsFor(rep.Warnings, "ops")
	require.Len(t, w, 1)
	assert.Equal(t, connector.WarnDepartmentName, w[0].Code)
	assert.Contains(t, w[0].Message, "U+0000")

	hr := e.node("hr")
	assert.Equal(t, orgkit.Names{Default: "HR", ByLang: map[string]string{"en": "Human Resources"}}, hr.Name, "the bad form is dropped")
	w = warningsFor(rep.Warnings, "hr")
	require.Len(t, w, 1)
	assert.Contains(t, w[0].Message, "U+202E")

	_, found := e.snap().Tree().ByExternalID("x\u2066")
	assert.False(t, found, "a department with a bad external ID is skipped")
	assert.Contains(t, warningCodes(rep.Warnings), connector.WarnDepartmentInvalid)

	assert.Equal(t, "", e.member("u4").FullName, "a new member's bad value is left empty")
	assert.Contains(t, warningCodes(warningsFor(rep.Warnings, "u4")), connector.WarnMemberValue)
	_, found = e.snap().MemberBy(member.ExternalIDField, "u11\x1b")
	assert.False(t, found)
	assert.Contains(t, warningCodes(rep.Warnings), connector.WarnMemberInvalid)

	// an existing department renamed upstream to a bad name keeps its local name; a
	// good rename elsewhere in the same pass applies
	e.src.EditDepartment("sales", func(d *connector.Department) { d.Name = orgkit.Name("Sales\u200f") })
	e.src.EditDepartment("fe", func(d *connector.Department) { d.Name = orgkit.Name("Web") })
	e.src.EditMember("u5", func(m *connector.Member) { m.Values.FullName = "Barbara\x00" })
	rep = e.sync(connector.SyncOptions{})
	require.True(t, rep.Committed)
	assert.Equal(t, "Sales", e.node("sales").Name.Default)
	assert.Equal(t, "Web", e.node("fe").Name.Default)
	assert.Equal(t, "Barbara Liskov", e.member("u5").FullName, "an existing member keeps the local value")
	w = warningsFor(rep.Warnings, "sales")
	require.Len(t, w, 1)
	assert.Equal(t, connector.WarnDepartmentName, w[0].Code)
	assert.Contains(t, w[0].Message, "U+200F")
	assert.Contains(t, w[0].Message, "local name kept")
	for _, w := range rep.Warnings {
		assert.False(t, strings.ContainsAny(w.Message, "\x00\u200f\u202e"), "warnings show no forbidden character: %q", w.Message)
	}
	assert.True(t, e.sync(connector.SyncOptions{}).Plan.Empty(), "the next run is stable")
}

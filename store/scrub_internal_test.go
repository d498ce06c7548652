package store

import (
	"reflect"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/orgkit/orgkit/member"
)

// TestScrubberKnowsEveryTextField fails when a personal member field that holds text
// is not looked for in free text: a field added to member.Member must be added to
// textValues too (or to the fields that identify nobody).
func TestScrubberKnowsEveryTextField(t *testing.T) {
	identifyNobody := []member.Field{member.LanguageField, member.TimeZoneField, member.RegionField}
	full := &member.Member{}
	v := reflect.ValueOf(full).Elem()
	for i := range v.NumField() {
		if f := v.Field(i); f.Kind() == reflect.String {
			f.SetString("value of " + v.Type().Field(i).Name)
		}
	}
	for _, f := range PersonalFields() {
		var one member.Member
		f.Copy(&one, full)
		holdsText := false
		ov := reflect.ValueOf(one)
		for i := range ov.NumField() {
			if fv := ov.Field(i); fv.Kind() == reflect.String && fv.String() != "" {
				holdsText = true
			}
		}
		if !holdsText || slices.Contains(identifyNobody, f) {
			continue
		}
		assert.NotEmpty(t, textValues(full, f), "field %s holds text but the scrubber does not look for it", f)
	}
}

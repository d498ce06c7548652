package orgkit

import (
	"fmt"

	"github.com/orgkit/orgkit/internal/i18n"
	"golang.org/x/text/language"
)

// Violation is one broken rule, as data: which rule (a stable dotted Code), which
// command of the batch (its index, or -1 when the rule was checked on the final
// state of the batch and no single command is to blame), which record (its kind, ID
// and name) and field, the offending value, and the other records involved. Its
// message is rendered when asked for, in English (Message) or another language
// (Text).
type Violation struct {
	// Code is the rule, one of the Code… constants, e.g. CodeNodeNameDuplicate.
	Code string `json:"code"`
	// Command is the index of the command in its batch; -1 when not tied to one.
	Command int `json:"command"`
	// Record is the record concerned: its kind and typed ID (Record.NodeID,
	// Record.MemberID, …) and its name. Zero when the batch or input as a whole is.
	Record Ref `json:"record,omitzero"`
	// Field is the field concerned ("mobile", "parent"); empty when the whole record.
	Field FieldName `json:"field,omitempty"`
	// Value is the offending value as text, as given.
	Value string `json:"value,omitempty"`
	// Detail is a datum the message needs besides the value: a limit ("64"), a
	// character ("U+202E"), a language tag, a chain of names.
	Detail string `json:"detail,omitempty"`
	// Related are the other records involved: the holder of a value that must be
	// unique, the parent a move would cycle through, the active children that block
	// a deactivation.
	Related []Ref `json:"related,omitempty"`
}

// FieldName is the stable snake_case name of a field a violation concerns: a member
// field ("mobile", as member.Field.String gives it), a node field ("parent", as
// orgtree.Field.String gives it), a directory setting ("multi_org") or a part of a
// command ("sources").
type FieldName string

// Label returns the field's label in the language best matching tag ("Mobile",
// "手机号", "手機號"); a field without a label is named as it is.
func (f FieldName) Label(tag language.Tag) string { return i18n.FieldLabel(string(f), i18n.Match(tag)) }

// String renders the violation in English with its code and command index.
func (v Violation) String() string {
	s := v.Code + ": " + v.Message()
	if v.Command >= 0 {
		s = fmt.Sprintf("command %d: %s", v.Command, s)
	}
	return s
}

// Message returns the violation's message in English.
func (v Violation) Message() string { return v.Text(language.English) }

// Text returns the message in the language best matching tag: English, Simplified
// Chinese or Traditional Chinese (English when nothing matches). Records, fields and
// the words of closed sets (kinds, actions) are named in that language too.
func (v Violation) Text(tag language.Tag) string {
	li := i18n.Match(tag)
	related := []string{"—"}
	if len(v.Related) > 0 {
		related = make([]string, len(v.Related))
		for i, r := range v.Related {
			related[i] = r.Text(tag)
		}
	}
	key := v.Code
	if !violationTexts.Has(key) {
		key = codeUnknown
	}
	return violationTexts.Sprintf(tag, key, v.Record.Text(tag), v.Field.Label(tag), v.Value, i18n.Term(v.Detail, li),
		i18n.Term(v.Value, li), i18n.Join(related, li), v.Code)
}

// Languages returns the languages orgkit's messages, headers and labels come in:
// English, Simplified Chinese and Traditional Chinese, in that order, in a fresh
// slice.
func Languages() []language.Tag { return i18n.Languages() }

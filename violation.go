package orgkit

import (
	"fmt"
	"strings"

	"github.com/orgkit/orgkit/internal/i18n"
	"golang.org/x/text/language"
)

// Violation is one broken rule: which rule (a stable dotted Code), which command of
// the batch (its index, or -1 when the rule was checked on the final state of the
// batch and no single command is to blame), which record and field, the offending
// value, and a message.
type Violation struct {
	Code    string // stable dotted code, e.g. "node.name.duplicate_sibling"
	Command int    // index of the command in its batch; -1 when not tied to one command
	Record  string // the record concerned, e.g. "node 0192…" or "member 0192…"
	Field   string // the field concerned, e.g. "mobile"; "" when the whole record
	Value   string // the offending value as text
	Detail  string // what it collides or conflicts with, when there is such a thing
	Message string // English message; Text gives it in another language
}

// String renders the violation in English with its code and command index.
func (v Violation) String() string {
	s := v.Code + ": " + v.Message
	if v.Command >= 0 {
		s = fmt.Sprintf("command %d: %s", v.Command, s)
	}
	return s
}

// Text returns the message in the language best matching tag: English, Simplified
// Chinese or Traditional Chinese (English when nothing matches).
func (v Violation) Text(tag language.Tag) string {
	key := v.Code
	if !violationTexts.Has(key) {
		if i := strings.LastIndexByte(key, '.'); i >= 0 {
			key = "*" + key[i:]
		}
	}
	return violationTexts.Sprintf(tag, key, v.Record, v.Field, v.Value, v.Detail)
}

// NewViolation builds a violation with its English message filled in.
func NewViolation(code string, command int, record, field, value, detail string) Violation {
	v := Violation{Code: code, Command: command, Record: record, Field: field, Value: value, Detail: detail}
	v.Message = v.Text(language.English)
	return v
}

// Languages returns the languages orgkit's messages, headers and labels come in:
// English, Simplified Chinese and Traditional Chinese, in that order, in a fresh
// slice.
func Languages() []language.Tag { return i18n.Languages() }

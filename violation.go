package orgkit

import (
	"fmt"
	"strings"
	"sync"

	"golang.org/x/text/language"
	"golang.org/x/text/message"
	"golang.org/x/text/message/catalog"
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

// Languages are the languages orgkit's messages, headers and labels come in:
// English, Simplified Chinese and Traditional Chinese, in that order.
var Languages = []language.Tag{language.English, language.SimplifiedChinese, language.TraditionalChinese}

// Text is one localizable text: its key and its forms in the three Languages
// (English, Simplified Chinese, Traditional Chinese). Forms may use fmt verbs with
// explicit argument indexes such as %[1]s.
type Text struct {
	Key   string
	Forms [3]string
}

// Texts is a table of localizable texts, compiled into a message catalog on first use
// (never at package init). Each package that shows text to people keeps one.
type Texts struct {
	entries  []Text
	once     sync.Once
	catalog  *catalog.Builder
	printers [3]*message.Printer
	keys     map[string]bool
}

// NewTexts makes a table of texts.
func NewTexts(entries ...Text) *Texts { return &Texts{entries: entries} }

var (
	matcherOnce sync.Once
	matcher     language.Matcher
)

// MatchLanguage returns the index in Languages of the supported language that best
// matches tag (English when nothing matches).
func MatchLanguage(tag language.Tag) int {
	matcherOnce.Do(func() { matcher = language.NewMatcher(Languages) })
	_, i, _ := matcher.Match(tag)
	return i
}

// Printer returns a printer of the table's texts for the language best matching tag.
func (t *Texts) Printer(tag language.Tag) *message.Printer {
	t.once.Do(func() {
		b := catalog.NewBuilder(catalog.Fallback(language.English))
		t.keys = make(map[string]bool, len(t.entries))
		for _, e := range t.entries {
			t.keys[e.Key] = true
			for i, lang := range Languages {
				if e.Forms[i] != "" {
					_ = b.SetString(lang, e.Key, e.Forms[i])
				}
			}
		}
		t.catalog = b
		for i, lang := range Languages {
			t.printers[i] = message.NewPrinter(lang, message.Catalog(b))
		}
	})
	return t.printers[MatchLanguage(tag)]
}

// Has reports whether the table has a text with the key.
func (t *Texts) Has(key string) bool {
	t.Printer(language.English) // builds the table's index once
	return t.keys[key]
}

// Sprintf formats the text with the given key in the language best matching tag.
func (t *Texts) Sprintf(tag language.Tag, key string, args ...any) string {
	return t.Printer(tag).Sprintf(key, args...)
}

// Package i18n holds the machinery of orgkit's localized texts: the three languages
// messages, labels and headers come in, and tables of texts compiled into message
// catalogs. Every package of the module that shows text to people keeps its texts in
// a Texts table or in [3]string forms indexed by Match.
package i18n

import (
	"slices"
	"sync"

	"golang.org/x/text/language"
	"golang.org/x/text/message"
	"golang.org/x/text/message/catalog"
)

// languages are the languages of every text, in the order of a text's forms.
var languages = [3]language.Tag{language.English, language.SimplifiedChinese, language.TraditionalChinese}

// Languages returns English, Simplified Chinese and Traditional Chinese, in the order
// of a text's forms, in a fresh slice.
func Languages() []language.Tag { return slices.Clone(languages[:]) }

var (
	matcherOnce sync.Once
	matcher     language.Matcher
)

// Match returns the index in Languages of the language that best matches tag (0,
// English, when nothing matches).
func Match(tag language.Tag) int {
	matcherOnce.Do(func() { matcher = language.NewMatcher(languages[:]) })
	_, i, _ := matcher.Match(tag)
	return i
}

// Text is one localizable text: its key and its forms in the three Languages. Forms
// may use fmt verbs with explicit argument indexes such as %[1]s.
type Text struct {
	Key   string
	Forms [3]string
}

// Texts is a table of localizable texts, compiled into a message catalog on first use
// (never at package init).
type Texts struct {
	entries  []Text
	once     sync.Once
	printers [3]*message.Printer
	keys     map[string]bool
}

// NewTexts makes a table of texts.
func NewTexts(entries ...Text) *Texts { return &Texts{entries: entries} }

// Entries returns the table's texts.
func (t *Texts) Entries() []Text { return t.entries }

// Printer returns a printer of the table's texts for the language best matching tag.
func (t *Texts) Printer(tag language.Tag) *message.Printer {
	t.once.Do(func() {
		b := catalog.NewBuilder(catalog.Fallback(language.English))
		t.keys = make(map[string]bool, len(t.entries))
		for _, e := range t.entries {
			t.keys[e.Key] = true
			for i, lang := range languages {
				if e.Forms[i] != "" {
					_ = b.SetString(lang, e.Key, e.Forms[i])
				}
			}
		}
		for i, lang := range languages {
			t.printers[i] = message.NewPrinter(lang, message.Catalog(b))
		}
	})
	return t.printers[Match(tag)]
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

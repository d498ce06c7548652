package orgkit

import (
	"maps"
	"slices"

	"github.com/orgkit/orgkit/internal/seal"
	"golang.org/x/text/language"
)

// Names is a multilingual name: a default form plus optional forms per language,
// keyed by BCP 47 tag ("zh-Hans", "en", "zh-Hant"). Lookups use a language matcher,
// so zh-TW finds zh-Hant, and a language with no form of its own gets the default.
type Names struct {
	Default string            `json:"default"`
	ByLang  map[string]string `json:"by_lang,omitempty"`
}

// Name returns Names with only a default form.
func Name(s string) Names { return Names{Default: s} }

// In returns the form for the language best matching tag, or the default.
func (n Names) In(tag language.Tag) string {
	if len(n.ByLang) == 0 || tag == language.Und {
		return n.Default
	}
	if s, ok := n.ByLang[tag.String()]; ok {
		return s
	}
	tags := n.Tags()
	supported := make([]language.Tag, 0, len(tags)+1)
	supported = append(supported, language.Und)
	for _, t := range tags {
		supported = append(supported, language.Make(t))
	}
	_, i, conf := language.NewMatcher(supported).Match(tag)
	if i == 0 || conf < language.High {
		return n.Default
	}
	return n.ByLang[tags[i-1]]
}

// WithForm returns a copy of n whose form in the language tag is s; an empty s removes
// that form. n itself does not change.
func (n Names) WithForm(tag, s string) Names {
	out := n.Clone()
	if s == "" {
		delete(out.ByLang, tag)
	} else {
		if out.ByLang == nil {
			out.ByLang = map[string]string{}
		}
		out.ByLang[tag] = s
	}
	if len(out.ByLang) == 0 {
		out.ByLang = nil
	}
	return out
}

// Tags returns the language tags that have a form of their own, sorted.
func (n Names) Tags() []string { return slices.Sorted(maps.Keys(n.ByLang)) }

// Equal reports whether two Names have the same forms.
func (n Names) Equal(o Names) bool {
	return n.Default == o.Default && maps.Equal(n.ByLang, o.ByLang)
}

// Clone returns a copy that shares nothing with n.
func (n Names) Clone() Names {
	return Names{Default: n.Default, ByLang: maps.Clone(n.ByLang)}
}

// Status is the life-cycle state of a record. Nothing is ever deleted: records end
// as Retired and stay loadable, so old IDs and reserved codes still resolve.
type Status uint8

const (
	// Active is the normal state.
	Active Status = iota
	// Inactive records are kept but take no part (a deactivated node or member).
	Inactive
	// Retired records are gone from the live directory (a merged node, a retired role)
	// and can no longer change.
	Retired
)

// String returns "active", "inactive" or "retired".
func (s Status) String() string {
	switch s {
	case Active:
		return "active"
	case Inactive:
		return "inactive"
	case Retired:
		return "retired"
	}
	return "unknown"
}

// Command is one typed change request given to the directory service. Commands of
// every package (node, member, role, settings) share one write path: a batch of them
// is validated as a whole and committed as one change set, or not at all.
//
// Command is sealed at compile time: its Sealed method takes a parameter whose type
// is internal to this module, so the command types of packages orgtree, member, role
// and directory are the only Commands there are, and a type of one's own does not
// compile as one. A pointer to a command is accepted and means the command it points
// to; a type that embeds a command is that command. A nil command, or a nil pointer
// to a command, is refused with a CodeCommandNil violation naming its index in the
// batch — never a panic.
type Command interface {
	// CommandName is a stable name for the command, e.g. "node.create".
	CommandName() string
	// Sealed returns the command as a value of its own type (a pointer's target, an
	// embedded command). Only this module's command types can declare it.
	Sealed(seal.Token) Command
}

// Platform is where a directory's data comes from: maintained here (Generic) or synced
// from DingTalk, WeCom or Microsoft Teams (Microsoft Graph).
type Platform string

// The platforms.
const (
	Generic  Platform = "generic"
	DingTalk Platform = "dingtalk"
	WeCom    Platform = "wecom"
	Teams    Platform = "teams"
)

// Valid reports whether p is one of the known platforms ("" counts as Generic).
func (p Platform) Valid() bool {
	switch p {
	case "", Generic, DingTalk, WeCom, Teams:
		return true
	}
	return false
}

// Synced reports whether data comes from an upstream platform.
func (p Platform) Synced() bool { return p != "" && p != Generic }

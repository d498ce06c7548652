package store

import (
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/nyaruka/phonenumbers"

	"github.com/orgkit/orgkit/member"
)

// ErasedMark replaces an erased value found in free text (see Scrubber).
const ErasedMark = "[erased]"

// Scrubber finds an erased member's values in free text — the actor and reason of
// change sets, which writers fill as they like ("fix mobile 13900000001 of 张伟") — and
// replaces each by ErasedMark. Stores build one per erasure with NewScrubber and pass
// every change set's Meta of the directory through ScrubMeta.
//
// It looks for the text values of the erased fields in every image of the member:
// names (system name in every language, full, given and family name), mobile, email, accounts, numbers, job title, responsible
// lines, avatar, the free-text fields, the external ID and the birthday (as
// YYYY-MM-DD). Matching ignores case. A phone number (mobile, office phone, QQ) is
// also found in any other writing of its digits: national or international, with
// spaces, hyphens, dots or parentheses between them. Values shorter than two
// characters, and the language, time zone, region and enumerations, which identify
// nobody, are not looked for. A scrubber errs on the side of erasing: text of other
// people that happens to contain an erased value loses it too.
type Scrubber struct {
	plain  *regexp.Regexp // the values, case-insensitive; nil when none
	digits []string       // phone numbers' digit strings, each at least minDigits long
}

// minDigits is the shortest digit string looked for in runs of digits.
const minDigits = 7

// digitRun matches a run of digits that may be a phone number written with
// separators.
var digitRun = regexp.MustCompile(`\+?\(?\d[\d \-().]*\d`)

// NewScrubber returns a scrubber of the fields' values in the images (the member's
// current record and every image of it in the log, unredacted). The pseudonym
// (Pseudonym) is not a value: erasing again finds nothing new.
func NewScrubber(fields []member.Field, images ...*member.Member) *Scrubber {
	seen := map[string]bool{}
	var plain []string
	addPlain := func(v string) {
		v = strings.TrimSpace(v)
		if utf8.RuneCountInString(v) < 2 || seen[strings.ToLower(v)] {
			return
		}
		seen[strings.ToLower(v)] = true
		plain = append(plain, v)
	}
	s := &Scrubber{}
	addDigits := func(v string) {
		for _, d := range phoneDigits(v) {
			if len(d) >= minDigits && !slices.Contains(s.digits, d) {
				s.digits = append(s.digits, d)
			}
		}
	}
	for _, m := range images {
		if m == nil {
			continue
		}
		pseudonym := Pseudonym(m.ID).Default
		for _, f := range fields {
			for _, v := range textValues(m, f) {
				if v == pseudonym {
					continue
				}
				addPlain(v)
				if f == member.MobileField || f == member.MobileAsWrittenField || f == member.OfficePhoneField || f == member.QQField {
					addDigits(v)
				}
			}
		}
	}
	if len(plain) > 0 {
		// Longer values first, so that a value containing another is replaced whole.
		slices.SortFunc(plain, func(a, b string) int { return len(b) - len(a) })
		quoted := make([]string, len(plain))
		for i, v := range plain {
			quoted[i] = regexp.QuoteMeta(v)
		}
		s.plain = regexp.MustCompile(`(?i)` + strings.Join(quoted, "|"))
	}
	return s
}

// textValues returns field f of m as the texts a writer may have quoted.
func textValues(m *member.Member, f member.Field) []string {
	switch f {
	case member.SystemNameField:
		out := []string{m.SystemName.Default}
		for _, v := range m.SystemName.ByLang {
			out = append(out, v)
		}
		return out
	case member.FullNameField:
		return []string{m.FullName}
	case member.GivenNameField:
		return []string{m.GivenName}
	case member.FamilyNameField:
		return []string{m.FamilyName}
	case member.MobileAsWrittenField:
		return []string{m.MobileAsWritten}
	case member.EmailAsWrittenField:
		return []string{m.EmailAsWritten}
	case member.MobileField:
		return []string{m.Mobile}
	case member.EmailField:
		return []string{m.Email}
	case member.LoginAccountField:
		return []string{m.LoginAccount}
	case member.SSOAccountField:
		return []string{m.SSOAccount}
	case member.JobTitleField:
		return []string{m.JobTitle}
	case member.EmployeeNumberField:
		return []string{m.EmployeeNumber}
	case member.ResponsibleLinesField:
		return m.ResponsibleLines
	case member.AvatarField:
		return []string{m.Avatar.URI, m.Avatar.SHA256}
	case member.BirthdayField:
		return []string{m.Birthday.String()}
	case member.OfficePhoneField:
		return []string{m.OfficePhone}
	case member.ExtensionField:
		return []string{m.Extension}
	case member.QQField:
		return []string{m.QQ}
	case member.WeChatField:
		return []string{m.WeChat}
	case member.BioField:
		return []string{m.Bio}
	case member.WorkDetailsField:
		return []string{m.WorkDetails}
	case member.WorkPlaceField:
		return []string{m.WorkPlace}
	case member.ExtendedAField:
		return []string{m.ExtendedA}
	case member.ExtendedBField:
		return []string{m.ExtendedB}
	case member.ExternalIDField:
		return []string{m.ExternalID}
	}
	return nil
}

// phoneDigits returns the digit strings a phone number may be written with: all its
// digits and, for a number in international form, its national number.
func phoneDigits(v string) []string {
	all := onlyDigits(v)
	out := []string{all}
	if num, err := phonenumbers.Parse(v, "CN"); err == nil {
		if n := phonenumbers.GetNationalSignificantNumber(num); n != "" && n != all {
			out = append(out, n)
		}
	}
	return out
}

// onlyDigits returns the ASCII digits of s.
func onlyDigits(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// Scrub returns text with every erased value in it replaced by ErasedMark.
func (s *Scrubber) Scrub(text string) string {
	if s == nil || text == "" {
		return text
	}
	if s.plain != nil {
		text = s.plain.ReplaceAllLiteralString(text, ErasedMark)
	}
	if len(s.digits) > 0 {
		text = digitRun.ReplaceAllStringFunc(text, func(run string) string {
			d := onlyDigits(run)
			for _, v := range s.digits {
				if strings.Contains(d, v) {
					return ErasedMark
				}
			}
			return run
		})
	}
	return text
}

// ScrubMeta returns m with its actor and reason scrubbed, and whether that changed
// anything.
func (s *Scrubber) ScrubMeta(m Meta) (Meta, bool) {
	actor, reason := s.Scrub(m.Actor), s.Scrub(m.Reason)
	changed := actor != m.Actor || reason != m.Reason
	m.Actor, m.Reason = actor, reason
	return m, changed
}

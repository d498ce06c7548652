package member

import (
	"encoding/json"
	"fmt"
	"strconv"

	"golang.org/x/text/language"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/internal/i18n"
)

// CardKind is one of the two member cards a directory lays out: the hover
// card shown over a member's name, and the profile page.
type CardKind uint8

const (
	// HoverCard is the small card shown when pointing at a member.
	HoverCard CardKind = iota + 1
	// ProfilePage is the member's full profile.
	ProfilePage
)

// String returns "hover_card" or "profile_page".
func (k CardKind) String() string {
	switch k {
	case HoverCard:
		return "hover_card"
	case ProfilePage:
		return "profile_page"
	}
	return "unknown"
}

// Label returns the card kind's name in the language best matching tag.
func (k CardKind) Label(tag language.Tag) string {
	if k != HoverCard && k != ProfilePage {
		return k.String()
	}
	return i18n.Term(k.String(), i18n.Match(tag))
}

// fixedCardFields open every card, in this order; a layout cannot move or hide them.
var fixedCardFields = [...]Field{AvatarField, SystemNameField, GenderField, JobTitleField}

// allowedCardFields are the custom fields each card may show, in the order an
// employee profile lists them.
var allowedCardFields = [...][]Field{
	HoverCard: {PrimaryDepartmentField, MobileField, EmailField, LoginAccountField, ReportingManagerField, ExtendedAField, ExtendedBField},
	ProfilePage: {ReportingManagerField, OfficePhoneField, QQField, HireDateField, MobileField, BioField, WorkDetailsField, BirthdayField,
		WeChatField, EmployeeNumberField, PrimaryDepartmentField, EmailField, LoginAccountField, EmploymentDateField, ExtendedAField, ExtendedBField},
}

// FixedCardFields returns the default fields every card starts with, in their fixed
// order: avatar, system name, gender, job title.
func FixedCardFields() []Field { return fixedCardFields[:] }

// AllowedFields returns the custom fields the card kind may show, in the order the
// product lists them (nil for an unknown kind).
func (k CardKind) AllowedFields() []Field {
	if k != HoverCard && k != ProfilePage {
		return nil
	}
	return append([]Field(nil), allowedCardFields[k]...)
}

// Allows reports whether f may be a custom field of the card kind.
func (k CardKind) Allows(f Field) bool {
	if k != HoverCard && k != ProfilePage {
		return false
	}
	for _, a := range allowedCardFields[k] {
		if a == f {
			return true
		}
	}
	return false
}

// Layout is one directory's layout of one card kind: the custom fields the admin
// chose, in the admin's order. The fixed fields (FixedCardFields) always come first
// and are not listed. A Layout is a plain value: the host stores it per directory.
//
// In JSON a layout names its kind and fields by their stable names:
// {"kind":"hover_card","fields":["primary_department","mobile"]}.
type Layout struct {
	Kind   CardKind // the card laid out
	Fields []Field  // the custom fields, in the admin's order
}

type layoutJSON struct {
	Kind   string   `json:"kind"`
	Fields []string `json:"fields"`
}

// MarshalJSON encodes the layout with the kind's and the fields' stable names.
func (l Layout) MarshalJSON() ([]byte, error) {
	j := layoutJSON{Kind: l.Kind.String(), Fields: make([]string, len(l.Fields))}
	for i, f := range l.Fields {
		j.Fields[i] = f.String()
	}
	return json.Marshal(j)
}

// UnmarshalJSON decodes a layout written by MarshalJSON; an unknown kind or field
// name is an error.
func (l *Layout) UnmarshalJSON(b []byte) error {
	var j layoutJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	out := Layout{}
	switch j.Kind {
	case HoverCard.String():
		out.Kind = HoverCard
	case ProfilePage.String():
		out.Kind = ProfilePage
	default:
		return fmt.Errorf("member: unknown card kind %q: %w", j.Kind, orgkit.ErrInvalid)
	}
	for _, name := range j.Fields {
		f, ok := FieldByName(name)
		if !ok {
			return fmt.Errorf("member: unknown field %q: %w", name, orgkit.ErrInvalid)
		}
		out.Fields = append(out.Fields, f)
	}
	*l = out
	return nil
}

// DefaultLayout returns the layout a directory starts with: for the hover card the
// primary department, mobile, email, login account and reporting manager; for the
// profile page every allowed field except the extended fields, in the product's order.
// Extended fields A and B are allowed but need the admin to add them.
func DefaultLayout(k CardKind) Layout {
	var fs []Field
	for _, f := range k.AllowedFields() {
		if f != ExtendedAField && f != ExtendedBField {
			fs = append(fs, f)
		}
	}
	return Layout{Kind: k, Fields: fs}
}

// Validate checks the layout: a known kind, and custom fields that are allowed on that
// card kind, listed once each (a fixed field may not be listed: it is always shown
// first). It returns an *orgkit.InvalidError listing every violation, or nil: an
// unknown kind is orgkit.CodeFieldInvalid of the field "kind"; a listed field is
// orgkit.CodeCardFieldFixed, CodeCardFieldNotAllowed or CodeCardFieldDuplicate (its
// first position in Detail), with the field's stable name as the value.
func (l Layout) Validate() error {
	rec := orgkit.Ref{Kind: orgkit.KindCardLayout}
	if l.Kind != HoverCard && l.Kind != ProfilePage {
		return orgkit.Invalid([]orgkit.Violation{{Code: orgkit.CodeFieldInvalid, Command: -1, Record: rec, Field: "kind",
			Value: strconv.Itoa(int(l.Kind))}})
	}
	rec.Name = l.Kind.String()
	var vs []orgkit.Violation
	fail := func(code string, f Field, detail string) {
		vs = append(vs, orgkit.Violation{Code: code, Command: -1, Record: rec, Field: "fields", Value: f.String(), Detail: detail})
	}
	first := map[Field]int{}
	for i, f := range l.Fields {
		switch {
		case isFixed(f):
			fail(orgkit.CodeCardFieldFixed, f, "")
		case !l.Kind.Allows(f):
			fail(orgkit.CodeCardFieldNotAllowed, f, "")
		default:
			if j, dup := first[f]; dup {
				fail(orgkit.CodeCardFieldDuplicate, f, strconv.Itoa(j+1))
				continue
			}
			first[f] = i
		}
	}
	return orgkit.Invalid(vs)
}

func isFixed(f Field) bool {
	for _, x := range fixedCardFields {
		if x == f {
			return true
		}
	}
	return false
}

// Order returns every field the card shows when not blank: the fixed fields, then the
// layout's valid custom fields in the admin's order (fields the kind does not allow,
// fixed fields and repeats are left out, as Render leaves them out).
func (l Layout) Order() []Field {
	out := append([]Field(nil), fixedCardFields[:]...)
	seen := map[Field]bool{}
	for _, f := range l.Fields {
		if isFixed(f) || !l.Kind.Allows(f) || seen[f] {
			continue
		}
		seen[f] = true
		out = append(out, f)
	}
	return out
}

// Resolver looks up what a card shows by reference: a department's name and a
// member's name. directory.Snapshot implements it.
type Resolver interface {
	// NodeName returns the node's name in the language best matching tag, "" if unknown.
	NodeName(id orgkit.NodeID, tag language.Tag) string
	// MemberName returns the member's display name, "" if unknown.
	MemberName(id orgkit.MemberID, tag language.Tag) string
}

// CardItem is one line of a rendered card.
type CardItem struct {
	Field Field // the field shown
	// Label is the field's label in the requested language.
	Label string
	// Value is the field's value as shown: names in the requested language, genders
	// localized, dates as YYYY-MM-DD, the avatar as its URI.
	Value string
	// Node is the department shown (the primary department), for a link; else zero.
	Node orgkit.NodeID
	// Member is the member shown (the reporting manager), for a link; else zero.
	Member orgkit.MemberID
}

var cardTexts = [...][3]string{
	Male:          {"Male", "男", "男"},
	Female:        {"Female", "女", "女"},
	GenderPrivate: {"Private", "保密", "保密"},
}

var extensionSep = [3]string{" ext. ", " 转 ", " 轉 "}

// Render returns the member's card: the fields of Order with their localized labels
// and values, blank fields left out. References (the primary department, the
// reporting manager) are resolved through r; with a nil r, or when r does not know
// them, they are left out.
func (l Layout) Render(m *Member, tag language.Tag, r Resolver) []CardItem {
	lang := i18n.Match(tag)
	order := l.Order()
	out := make([]CardItem, 0, len(order))
	for _, f := range order {
		it := CardItem{Field: f, Label: f.Label(tag)}
		switch f {
		case AvatarField:
			it.Value = m.Avatar.URI
		case SystemNameField:
			it.Value = m.SystemName.In(tag)
		case GenderField:
			if m.Gender >= Male && m.Gender <= GenderPrivate {
				it.Value = cardTexts[m.Gender][lang]
			}
		case PrimaryDepartmentField:
			if !m.Primary.IsZero() && r != nil {
				it.Value, it.Node = r.NodeName(m.Primary, tag), m.Primary
			}
		case ReportingManagerField:
			if !m.ReportingManager.IsZero() && r != nil {
				it.Value, it.Member = r.MemberName(m.ReportingManager, tag), m.ReportingManager
			}
		case OfficePhoneField:
			it.Value = m.OfficePhone
			if it.Value != "" && m.Extension != "" {
				it.Value += extensionSep[lang] + m.Extension
			}
		case HireDateField:
			it.Value = m.HireDate.String()
		case EmploymentDateField:
			it.Value = m.EmploymentDate.String()
		case BirthdayField:
			it.Value = m.Birthday.String()
		case JobTitleField:
			it.Value = m.JobTitle
		case MobileField:
			it.Value = m.Mobile
		case EmailField:
			it.Value = m.Email
		case LoginAccountField:
			it.Value = m.LoginAccount
		case QQField:
			it.Value = m.QQ
		case WeChatField:
			it.Value = m.WeChat
		case BioField:
			it.Value = m.Bio
		case WorkDetailsField:
			it.Value = m.WorkDetails
		case EmployeeNumberField:
			it.Value = m.EmployeeNumber
		case ExtendedAField:
			it.Value = m.ExtendedA
		case ExtendedBField:
			it.Value = m.ExtendedB
		}
		if it.Value == "" {
			continue
		}
		out = append(out, it)
	}
	return out
}

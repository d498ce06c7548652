package member

import (
	"slices"
	"time"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/internal/textnorm"
)

// Member is one person in a directory, with every field of an enterprise directory.
// Members are values: the directory service never changes a Member it has handed out.
//
// Unique per directory after normalization: SystemName (its default form),
// EmployeeNumber, Mobile, Email, LoginAccount, SSOAccount and ExternalID.
type Member struct {
	ID orgkit.MemberID `json:"id"`

	// Account.

	// SystemName is the member's unique nickname, with optional forms per language.
	SystemName orgkit.Names `json:"system_name"`
	// FullName is the display name; it need not be unique.
	FullName string `json:"full_name"`
	// GivenName and FamilyName are the parts of the person's name, as identity
	// providers (SCIM's name.givenName and name.familyName) and HR systems keep them.
	// Both are optional and independent of FullName: nothing derives one from the
	// other.
	GivenName  string `json:"given_name,omitempty"`
	FamilyName string `json:"family_name,omitempty"` // see GivenName
	// LoginMethod says whether the member logs in by mobile, email, the synced
	// platform or login account; what it needs must be present.
	LoginMethod LoginMethod `json:"login_method,omitempty"`
	// Mobile is stored in E.164 form ("+8613900000000").
	Mobile string `json:"mobile,omitempty"`
	// Email is stored lower-cased.
	Email        string `json:"email,omitempty"`
	LoginAccount string `json:"login_account,omitempty"`
	Gender       Gender `json:"gender,omitempty"`
	// SSOAccount is the member's account at a third-party single sign-on provider.
	SSOAccount   string        `json:"sso_account,omitempty"`
	Status       orgkit.Status `json:"status"`
	LoginBlocked bool          `json:"login_blocked,omitempty"`
	// ActivatedAt is when the member first activated the account; zero if never.
	ActivatedAt time.Time `json:"activated_at,omitzero"`

	// Org relations.

	// Primary is the main department (used for approval workflows); zero = unassigned.
	Primary orgkit.NodeID `json:"primary"`
	// Secondary departments: additional affiliations, never the primary.
	Secondary []orgkit.NodeID `json:"secondary,omitempty"`
	// AffiliatedDepartment owns the member's data. Zero means derived: the primary.
	AffiliatedDepartment orgkit.NodeID `json:"affiliated_department"`
	// AffiliatedOrganization owns the member's data at organization level. Zero means
	// derived: the nearest organization or the company at or above the primary.
	AffiliatedOrganization orgkit.NodeID   `json:"affiliated_organization"`
	JobTitle               string          `json:"job_title,omitempty"`
	ReportingManager       orgkit.MemberID `json:"reporting_manager"`
	HireDate               Date            `json:"hire_date,omitzero"`
	EmploymentDate         Date            `json:"employment_date,omitzero"`
	EmployeeNumber         string          `json:"employee_number,omitempty"`
	// ResponsibleLines are the regions, territories or product lines the member covers.
	ResponsibleLines []string `json:"responsible_lines,omitempty"`

	// Personal info.

	Avatar      Avatar `json:"avatar,omitzero"`
	Birthday    Date   `json:"birthday,omitzero"`
	OfficePhone string `json:"office_phone,omitempty"`
	Extension   string `json:"extension,omitempty"`
	QQ          string `json:"qq,omitempty"`
	WeChat      string `json:"wechat,omitempty"`
	// Language is a BCP 47 tag ("zh-Hans", "en-US").
	Language string `json:"language,omitempty"`
	// TimeZone is an IANA zone name ("Asia/Shanghai").
	TimeZone string `json:"time_zone,omitempty"`
	// Region is an ISO 3166-1 alpha-2 country code ("CN").
	Region      string `json:"region,omitempty"`
	Bio         string `json:"bio,omitempty"`
	WorkDetails string `json:"work_details,omitempty"`
	WorkPlace   string `json:"work_place,omitempty"`

	// Extended fields A and B: two free text fields for the host's own use.
	ExtendedA string `json:"extended_a,omitempty"`
	ExtendedB string `json:"extended_b,omitempty"`

	// ExternalID is the member's ID on the synced platform, if any.
	ExternalID string `json:"external_id,omitempty"`
	// MobileAsWritten and EmailAsWritten keep the mobile and the email in the form
	// an identity provider wrote them ("+1 (425) 555-0100", "Alice@Example.com") when
	// that differs from the stored, normalized form, so that the provider reads back
	// what it sent. A written form counts only while it normalizes to the stored
	// value: once the mobile or email changes by another path, the stale form is
	// ignored.
	MobileAsWritten string `json:"mobile_as_written,omitempty"`
	EmailAsWritten  string `json:"email_as_written,omitempty"` // see MobileAsWritten
	// Deprovisioned is set on a member whose identity provider removed it (a SCIM
	// DELETE): the member stays in the directory, inactive, with its history, but is
	// no longer one of the provider's users. It is cleared when the provider
	// provisions the member again.
	Deprovisioned bool `json:"deprovisioned,omitempty"`
	// SelfJoined is set on a member who joined a directory by registering.
	SelfJoined bool `json:"self_joined,omitempty"`
}

// Ref names the member in violations and change views: orgkit.KindMember, its ID and
// its display name (see DisplayName), white space collapsed.
func (m *Member) Ref() orgkit.Ref {
	return orgkit.Ref{Kind: orgkit.KindMember, ID: m.ID.UUID(), Name: textnorm.Collapse(m.DisplayName())}
}

// Clone returns a deep copy of m.
func (m *Member) Clone() *Member {
	c := new(Member)
	m.CloneTo(c)
	return c
}

// CloneTo makes *dst a deep copy of m: Clone into a Member the caller has, for code
// that keeps many members in one allocation (a slice of Members is one object for
// the garbage collector to mark, whereas separate Members are one each).
func (m *Member) CloneTo(dst *Member) {
	*dst = *m
	dst.deepen()
}

// deepen replaces every map and slice of m by a copy.
func (m *Member) deepen() {
	m.SystemName = m.SystemName.Clone()
	m.Secondary = slices.Clone(m.Secondary)
	m.ResponsibleLines = slices.Clone(m.ResponsibleLines)
}

// DisplayName returns the full name, or the system name when the full name is blank.
func (m Member) DisplayName() string {
	if m.FullName != "" {
		return m.FullName
	}
	return m.SystemName.Default
}

// Affiliations returns the primary department (when assigned) followed by the
// secondary departments.
func (m Member) Affiliations() []orgkit.NodeID {
	out := make([]orgkit.NodeID, 0, 1+len(m.Secondary))
	if !m.Primary.IsZero() {
		out = append(out, m.Primary)
	}
	return append(out, m.Secondary...)
}

// LoginMethod is how a member logs in.
type LoginMethod uint8

const (
	// LoginByMobile needs a mobile number. It is the default.
	LoginByMobile LoginMethod = iota
	// LoginByEmail needs an email address.
	LoginByEmail
	// LoginByPlatform logs in through the synced platform (its QR code or single
	// sign-on) and needs an external ID; it is how members synced without a mobile or
	// an email log in.
	LoginByPlatform
	// LoginByAccount logs in with the login account and a password the host keeps,
	// and needs a LoginAccount; it is how a directory's founder given neither a
	// mobile nor an email logs in.
	LoginByAccount
)

// String returns "mobile", "email", "platform" or "account".
func (l LoginMethod) String() string {
	switch l {
	case LoginByEmail:
		return "email"
	case LoginByPlatform:
		return "platform"
	case LoginByAccount:
		return "account"
	}
	return "mobile"
}

// Gender is a member's gender as they chose to give it.
type Gender uint8

const (
	// GenderUnspecified: not given.
	GenderUnspecified Gender = iota
	// Male.
	Male
	// Female.
	Female
	// GenderPrivate: the member prefers not to say.
	GenderPrivate
)

// String returns "", "male", "female" or "private".
func (g Gender) String() string {
	switch g {
	case Male:
		return "male"
	case Female:
		return "female"
	case GenderPrivate:
		return "private"
	}
	return ""
}

// Avatar is a reference to a member's picture: the library never stores images. It
// is either a checked picture — URI plus the MIME type, size and SHA-256 that
// CheckAvatar found in an upload — or, with only a URI, a plain reference to a
// picture elsewhere (an http or https URL, as DingTalk and WeCom give avatars), whose
// content nobody here has checked.
type Avatar struct {
	URI      string `json:"uri,omitempty"`
	MIMEType string `json:"mime_type,omitempty"`
	Size     int64  `json:"size,omitempty"`
	SHA256   string `json:"sha256,omitempty"` // hex
}

// IsZero reports whether no avatar is set.
func (a Avatar) IsZero() bool { return a == Avatar{} }

// IsReference reports whether the avatar is only a URL, with no MIME type, size or
// hash: a reference to a picture nobody here has checked.
func (a Avatar) IsReference() bool {
	return a.URI != "" && a.MIMEType == "" && a.Size == 0 && a.SHA256 == ""
}

// IsChecked reports whether the avatar describes a checked picture: it carries the
// MIME type (with size and hash) that CheckAvatar found.
func (a Avatar) IsChecked() bool { return a.MIMEType != "" }

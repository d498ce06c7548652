package member

import (
	"encoding/hex"
	"fmt"
	"net/mail"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/nyaruka/phonenumbers"
	"golang.org/x/text/language"
	"golang.org/x/text/unicode/norm"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/internal/mobiles"
	"github.com/orgkit/orgkit/internal/parallel"
	"github.com/orgkit/orgkit/internal/textnorm"
)

// Length limits of free-text fields, in runes (Unicode code points).
const (
	maxNameLength = 64   // SystemName (each form) and FullName
	maxTextLength = 128  // every other single-line field, and each responsible line
	maxLongLength = 2000 // Bio and WorkDetails
	maxEmailBytes = 254  // an email address, in bytes (the SMTP limit)
	maxURILength  = 2048 // Avatar.URI, in bytes
)

// defaultRegion is the region of domestic mobile numbers when Rules has none.
const defaultRegion = "CN"

// Rules are the format rules of member fields. The zero value is ready to use and
// reads domestic mobile numbers as Chinese ones (region "CN").
type Rules struct {
	// DefaultRegion is the ISO 3166-1 alpha-2 region whose numbering plan applies to
	// mobile numbers written without a country calling code ("13900000000").
	// Empty means "CN".
	DefaultRegion string

	memo *mobileMemo // numbers normalized before (remember, prepare); a pointer keeps Rules comparable
}

type mobileResult struct {
	e164 string
	err  error
}

// mobileMemo holds the results of NormalizeMobile for one region, shared by every
// copy of the rules that made it.
type mobileMemo struct {
	region string
	mu     sync.RWMutex
	m      map[string]mobileResult
}

// memoCapacity is how many mobile numbers rules that remember hold at most; once
// full, they start afresh.
var memoCapacity = 1 << 18

// remember returns rules that remember the mobile numbers they normalize, up to
// 262,144 of them (then they start afresh), in a memo shared by every copy of the
// returned rules and safe for concurrent use: parsing a number against its numbering
// plan costs tens of microseconds, and a number seen once is not parsed again. A
// directory.Service validates with such rules (lent through internal/mobiles), so
// numbers that an importer normalizes while it reads its file are found done by the
// batch it then applies. Rules whose DefaultRegion is changed afterwards stop using
// the memo. Rules that remember already are returned as they are.
func (r Rules) remember() Rules {
	if r.memoized() == nil {
		r.memo = &mobileMemo{region: r.region(), m: map[string]mobileResult{}}
	}
	return r
}

// memoized returns the memo the rules may use, or nil.
func (r Rules) memoized() *mobileMemo {
	if r.memo == nil || r.memo.region != r.region() {
		return nil
	}
	return r.memo
}

func (m *mobileMemo) get(s string) (mobileResult, bool) {
	m.mu.RLock()
	res, ok := m.m[s]
	m.mu.RUnlock()
	return res, ok
}

// put remembers results, starting afresh when the memo would overflow.
func (m *mobileMemo) put(keys []string, results []mobileResult) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(m.m)+len(keys) > memoCapacity {
		clear(m.m)
	}
	skip := max(0, len(keys)-memoCapacity)
	for i, k := range keys[skip:] {
		m.m[k] = results[skip+i]
	}
}

var _ = mobiles.Lend(Rules.remember, Rules.prepare)

// prepare returns rules that remember (see remember) the given mobile numbers
// normalized, worked out in parallel on every processor, so that a batch of 100,000
// members does not parse its mobiles one by one. Numbers the rules remember already
// are not parsed again. The answers are exactly those of NormalizeMobile.
func (r Rules) prepare(numbers []string) Rules {
	r = r.remember()
	todo := make([]string, 0, len(numbers))
	seen := make(map[string]bool, len(numbers))
	for _, s := range numbers {
		if s == "" || seen[s] {
			continue
		}
		seen[s] = true
		if _, ok := r.memo.get(s); !ok {
			todo = append(todo, s)
		}
	}
	results := make([]mobileResult, len(todo))
	parallel.For(len(todo), 64, func(i int) { results[i] = r.normalizeMobileResult(todo[i]) })
	r.memo.put(todo, results)
	return r
}

// region returns the effective default region, upper-cased.
func (r Rules) region() string {
	if r.DefaultRegion == "" {
		return defaultRegion
	}
	return strings.ToUpper(strings.TrimSpace(r.DefaultRegion))
}

// NormalizeAll normalizes every field of m in place; see Normalize.
func (r Rules) NormalizeAll(m *Member) []orgkit.Violation {
	return r.Normalize(m, Fields())
}

// Normalize normalizes the listed fields of m in place and returns every format
// violation it finds among them (never just the first), in the order of fields.
// Violations are not tied to a command (Command is -1); the caller sets the index.
//
// Free text is trimmed (single-line fields also get inner white space collapsed),
// must be valid UTF-8 without control or invisible formatting characters (the one rule
// of every text orgkit takes in: orgkit.CodeTextForbidden), and is limited to 64 runes (names),
// 2000 (Bio, WorkDetails) or 128 (the rest). The mobile is stored in E.164 form (see
// NormalizeMobile), the email lower-cased (see NormalizeEmail), language tags in
// canonical BCP 47 form, the region as an upper-case ISO 3166-1 alpha-2 code.
// Responsible lines are trimmed, with blank and duplicate lines dropped. Whenever
// the login method, mobile, email, external ID or login account is listed, what the
// login method needs must be present. Uniqueness and references to other records are not checked here.
func (r Rules) Normalize(m *Member, fields []Field) []orgkit.Violation {
	n := normalizer{rules: r, m: m}
	var seen [256]bool // indexed by Field
	login := false
	for _, f := range fields {
		if seen[f] {
			continue
		}
		seen[f] = true
		if !f.Valid() {
			n.add(orgkit.CodeFieldInvalid, f, strconv.Itoa(int(f)), "")
			continue
		}
		switch f {
		case LoginMethodField, MobileField, EmailField, ExternalIDField, LoginAccountField:
			login = true
		}
		n.field(f)
	}
	if login {
		n.loginMethod()
	}
	return n.vs
}

type normalizer struct {
	rules Rules
	m     *Member
	vs    []orgkit.Violation
}

func (n *normalizer) add(code string, f Field, value, detail string) {
	n.vs = append(n.vs, orgkit.Violation{Code: code, Command: -1, Record: n.m.Ref(), Field: orgkit.FieldName(f.String()),
		Value: value, Detail: detail})
}

func (n *normalizer) field(f Field) {
	m := n.m
	switch f {
	case SystemNameField:
		n.systemName()
	case FullNameField:
		m.FullName = n.line(f, m.FullName, maxNameLength)
	case MobileAsWrittenField:
		m.MobileAsWritten = n.line(f, m.MobileAsWritten, maxTextLength)
	case EmailAsWrittenField:
		m.EmailAsWritten = n.line(f, m.EmailAsWritten, maxTextLength)
	case GivenNameField:
		m.GivenName = n.line(f, m.GivenName, maxNameLength)
	case FamilyNameField:
		m.FamilyName = n.line(f, m.FamilyName, maxNameLength)
	case LoginMethodField:
		if m.LoginMethod > LoginByAccount {
			n.add(orgkit.CodeFieldInvalid, f, strconv.Itoa(int(m.LoginMethod)), "")
		}
	case MobileField:
		n.contact(f, &m.Mobile, n.rules.NormalizeMobile, orgkit.CodeMemberMobileInvalid)
	case EmailField:
		n.contact(f, &m.Email, NormalizeEmail, orgkit.CodeMemberEmailInvalid)
	case LoginAccountField:
		m.LoginAccount = n.line(f, m.LoginAccount, maxTextLength)
	case GenderField:
		if m.Gender > GenderPrivate {
			n.add(orgkit.CodeFieldInvalid, f, strconv.Itoa(int(m.Gender)), "")
		}
	case SSOAccountField:
		m.SSOAccount = n.line(f, m.SSOAccount, maxTextLength)
	case StatusField:
		if m.Status.String() == "unknown" {
			n.add(orgkit.CodeFieldInvalid, f, strconv.Itoa(int(m.Status)), "")
		}
	case JobTitleField:
		m.JobTitle = n.line(f, m.JobTitle, maxTextLength)
	case HireDateField:
		n.date(f, m.HireDate)
	case EmploymentDateField:
		n.date(f, m.EmploymentDate)
	case BirthdayField:
		n.date(f, m.Birthday)
	case EmployeeNumberField:
		m.EmployeeNumber = n.line(f, m.EmployeeNumber, maxTextLength)
	case ResponsibleLinesField:
		n.responsibleLines()
	case AvatarField:
		n.avatar()
	case OfficePhoneField:
		m.OfficePhone = n.line(f, m.OfficePhone, maxTextLength)
	case ExtensionField:
		m.Extension = n.line(f, m.Extension, maxTextLength)
	case QQField:
		m.QQ = n.line(f, m.QQ, maxTextLength)
	case WeChatField:
		m.WeChat = n.line(f, m.WeChat, maxTextLength)
	case LanguageField:
		n.code(f, &m.Language, parseLanguage)
	case TimeZoneField:
		n.code(f, &m.TimeZone, func(s string) (string, bool) { return s, validTimeZone(s) })
	case RegionField:
		n.code(f, &m.Region, parseRegion)
	case BioField:
		m.Bio = n.text(f, m.Bio, maxLongLength)
	case WorkDetailsField:
		m.WorkDetails = n.text(f, m.WorkDetails, maxLongLength)
	case WorkPlaceField:
		m.WorkPlace = n.line(f, m.WorkPlace, maxTextLength)
	case ExtendedAField:
		m.ExtendedA = n.line(f, m.ExtendedA, maxTextLength)
	case ExtendedBField:
		m.ExtendedB = n.line(f, m.ExtendedB, maxTextLength)
	case ExternalIDField:
		// An upstream ID is kept as given apart from surrounding white space.
		m.ExternalID = n.text(f, m.ExternalID, maxTextLength)
	}
	// LoginBlocked, ActivatedAt and the references to nodes and members (Primary,
	// Secondary, AffiliatedDepartment, AffiliatedOrganization, ReportingManager)
	// have no format of their own: they are checked against the directory.
}

// line normalizes a single-line text: trimmed, inner white space collapsed.
func (n *normalizer) line(f Field, s string, limit int) string {
	s, _ = n.lineOK(f, s, limit)
	return s
}

// lineOK is line that also reports whether the text passed (or was blank).
func (n *normalizer) lineOK(f Field, s string, limit int) (string, bool) {
	if !utf8.ValidString(s) { // checked first: Collapse would hide it
		n.add(orgkit.CodeFieldInvalid, f, strings.ToValidUTF8(s, "\uFFFD"), "")
		return s, false
	}
	s = textnorm.Collapse(s)
	return s, n.check(f, s, limit, false)
}

// contact replaces a mobile or email by its stored form, or reports it with the code;
// blank stays blank.
func (n *normalizer) contact(f Field, v *string, normalize func(string) (string, error), code string) {
	if *v = strings.TrimSpace(*v); *v == "" {
		return
	}
	if s, err := normalize(*v); err != nil {
		n.add(code, f, strings.ToValidUTF8(*v, "\uFFFD"), "")
	} else {
		*v = s
	}
}

// code normalizes a single-line code field (language tag, time zone, region) to the
// canonical form parse gives, or reports it invalid; blank stays blank.
func (n *normalizer) code(f Field, v *string, parse func(string) (string, bool)) {
	var ok bool
	if *v, ok = n.lineOK(f, *v, maxTextLength); !ok || *v == "" {
		return
	}
	if c, ok := parse(*v); ok {
		*v = c
	} else {
		n.add(orgkit.CodeFieldInvalid, f, *v, "")
	}
}

// text normalizes a multi-line text: trimmed only.
func (n *normalizer) text(f Field, s string, limit int) string {
	s = strings.TrimSpace(s)
	n.check(f, s, limit, true)
	return s
}

// check reports invalid UTF-8, the characters no text may hold (control and invisible
// formatting characters; tabs and line breaks are allowed in multi-line texts, and
// single-line texts no longer have them) and texts over limit runes.
func (n *normalizer) check(f Field, s string, limit int, multiline bool) bool {
	if !utf8.ValidString(s) {
		n.add(orgkit.CodeFieldInvalid, f, strings.ToValidUTF8(s, "\uFFFD"), "")
		return false
	}
	if r, bad := textnorm.Forbidden(s, multiline); bad {
		n.add(orgkit.CodeTextForbidden, f, textnorm.Visible(s, multiline), textnorm.CodePoint(r))
		return false
	}
	if utf8.RuneCountInString(s) > limit {
		n.add(orgkit.CodeFieldTooLong, f, s, strconv.Itoa(limit))
		return false
	}
	return true
}

func (n *normalizer) systemName() {
	f, m := SystemNameField, n.m
	m.SystemName.Default = n.line(f, m.SystemName.Default, maxNameLength)
	if m.SystemName.Default == "" {
		n.add(orgkit.CodeFieldRequired, f, "", "")
	}
	if m.SystemName.ByLang == nil {
		return
	}
	byLang := make(map[string]string, len(m.SystemName.ByLang))
	from := make(map[string]string, len(m.SystemName.ByLang)) // canonical tag → key given
	for _, key := range m.SystemName.Tags() {                 // sorted: deterministic
		value := n.line(f, m.SystemName.ByLang[key], maxNameLength)
		tag, ok := parseLanguage(key)
		if !ok {
			n.add(orgkit.CodeFieldLanguage, f, key, "")
			byLang[key] = value // kept as given so that nothing is lost
			continue
		}
		if value == "" {
			continue // a blank form is no form
		}
		if prev, dup := from[tag]; dup {
			if byLang[tag] != value {
				n.add(orgkit.CodeFieldLanguage, f, key, prev)
			}
			continue
		}
		from[tag] = key
		byLang[tag] = value
	}
	if len(byLang) == 0 {
		byLang = nil
	}
	m.SystemName.ByLang = byLang
}

func (n *normalizer) date(f Field, d Date) {
	if !d.Valid() {
		n.add(orgkit.CodeFieldInvalid, f, fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day), "")
	}
}

func (n *normalizer) responsibleLines() {
	f, m := ResponsibleLinesField, n.m
	if m.ResponsibleLines == nil {
		return
	}
	out := make([]string, 0, len(m.ResponsibleLines))
	seen := make(map[string]bool, len(m.ResponsibleLines))
	for _, s := range m.ResponsibleLines {
		s = n.line(f, s, maxTextLength)
		key := textnorm.Key(s)
		if s == "" || seen[key] {
			continue
		}
		seen[key] = true
		out = append(out, s)
	}
	if len(out) == 0 {
		out = nil
	}
	m.ResponsibleLines = slices.Clip(out)
}

func (n *normalizer) avatar() {
	f, a := AvatarField, &n.m.Avatar
	if a.IsZero() {
		return
	}
	a.URI = strings.TrimSpace(a.URI)
	a.MIMEType = strings.ToLower(strings.TrimSpace(a.MIMEType))
	a.SHA256 = strings.ToLower(strings.TrimSpace(a.SHA256))
	uriOK := false
	if len(a.URI) > maxURILength {
		n.add(orgkit.CodeFieldTooLong, f, a.URI, strconv.Itoa(maxURILength))
	} else if !utf8.ValidString(a.URI) {
		n.add(orgkit.CodeFieldInvalid, f, strings.ToValidUTF8(a.URI, "\uFFFD"), "")
	} else if r, bad := textnorm.Forbidden(a.URI, false); bad {
		n.add(orgkit.CodeTextForbidden, f, textnorm.Visible(a.URI, false), textnorm.CodePoint(r))
	} else {
		uriOK = true
	}
	if a.IsReference() {
		// a plain reference (a platform's avatar URL): nothing about the picture is
		// known, and nothing is made up; the URL must be a web address
		if u, err := url.Parse(a.URI); uriOK && (err != nil || u.Scheme != "http" && u.Scheme != "https" || u.Host == "") {
			n.add(orgkit.CodeFieldInvalid, f, a.URI, "")
		}
		return
	}
	if !avatarType(a.MIMEType) {
		n.add(orgkit.CodeMemberAvatarType, f, a.MIMEType, "")
	}
	switch {
	case a.Size < 0:
		n.add(orgkit.CodeFieldInvalid, f, strconv.FormatInt(a.Size, 10), "")
	case a.Size > MaxAvatarSize:
		n.add(orgkit.CodeMemberAvatarTooLarge, f, strconv.FormatInt(a.Size, 10), strconv.Itoa(MaxAvatarSize))
	}
	if a.SHA256 != "" {
		if _, err := hex.DecodeString(a.SHA256); err != nil || len(a.SHA256) != 64 {
			n.add(orgkit.CodeFieldInvalid, f, a.SHA256, "")
		}
	}
}

// loginMethod checks that the contact the login method needs is present.
func (n *normalizer) loginMethod() {
	m := n.m
	switch {
	case m.LoginMethod == LoginByMobile && m.Mobile == "",
		m.LoginMethod == LoginByEmail && m.Email == "",
		m.LoginMethod == LoginByPlatform && m.ExternalID == "",
		m.LoginMethod == LoginByAccount && m.LoginAccount == "":
		n.add(orgkit.CodeMemberLoginMethod, LoginMethodField, m.LoginMethod.String(), "")
	}
}

// parseLanguage returns the canonical form of a BCP 47 tag; "und" is refused.
func parseLanguage(s string) (string, bool) {
	tag, err := language.Parse(s)
	if err != nil || tag == language.Und {
		return "", false
	}
	return tag.String(), true
}

// validTimeZone reports whether s names an IANA time zone ("Local" is refused: it
// means the server's zone, which is nobody's).
func validTimeZone(s string) bool {
	if s == "Local" {
		return false
	}
	if _, ok := knownZones.Load(s); ok {
		return true
	}
	if _, err := time.LoadLocation(s); err != nil {
		return false
	}
	knownZones.Store(s, struct{}{}) // LoadLocation reads the zone database each time
	return true
}

// knownZones remembers the time zone names found valid; there are a few hundred.
var knownZones sync.Map

// parseRegion returns the canonical upper-case ISO 3166-1 alpha-2 code of a country
// ("uk" → "GB"); other region codes (numeric, alpha-3, "ZZ", "EU") are refused.
func parseRegion(s string) (string, bool) {
	if len(s) != 2 || !isASCIILetter(s[0]) || !isASCIILetter(s[1]) {
		return "", false
	}
	rg, err := language.ParseRegion(s)
	if err != nil {
		return "", false
	}
	rg = rg.Canonicalize()
	if !rg.IsCountry() {
		return "", false
	}
	return rg.String(), true
}

func isASCIILetter(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }

// errMobile and errEmail are wrapped by the errors of NormalizeMobile and
// NormalizeEmail; both match orgkit.ErrInvalid.
var (
	errMobile = fmt.Errorf("not a valid phone number: %w", orgkit.ErrInvalid)
	errEmail  = fmt.Errorf("not a valid address: %w", orgkit.ErrInvalid)
)

// NormalizeMobile returns the E.164 form ("+8613900000000") of a mobile number.
// Numbers without a country calling code are read in the rules' default region
// ("13900000000"); international forms start with "+" or "00" ("+852-12345678",
// "+852 1234 5678", "00852 12345678"). Full-width digits and the usual separators
// (spaces, '-', '.', '/', parentheses) are accepted; letters, extensions and other
// characters are not. A number in the default region's country calling code must be
// a valid number of its numbering plan; a number in another country calling code
// must have a length possible in that plan. The error matches orgkit.ErrInvalid.
func (r Rules) NormalizeMobile(s string) (string, error) {
	memo := r.memoized()
	if memo != nil {
		if res, ok := memo.get(s); ok {
			return res.e164, res.err
		}
	}
	res := r.normalizeMobileResult(s)
	if memo != nil {
		memo.put([]string{s}, []mobileResult{res})
	}
	return res.e164, res.err
}

func (r Rules) normalizeMobileResult(s string) mobileResult {
	e164, err := r.normalizeMobile(s, true)
	if err != nil {
		return mobileResult{"", fmt.Errorf("member: mobile %q is %w", s, err)}
	}
	return mobileResult{e164, nil}
}

// normalizeMobile does the work of NormalizeMobile. A valid number's E.164 form
// parses back to itself; a number accepted for its length only may not (libphonenumber
// strips what looks like a national prefix: "+82 0000000" → "+82000000" → "+8200000"),
// so with recheck such a result must normalize to itself or it is refused.
func (r Rules) normalizeMobile(s string, recheck bool) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > phonenumbers.MAX_INPUT_STRING_LENGTH {
		return "", errMobile
	}
	for _, c := range s {
		if !mobileRune(c) {
			return "", errMobile
		}
	}
	home := r.region()
	num, err := phonenumbers.Parse(s, home)
	if err != nil || num.GetExtension() != "" {
		return "", errMobile
	}
	nsn := phonenumbers.GetNationalSignificantNumber(num)
	valid := validNumber(num, nsn)
	// libphonenumber's metadata knows the assigned ranges of every plan, which is too
	// strict for foreign numbers (e.g. "+852 1234 5678" is not in an assigned Hong
	// Kong range), so those need only a length possible in their plan.
	if !valid && (int(num.GetCountryCode()) == phonenumbers.GetCountryCodeForRegion(home) ||
		phonenumbers.IsPossibleNumberWithReason(num) != phonenumbers.IS_POSSIBLE) {
		return "", errMobile
	}
	e164 := formatE164(num, nsn)
	if len(e164) > maxE164 { // some valid Japanese toll-free numbers are longer
		return "", errMobile
	}
	if !valid && recheck {
		if again, err := r.normalizeMobile(e164, false); err != nil || again != e164 {
			return "", errMobile
		}
	}
	return e164, nil
}

// maxE164 is the longest E.164 number: "+" and 15 digits.
const maxE164 = 1 + 15

// mobileRune reports whether c may appear in a written mobile number: a decimal
// digit of any script, white space, a plus sign or a separator.
func mobileRune(c rune) bool {
	if unicode.IsDigit(c) || unicode.IsSpace(c) {
		return true
	}
	switch c {
	case '+', '＋', '-', '－', '‐', '‑', '‒', '–', '—', '―', '.', '．', '/', '／',
		'(', ')', '（', '）', '[', ']':
		return true
	}
	return false
}

// NormalizeEmail returns the stored form of an email address: a bare address
// ("alice@example.com", no display name, angle brackets, comments or quoted local
// part) as net/mail parses it, after Unicode NFKC (so full-width "＠" is "@"), lower-
// cased, at most 254 bytes long. The error matches orgkit.ErrInvalid.
func NormalizeEmail(s string) (string, error) {
	addr, err := normalizeEmail(s)
	if err == nil {
		// Guarantee idempotence: the stored form must normalize to itself.
		if again, err2 := normalizeEmail(addr); err2 != nil || again != addr {
			err = errEmail
		}
	}
	if err != nil {
		return "", fmt.Errorf("member: email %q is %w", s, err)
	}
	return addr, nil
}

func normalizeEmail(s string) (string, error) {
	if !utf8.ValidString(s) {
		return "", errEmail
	}
	s = strings.TrimSpace(norm.NFKC.String(s))
	if s == "" || len(s) > maxEmailBytes {
		return "", errEmail
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Name != "" || !strings.EqualFold(a.Address, s) {
		return "", errEmail
	}
	addr := strings.ToLower(a.Address)
	if _, bad := textnorm.Forbidden(addr, false); len(addr) > maxEmailBytes || bad {
		return "", errEmail
	}
	return addr, nil
}

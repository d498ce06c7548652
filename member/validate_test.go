package member

import (
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/language"

	"github.com/orgkit/orgkit"
)

func TestNormalizeMobile(t *testing.T) {
	cases := []struct {
		name   string
		region string
		in     string
		want   string // "" = refused
	}{
		{"domestic CN", "", "13900000000", "+8613900000000"},
		{"domestic CN with separators", "", " 139-0000-0000 ", "+8613900000000"},
		{"domestic CN with spaces", "", "139 0000 0000", "+8613900000000"},
		{"CN in international form", "", "+86 139 0000 0000", "+8613900000000"},
		{"CN with 0086", "", "0086 13900000000", "+8613900000000"},
		{"CN with parenthesized code", "", "(+86) 139-0000-0000", "+8613900000000"},
		{"full-width digits", "", "１３９００００００００", "+8613900000000"},
		{"full-width plus and digits", "", "＋８５２ ５１２３ ４５６７", "+85251234567"},
		{"full-width 00 prefix", "", "００８５２ ５１２３４５６７", "+85251234567"},
		{"HK with dash", "", "+852-12345678", "+85212345678"},
		{"HK with spaces", "", "+852 1234 5678", "+85212345678"},
		{"HK with 00", "", "00852 12345678", "+85212345678"},
		{"HK valid mobile", "", "+852 5123 4567", "+85251234567"},
		{"US", "", "+1 650 253 0000", "+16502530000"},
		{"HK domestic under HK rules", "HK", "51234567", "+85251234567"},
		{"HK domestic, region lower-case", "hk", "51234567", "+85251234567"},
		{"CN international under HK rules", "HK", "+86 13900000000", "+8613900000000"},

		{"too short", "", "123", ""},
		{"incomplete international", "", "+86 139", ""},
		{"letters", "", "abc", ""},
		{"letters inside", "", "139abcd0000", ""},
		{"vanity number", "", "+1 800 FLOWERS", ""},
		{"extension", "", "13900000000 ext 12", ""},
		{"extension with hash", "", "13900000000#12", ""},
		{"tel URI", "", "tel:+8613900000000", ""},
		{"empty", "", "", ""},
		{"blank", "", "   ", ""},
		{"HK number under CN rules", "", "51234567", ""},
		{"CN number under HK rules", "HK", "13900000000", ""},
		{"unassigned CN range", "", "12345678901", ""},
		{"unassigned HK range under HK rules", "HK", "+852 1234 5678", ""},
		{"wrong length abroad", "", "+852 1234567890", ""},
		{"too short abroad", "", "+852 1234", ""},
		{"unknown country code", "", "+999 12345678", ""},
		{"foreign number shedding a national prefix", "", "+820000000", ""},
		{"longer than E.164 allows", "", "+810010000000000000", ""},
		{"unknown default region", "XX", "13900000000", ""},
		{"control character", "", "139\x0000000000", ""},
		{"too long", "", strings.Repeat("1", 300), ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := Rules{DefaultRegion: c.region}
			got, err := r.NormalizeMobile(c.in)
			if c.want == "" {
				require.Error(t, err, "got %q", got)
				assert.ErrorIs(t, err, orgkit.ErrInvalid)
				assert.Empty(t, got)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, c.want, got)
			again, err := r.NormalizeMobile(got)
			require.NoError(t, err)
			assert.Equal(t, got, again, "idempotent")
		})
	}
}

func TestNormalizeEmail(t *testing.T) {
	cases := []struct {
		in, want string // want "" = refused
	}{
		{"alice@example.com", "alice@example.com"},
		{"  Alice@Example.COM ", "alice@example.com"},
		{"ALICE.SMITH+tag@EXAMPLE.CO.UK", "alice.smith+tag@example.co.uk"},
		{"ａｌｉｃｅ＠ｅｘａｍｐｌｅ.com", "alice@example.com"},
		{"张三@例子.中国", "张三@例子.中国"},
		{"a@localhost", "a@localhost"},

		{"Alice <alice@example.com>", ""},
		{"\"Alice\" <alice@example.com>", ""},
		{"<alice@example.com>", ""},
		{"alice@example.com (Alice)", ""},
		{"\"alice smith\"@example.com", ""},
		{"alice@example.com, bob@example.com", ""},
		{"alice", ""},
		{"alice@", ""},
		{"@example.com", ""},
		{"a..b@example.com", ""},
		{"not an email", ""},
		{"", ""},
		{"alice@exam\x00ple.com", ""},
		{"\xffalice@example.com", ""},
		{strings.Repeat("a", 250) + "@example.com", ""},
	}
	for _, c := range cases {
		t.Run(c.in, func(t *testing.T) {
			got, err := NormalizeEmail(c.in)
			if c.want == "" {
				require.Error(t, err, "got %q", got)
				assert.ErrorIs(t, err, orgkit.ErrInvalid)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, c.want, got)
		})
	}
}

// A member is named in violations by its display name (white space collapsed), else
// by its ID.
func TestMemberRef(t *testing.T) {
	id := orgkit.NewMemberID()
	cases := []struct {
		name string
		m    Member
		want string
	}{
		{"full name", Member{ID: id, FullName: "Alice", SystemName: orgkit.Name("ali")}, `member "Alice"`},
		{"system name", Member{ID: id, SystemName: orgkit.Name("ali")}, `member "ali"`},
		{"no name", Member{ID: id}, "member " + id.String()},
		{"Chinese name, no ID", Member{FullName: " 张三 "}, `member "张三"`},
		{"nothing", Member{}, "member"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := c.m.Ref()
			assert.Equal(t, c.want, r.String())
			got, ok := r.MemberID()
			assert.Equal(t, !c.m.ID.IsZero(), ok)
			assert.Equal(t, c.m.ID, got)
		})
	}
	assert.Equal(t, "成员「张三」", (&Member{FullName: "张三"}).Ref().Text(language.SimplifiedChinese))
}

// validMember returns a member that passes every rule.
func validMember() *Member {
	return &Member{
		ID:         orgkit.NewMemberID(),
		SystemName: orgkit.Name("alice"),
		FullName:   "Alice",
		Mobile:     "13900000000",
	}
}

// violationCodes returns code@field of each violation.
func violationCodes(vs []orgkit.Violation) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = v.Code + "@" + string(v.Field)
	}
	return out
}

func TestNormalizeFields(t *testing.T) {
	cases := []struct {
		name  string
		rules Rules
		edit  func(m *Member)
		check func(t *testing.T, m *Member)
		want  []string // code@field, in order
	}{
		{
			name:  "valid member",
			check: func(t *testing.T, m *Member) { assert.Equal(t, "+8613900000000", m.Mobile) },
		},
		{
			name: "text trimmed and collapsed",
			edit: func(m *Member) {
				m.FullName = "  Alice \t  Smith "
				m.JobTitle = "\u3000Engineer\n"
				m.SystemName.Default = " ali "
			},
			check: func(t *testing.T, m *Member) {
				assert.Equal(t, "Alice Smith", m.FullName)
				assert.Equal(t, "Engineer", m.JobTitle)
				assert.Equal(t, "ali", m.SystemName.Default)
			},
		},
		{
			name: "bio keeps its lines",
			edit: func(m *Member) { m.Bio = "\n  line one\n\n  line two\t \n" },
			check: func(t *testing.T, m *Member) {
				assert.Equal(t, "line one\n\n  line two", m.Bio)
			},
		},
		{
			name:  "mobile invalid",
			edit:  func(m *Member) { m.Mobile = " 123 " },
			check: func(t *testing.T, m *Member) { assert.Equal(t, "123", m.Mobile, "kept trimmed as given") },
			want:  []string{orgkit.CodeMemberMobileInvalid + "@mobile"},
		},
		{
			name:  "mobile in HK rules",
			rules: Rules{DefaultRegion: "HK"},
			edit:  func(m *Member) { m.Mobile = "5123 4567" },
			check: func(t *testing.T, m *Member) { assert.Equal(t, "+85251234567", m.Mobile) },
		},
		{
			name:  "email lower-cased",
			edit:  func(m *Member) { m.Email = " Alice@Example.com " },
			check: func(t *testing.T, m *Member) { assert.Equal(t, "alice@example.com", m.Email) },
		},
		{
			name: "email with display name",
			edit: func(m *Member) { m.Email = "Alice <alice@example.com>" },
			want: []string{orgkit.CodeMemberEmailInvalid + "@email"},
		},
		{
			name: "system name required",
			edit: func(m *Member) { m.SystemName = orgkit.Names{Default: "  "} },
			want: []string{orgkit.CodeFieldRequired + "@system_name"},
		},
		{
			name: "system name languages canonicalized",
			edit: func(m *Member) {
				m.SystemName.ByLang = map[string]string{"zh-hans": " 爱丽丝 ", "EN": "Alice", "zh-TW": " "}
			},
			check: func(t *testing.T, m *Member) {
				assert.Equal(t, map[string]string{"zh-Hans": "爱丽丝", "en": "Alice"}, m.SystemName.ByLang)
			},
		},
		{
			name: "system name bad language",
			edit: func(m *Member) { m.SystemName.ByLang = map[string]string{"not a tag": "x", "en": "Alice"} },
			want: []string{"field.language.invalid@system_name"},
		},
		{
			name: "system name clashing languages",
			edit: func(m *Member) {
				m.SystemName.ByLang = map[string]string{"en": "Alice", "EN": "Ally", "zh-Hans": "a", "zh-hans": "a"}
			},
			check: func(t *testing.T, m *Member) {
				assert.Equal(t, map[string]string{"en": "Ally", "zh-Hans": "a"}, m.SystemName.ByLang, "sorted first wins")
			},
			want: []string{"field.language.invalid@system_name"},
		},
		{
			name:  "language canonical",
			edit:  func(m *Member) { m.Language = "zh_hans" },
			check: func(t *testing.T, m *Member) { assert.Equal(t, "zh-Hans", m.Language) },
		},
		{
			name: "language invalid",
			edit: func(m *Member) { m.Language = "klingon!!" },
			want: []string{"field.invalid@language"},
		},
		{
			name: "language und refused",
			edit: func(m *Member) { m.Language = "und" },
			want: []string{"field.invalid@language"},
		},
		{
			name:  "time zone valid",
			edit:  func(m *Member) { m.TimeZone = " Asia/Shanghai " },
			check: func(t *testing.T, m *Member) { assert.Equal(t, "Asia/Shanghai", m.TimeZone) },
		},
		{
			name: "time zone invalid",
			edit: func(m *Member) { m.TimeZone = "Mars/Base" },
			want: []string{"field.invalid@time_zone"},
		},
		{
			name: "time zone Local refused",
			edit: func(m *Member) { m.TimeZone = "Local" },
			want: []string{"field.invalid@time_zone"},
		},
		{
			name: "time zone path refused",
			edit: func(m *Member) { m.TimeZone = "../../etc/passwd" },
			want: []string{"field.invalid@time_zone"},
		},
		{
			name:  "region upper-cased",
			edit:  func(m *Member) { m.Region = "cn" },
			check: func(t *testing.T, m *Member) { assert.Equal(t, "CN", m.Region) },
		},
		{
			name:  "deprecated region canonicalized",
			edit:  func(m *Member) { m.Region = "UK" },
			check: func(t *testing.T, m *Member) { assert.Equal(t, "GB", m.Region) },
		},
		{
			name: "region XX refused",
			edit: func(m *Member) { m.Region = "XX" },
			want: []string{"field.invalid@region"},
		},
		{
			name: "region ZZ refused",
			edit: func(m *Member) { m.Region = "ZZ" },
			want: []string{"field.invalid@region"},
		},
		{
			name: "region alpha-3 refused",
			edit: func(m *Member) { m.Region = "CHN" },
			want: []string{"field.invalid@region"},
		},
		{
			name: "invalid dates",
			edit: func(m *Member) {
				m.HireDate = Date{2023, time.February, 30}
				m.EmploymentDate = Date{2020, 13, 1}
				m.Birthday = Date{1990, time.May, 1}
			},
			want: []string{"field.invalid@hire_date", "field.invalid@employment_date"},
		},
		{
			name: "responsible lines",
			edit: func(m *Member) {
				m.ResponsibleLines = []string{" East  China ", "", "east china", "Ｅａｓｔ Ｃｈｉｎａ", "  ", "North"}
			},
			check: func(t *testing.T, m *Member) {
				assert.Equal(t, []string{"East China", "North"}, m.ResponsibleLines)
			},
		},
		{
			name:  "blank responsible lines become nil",
			edit:  func(m *Member) { m.ResponsibleLines = []string{" ", ""} },
			check: func(t *testing.T, m *Member) { assert.Nil(t, m.ResponsibleLines) },
		},
		{
			name: "unknown enum values",
			edit: func(m *Member) { m.Gender = 9; m.LoginMethod = 7; m.Status = 42 },
			want: []string{"field.invalid@login_method", "field.invalid@gender", "field.invalid@status"},
		},
		{
			name: "login by mobile without mobile",
			edit: func(m *Member) { m.Mobile = "" },
			want: []string{orgkit.CodeMemberLoginMethod + "@login_method"},
		},
		{
			name: "login by email without email",
			edit: func(m *Member) { m.LoginMethod = LoginByEmail },
			want: []string{orgkit.CodeMemberLoginMethod + "@login_method"},
		},
		{
			name: "login by email with email",
			edit: func(m *Member) { m.LoginMethod = LoginByEmail; m.Mobile = ""; m.Email = "a@b.com" },
		},
		{
			name: "control characters refused",
			edit: func(m *Member) { m.WorkPlace = "Room\x00 1"; m.Bio = "ok\ttab\nline\x07" },
			want: []string{orgkit.CodeTextForbidden + "@bio", orgkit.CodeTextForbidden + "@work_place"},
		},
		{
			name: "bidirectional overrides and invisible characters refused",
			edit: func(m *Member) {
				m.FullName = "Alice\u202eecilA"
				m.SystemName = orgkit.Names{Default: "alice", ByLang: map[string]string{"zh": "爱丽\u200b丝"}}
				m.JobTitle = "\u2066CEO\u2069"
				m.Avatar = Avatar{URI: "https://cdn.example.com/\u200ea.png", MIMEType: "image/png", Size: 1}
			},
			want: []string{orgkit.CodeTextForbidden + "@system_name", orgkit.CodeTextForbidden + "@full_name",
				orgkit.CodeTextForbidden + "@job_title", orgkit.CodeTextForbidden + "@avatar"},
		},
		{
			name: "joiners that scripts need are kept",
			edit: func(m *Member) { m.FullName = "\u0645\u0647\u200c\u0631\u0627\u0646"; m.Bio = "line 1\r\nline 2\tend" },
		},
		{
			name: "invalid UTF-8 refused",
			edit: func(m *Member) { m.QQ = "12\xff34" },
			want: []string{"field.invalid@qq"},
		},
		{
			name: "avatar valid",
			edit: func(m *Member) {
				m.Avatar = Avatar{URI: " https://cdn.example.com/a.png ", MIMEType: "IMAGE/PNG", Size: 1234, SHA256: strings.Repeat("AB", 32)}
			},
			check: func(t *testing.T, m *Member) {
				assert.Equal(t, Avatar{URI: "https://cdn.example.com/a.png", MIMEType: "image/png", Size: 1234, SHA256: strings.Repeat("ab", 32)}, m.Avatar)
			},
		},
		{
			name: "avatar URL from a platform: a reference, unchecked",
			edit: func(m *Member) { m.Avatar = Avatar{URI: " http://wework.qpic.cn/bizmail/abc/0 "} },
			check: func(t *testing.T, m *Member) {
				assert.Equal(t, Avatar{URI: "http://wework.qpic.cn/bizmail/abc/0"}, m.Avatar, "no MIME type made up")
				assert.True(t, m.Avatar.IsReference())
				assert.False(t, m.Avatar.IsChecked())
			},
		},
		{
			name: "avatar reference that is not a web URL",
			edit: func(m *Member) { m.Avatar = Avatar{URI: "javascript:alert(1)"} },
			want: []string{"field.invalid@avatar"},
		},
		{
			name: "avatar reference without a host",
			edit: func(m *Member) { m.Avatar = Avatar{URI: "https:///a.png"} },
			want: []string{"field.invalid@avatar"},
		},
		{
			name: "avatar described but without its type",
			edit: func(m *Member) { m.Avatar = Avatar{URI: "https://cdn.example.com/a.png", Size: 10} },
			want: []string{orgkit.CodeMemberAvatarType + "@avatar"},
		},
		{
			name: "avatar invalid",
			edit: func(m *Member) {
				m.Avatar = Avatar{URI: "x", MIMEType: "image/svg+xml", Size: MaxAvatarSize + 1, SHA256: "abc"}
			},
			want: []string{orgkit.CodeMemberAvatarType + "@avatar", orgkit.CodeMemberAvatarTooLarge + "@avatar", "field.invalid@avatar"},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := validMember()
			if c.edit != nil {
				c.edit(m)
			}
			vs := c.rules.NormalizeAll(m)
			if c.want == nil {
				assert.Empty(t, vs)
			} else {
				assert.Equal(t, c.want, violationCodes(vs), "violations: %v", vs)
			}
			for _, v := range vs {
				assert.Equal(t, -1, v.Command)
				assert.Equal(t, m.Ref(), v.Record)
				assert.NotEmpty(t, v.Message())
			}
			if c.check != nil {
				c.check(t, m)
			}
		})
	}
}

func TestNormalizeTooLong(t *testing.T) {
	m := validMember()
	m.FullName = strings.Repeat("名", 65)
	m.SystemName.Default = strings.Repeat("a", 64) // at the limit
	m.JobTitle = strings.Repeat("x", 129)
	m.ResponsibleLines = []string{strings.Repeat("y", 129)}
	m.Bio = strings.Repeat("b", 2000)
	m.WorkDetails = strings.Repeat("w", 2001)
	vs := Rules{}.NormalizeAll(m)
	require.Len(t, vs, 4, "%v", vs)
	want := map[orgkit.FieldName]string{"full_name": "64", "job_title": "128", "responsible_lines": "128", "work_details": "2000"}
	for _, v := range vs {
		assert.Equal(t, orgkit.CodeFieldTooLong, v.Code)
		assert.Equal(t, want[v.Field], v.Detail, v.Field)
		assert.Contains(t, v.Message(), "longer than "+want[v.Field])
	}
}

func TestNormalizeReportsEverything(t *testing.T) {
	m := &Member{
		ID:       orgkit.NewMemberID(),
		FullName: "Bob",
		Mobile:   "123",
		Email:    "Bob <bob@example.com>",
		Language: "!!",
		TimeZone: "Mars/Base",
		Region:   "ZZ",
		Birthday: Date{2001, time.February, 29},
	}
	vs := Rules{}.NormalizeAll(m)
	assert.Equal(t, []string{
		orgkit.CodeFieldRequired + "@system_name",
		orgkit.CodeMemberMobileInvalid + "@mobile",
		orgkit.CodeMemberEmailInvalid + "@email",
		"field.invalid@birthday",
		"field.invalid@language",
		"field.invalid@time_zone",
		"field.invalid@region",
	}, violationCodes(vs))
	err := orgkit.Invalid(vs)
	require.Error(t, err)
	assert.ErrorIs(t, err, orgkit.ErrInvalid)
	var inv *orgkit.InvalidError
	require.True(t, errors.As(err, &inv))
	assert.Len(t, inv.Violations, 7)
	assert.Equal(t, `member "Bob": mobile "123" is not a valid phone number`, vs[1].Message())
}

func TestNormalizeOnlyListedFields(t *testing.T) {
	m := validMember()
	m.Mobile = "123"
	m.Email = "  X@Y.COM "
	m.Region = "zz"
	m.FullName = "  Alice  "
	vs := Rules{}.Normalize(m, []Field{EmailField, FullNameField, EmailField})
	assert.Empty(t, vs, "mobile is not checked, and it is not blank, so login works")
	assert.Equal(t, "x@y.com", m.Email)
	assert.Equal(t, "Alice", m.FullName)
	assert.Equal(t, "123", m.Mobile, "untouched")
	assert.Equal(t, "zz", m.Region, "untouched")

	// The login check runs when only the login method is listed.
	m.Mobile = ""
	vs = Rules{}.Normalize(m, []Field{LoginMethodField})
	assert.Equal(t, []string{orgkit.CodeMemberLoginMethod + "@login_method"}, violationCodes(vs))
	assert.Equal(t, "mobile", vs[0].Value)

	// ...but not when none of login method, mobile and email is listed.
	assert.Empty(t, Rules{}.Normalize(m, []Field{FullNameField}))

	// Unknown fields are reported.
	vs = Rules{}.Normalize(m, []Field{Field(200)})
	assert.Equal(t, []string{orgkit.CodeFieldInvalid + "@unknown"}, violationCodes(vs))
}

func TestNormalizeIdempotent(t *testing.T) {
	m := validMember()
	m.Email = " A@B.COM "
	m.Language = "zh_hant_tw"
	m.Region = "hk"
	m.ResponsibleLines = []string{"a", " A ", "b"}
	m.SystemName.ByLang = map[string]string{"zh-hans": " x "}
	require.Empty(t, Rules{}.NormalizeAll(m))
	again := m.Clone()
	require.Empty(t, Rules{}.NormalizeAll(again))
	assert.Equal(t, m, again)
}

var e164Pattern = regexp.MustCompile(`^\+[1-9][0-9]{1,14}$`)

func FuzzNormalizeMobile(f *testing.F) {
	for _, s := range []string{
		"13900000000", "+852-12345678", "+852 1234 5678", "00852 12345678", "１３９００００００００",
		"＋８５２ ５１２３ ４５６７", "123", "+86 139", "abc", "+39 06 1234 5678", "+800 1234 5678",
		"(+86) 139-0000-0000", "+86(0)13900000000", "0086 13900000000", "8613900000000", "+1 650 253 0000",
		"٠١٣٩٠٠٠٠٠٠٠٠", "+44 (0) 20 7946 0000", "+7 912 345 67 89",
	} {
		f.Add(s, "")
	}
	f.Add("51234567", "HK")
	f.Add("0612345678", "NL")
	f.Add("020 7946 0000", "gb")
	f.Fuzz(func(t *testing.T, s, region string) {
		r := Rules{DefaultRegion: region}
		got, err := r.NormalizeMobile(s)
		if err != nil {
			if !errors.Is(err, orgkit.ErrInvalid) {
				t.Fatalf("NormalizeMobile(%q) error %v does not match ErrInvalid", s, err)
			}
			return
		}
		if !e164Pattern.MatchString(got) {
			t.Fatalf("NormalizeMobile(%q, %q) = %q, not E.164", s, region, got)
		}
		again, err := r.NormalizeMobile(got)
		if err != nil || again != got {
			t.Fatalf("NormalizeMobile(%q, %q) = %q, then %q, %v", s, region, got, again, err)
		}
	})
}

func FuzzNormalizeEmail(f *testing.F) {
	for _, s := range []string{
		"alice@example.com", " Alice@Example.COM ", "Alice <alice@example.com>", "\"a b\"@x.com",
		"ａｌｉｃｅ＠ｅｘａｍｐｌｅ.com", "张三@例子.中国", "a@[1.2.3.4]", "a(b)@c.com", "ǅ@x.com",
		"\u212a@x.com", "İ@x.com", "a@b", "@", "",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := NormalizeEmail(s)
		if err != nil {
			if !errors.Is(err, orgkit.ErrInvalid) {
				t.Fatalf("NormalizeEmail(%q) error %v does not match ErrInvalid", s, err)
			}
			return
		}
		if got != strings.ToLower(got) || !utf8.ValidString(got) || got == "" {
			t.Fatalf("NormalizeEmail(%q) = %q, not lower-case", s, got)
		}
		if !strings.Contains(got, "@") {
			t.Fatalf("NormalizeEmail(%q) = %q has no @", s, got)
		}
		again, err := NormalizeEmail(got)
		if err != nil || again != got {
			t.Fatalf("NormalizeEmail(%q) = %q, then %q, %v", s, got, again, err)
		}
	})
}

func BenchmarkNormalizeMobile(b *testing.B) {
	for _, s := range []string{"13900000000", "+8613900000000", "+852-12345678"} {
		b.Run(s, func(b *testing.B) {
			for b.Loop() {
				if _, err := (Rules{}).NormalizeMobile(s); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkNormalizeAll(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		m := &Member{
			SystemName: orgkit.Name("alice"), FullName: "Alice", Mobile: "13900000000",
			Email: "Alice@Example.com", JobTitle: "Engineer", Language: "zh-Hans",
			TimeZone: "Asia/Shanghai", Region: "cn", ResponsibleLines: []string{"East", "North"},
		}
		if vs := (Rules{}).NormalizeAll(m); len(vs) > 0 {
			b.Fatal(vs)
		}
	}
}

package member_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/language"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/member"
)

func TestCardLayoutValidate(t *testing.T) {
	tests := []struct {
		name   string
		layout member.Layout
		codes  []string
		values []string
	}{
		{"default hover card", member.DefaultLayout(member.HoverCard), nil, nil},
		{"default profile page", member.DefaultLayout(member.ProfilePage), nil, nil},
		{"empty", member.Layout{Kind: member.HoverCard}, nil, nil},
		{"admin order", member.Layout{Kind: member.HoverCard, Fields: []member.Field{member.ExtendedBField, member.EmailField, member.PrimaryDepartmentField}}, nil, nil},
		{"every profile field", member.Layout{Kind: member.ProfilePage, Fields: member.ProfilePage.AllowedFields()}, nil, nil},
		{"not allowed on the hover card", member.Layout{Kind: member.HoverCard, Fields: []member.Field{member.QQField, member.MobileField, member.BioField}},
			[]string{"member.card.fields.invalid", "member.card.fields.invalid"}, []string{"qq", "bio"}},
		{"never allowed", member.Layout{Kind: member.ProfilePage, Fields: []member.Field{member.SSOAccountField, member.Field(200)}},
			[]string{"member.card.fields.invalid", "member.card.fields.invalid"}, []string{"sso_account", "unknown"}},
		{"a fixed field", member.Layout{Kind: member.ProfilePage, Fields: []member.Field{member.JobTitleField}},
			[]string{"member.card.fields.fixed"}, []string{"job_title"}},
		{"duplicate", member.Layout{Kind: member.HoverCard, Fields: []member.Field{member.MobileField, member.EmailField, member.MobileField, member.MobileField}},
			[]string{"member.card.fields.duplicate", "member.card.fields.duplicate"}, []string{"mobile", "mobile"}},
		{"no kind", member.Layout{Fields: []member.Field{member.MobileField}}, []string{"field.invalid"}, []string{"0"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.layout.Validate()
			if tt.codes == nil {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, orgkit.ErrInvalid)
			var inv *orgkit.InvalidError
			require.ErrorAs(t, err, &inv)
			var codes, values []string
			for _, v := range inv.Violations {
				codes, values = append(codes, v.Code), append(values, v.Value)
				assert.NotEmpty(t, v.Message())
				assert.NotContains(t, v.Text(language.SimplifiedChinese), "%!", "the message formats")
			}
			assert.Equal(t, tt.codes, codes)
			assert.Equal(t, tt.values, values)
		})
	}
}

func TestCardLayoutJSON(t *testing.T) {
	l := member.Layout{Kind: member.HoverCard, Fields: []member.Field{member.PrimaryDepartmentField, member.ExtendedAField}}
	b, err := json.Marshal(l)
	require.NoError(t, err)
	assert.JSONEq(t, `{"kind":"hover_card","fields":["primary_department","extended_a"]}`, string(b))
	var back member.Layout
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, l, back)
	for _, bad := range []string{`{"kind":"card","fields":[]}`, `{"kind":"profile_page","fields":["nope"]}`, `[]`} {
		assert.Error(t, json.Unmarshal([]byte(bad), &back), bad)
	}
	assert.Equal(t, l, back, "left as it was")
}

func TestCardKinds(t *testing.T) {
	assert.Equal(t, []member.Field{member.AvatarField, member.SystemNameField, member.GenderField, member.JobTitleField}, member.FixedCardFields())
	assert.Equal(t, []member.Field{member.PrimaryDepartmentField, member.MobileField, member.EmailField, member.LoginAccountField, member.ReportingManagerField, member.ExtendedAField, member.ExtendedBField}, member.HoverCard.AllowedFields())
	assert.Len(t, member.ProfilePage.AllowedFields(), 16)
	assert.True(t, member.ProfilePage.Allows(member.BirthdayField))
	assert.False(t, member.HoverCard.Allows(member.BirthdayField))
	assert.Nil(t, member.CardKind(0).AllowedFields())
	assert.Equal(t, "悬浮卡片", member.HoverCard.Label(language.SimplifiedChinese))
	assert.Equal(t, "profile_page", member.ProfilePage.String())
	// AllowedFields returns a copy
	fs := member.HoverCard.AllowedFields()
	fs[0] = member.QQField
	assert.Equal(t, member.PrimaryDepartmentField, member.HoverCard.AllowedFields()[0])
}

type names map[string]string

func (n names) NodeName(id orgkit.NodeID, _ language.Tag) string     { return n[id.String()] }
func (n names) MemberName(id orgkit.MemberID, _ language.Tag) string { return n[id.String()] }

func TestCardRender(t *testing.T) {
	dept, boss := orgkit.NewNodeID(), orgkit.NewMemberID()
	r := names{dept.String(): "R&D", boss.String(): "Grace"}
	m := &member.Member{
		SystemName: orgkit.Names{Default: "Ada", ByLang: map[string]string{"zh-Hans": "阿达"}},
		Gender:     member.Female, JobTitle: "CTO", Mobile: "+8613900000000",
		Primary: dept, ReportingManager: boss, OfficePhone: "010-12345678", Extension: "8001",
		HireDate: member.Date{Year: 2020, Month: 3, Day: 1}, Bio: "Likes engines.",
		Avatar: member.Avatar{URI: "https://example.com/ada.png"},
	}
	render := func(l member.Layout, tag language.Tag, r member.Resolver) []string {
		var out []string
		for _, it := range l.Render(m, tag, r) {
			out = append(out, fmt.Sprintf("%s=%s", it.Label, it.Value))
		}
		return out
	}
	hover := member.Layout{Kind: member.HoverCard, Fields: []member.Field{member.EmailField, member.ReportingManagerField, member.PrimaryDepartmentField, member.MobileField}}
	assert.Equal(t, []string{"Avatar=https://example.com/ada.png", "System name=Ada", "Gender=Female", "Job title=CTO",
		"Reporting manager=Grace", "Primary department=R&D", "Mobile=+8613900000000"}, render(hover, language.English, r),
		"fixed fields first; blank email hidden; admin order")
	assert.Equal(t, []string{"頭像=https://example.com/ada.png", "系統名=Ada", "性別=女", "職位=CTO",
		"匯報對象=Grace", "主屬部門=R&D", "手機號=+8613900000000"}, render(hover, language.MustParse("zh-TW"), r))
	assert.Equal(t, []string{"头像=https://example.com/ada.png", "系统名=阿达", "性别=女", "职位=CTO", "手机号=+8613900000000"},
		render(hover, language.SimplifiedChinese, nil), "without a resolver references are left out")

	profile := member.Layout{Kind: member.ProfilePage, Fields: []member.Field{member.BioField, member.OfficePhoneField, member.HireDateField, member.QQField, member.BirthdayField}}
	assert.Equal(t, []string{"Avatar=https://example.com/ada.png", "System name=Ada", "Gender=Female", "Job title=CTO",
		"Bio=Likes engines.", "Office phone=010-12345678 ext. 8001", "Hire date=2020-03-01"}, render(profile, language.English, r))

	// an invalid layout renders what it validly can
	bad := member.Layout{Kind: member.HoverCard, Fields: []member.Field{member.BioField, member.MobileField, member.MobileField, member.JobTitleField}}
	assert.Equal(t, append(member.FixedCardFields(), member.MobileField), bad.Order())
	items := bad.Render(m, language.English, r)
	assert.Equal(t, member.MobileField, items[len(items)-1].Field)
	assert.Len(t, items, 5)
	// references carry their IDs, for links
	for _, it := range hover.Render(m, language.English, r) {
		switch it.Field {
		case member.PrimaryDepartmentField:
			assert.Equal(t, dept, it.Node)
		case member.ReportingManagerField:
			assert.Equal(t, boss, it.Member)
		}
	}
	// blank fixed fields are hidden too
	assert.Equal(t, []string{"System name=x"}, func() []string {
		var out []string
		for _, it := range (member.Layout{Kind: member.HoverCard}).Render(&member.Member{SystemName: orgkit.Name("x")}, language.English, r) {
			out = append(out, it.Label+"="+it.Value)
		}
		return out
	}())
}

// A profile page laid out by the admin, rendered in English: the fixed fields first,
// then the chosen ones in the admin's order, blank ones left out.
func ExampleLayout_Render() {
	layout := member.Layout{Kind: member.ProfilePage, Fields: []member.Field{member.EmployeeNumberField, member.HireDateField, member.WeChatField, member.EmailField}}
	if err := layout.Validate(); err != nil {
		panic(err)
	}
	m := &member.Member{
		SystemName: orgkit.Name("ada"), Gender: member.Female, JobTitle: "CTO",
		EmployeeNumber: "E0001", HireDate: member.Date{Year: 2021, Month: 6, Day: 1}, Email: "ada@example.com",
	}
	for _, it := range layout.Render(m, language.English, nil) {
		fmt.Printf("%s: %s\n", it.Label, it.Value)
	}
	// Output:
	// System name: ada
	// Gender: Female
	// Job title: CTO
	// Employee number: E0001
	// Hire date: 2021-06-01
	// Email: ada@example.com
}

// Validate names every field the card kind does not allow.
func ExampleLayout_Validate() {
	err := member.Layout{Kind: member.HoverCard, Fields: []member.Field{member.MobileField, member.BirthdayField, member.MobileField}}.Validate()
	var inv *orgkit.InvalidError
	if errors.As(err, &inv) {
		for _, v := range inv.Violations {
			fmt.Println(v.Code, v.Value)
			fmt.Println(v.Message())
			fmt.Println(v.Text(language.SimplifiedChinese))
		}
	}
	// Output:
	// member.card.fields.invalid birthday
	// card layout "hover card": birthday cannot be shown on this card
	// 名片布局「悬浮卡片」：生日不能显示在此名片上
	// member.card.fields.duplicate mobile
	// card layout "hover card": mobile is already listed at position 1
	// 名片布局「悬浮卡片」：手机号已在第 1 位列出
}

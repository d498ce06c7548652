package scim

import (
	"encoding/json"
	"math/bits"
	"net/http"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/language"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/directory"
	"github.com/orgkit/orgkit/member"
	"github.com/orgkit/orgkit/orgtree"
)

// plainFields are the member fields a User's attributes set one to one: a PUT
// without the attribute clears the field.
var plainFields = []member.Field{
	member.LoginAccountField, member.GivenNameField, member.FamilyNameField, member.FullNameField,
	member.EmailField, member.EmailAsWrittenField, member.MobileField, member.MobileAsWrittenField,
	member.OfficePhoneField, member.JobTitleField, member.LanguageField, member.TimeZoneField,
	member.ExternalIDField, member.EmployeeNumberField,
}

// userInput is what a User resource asks of its member.
type userInput struct {
	m      member.Member // the plain fields' values, as written
	active *bool         // nil: not given
	// department, organization and manager: nil when not given (left as they are);
	// a pointer to "" clears.
	department, organization, manager *string
	custom                            map[string]any
	customGiven                       bool
}

// renderUser renders a member as a SCIM User resource.
func (rq *request) renderUser(s *directory.Snapshot, m *member.Member, t touch) map[string]any {
	return rq.renderUserFor(s, m, t, allAttrs)
}

// renderUserFor renders the attributes want holds of a member as a User resource:
// allAttrs for a response, the attributes a filter names (filterAttrs) to evaluate
// it. An attribute in want has the value it has in the full rendering, and is absent
// when it is absent there; t is read only for meta. The enterprise extension object
// holds the extension attributes in want, and is left out when it holds none.
func (rq *request) renderUserFor(s *directory.Snapshot, m *member.Member, t touch, want attrSet) map[string]any {
	return rq.renderUserInto(make(map[string]any, min(bits.OnesCount32(uint32(want)), 20)), s, m, t, want)
}

// renderUserInto is renderUserFor writing into res, which must be empty: a filter
// evaluated on every member reuses one map (cleared between members) instead of
// allocating one per member.
func (rq *request) renderUserInto(res map[string]any, s *directory.Snapshot, m *member.Member, t touch, want attrSet) map[string]any {
	if want.has(userSchemas) {
		res["schemas"] = []any{UserSchema, EnterpriseUserSchema}
	}
	if want.has(userID) {
		res["id"] = m.ID.String()
	}
	if want.has(userUserName) {
		res["userName"] = userName(m)
	}
	if want.has(userActive) {
		res["active"] = m.Status == orgkit.Active
	}
	if want.has(userExternalID) && m.ExternalID != "" {
		res["externalId"] = m.ExternalID
	}
	if want.has(userNameParts) && (m.GivenName != "" || m.FamilyName != "") {
		name := map[string]any{}
		if m.GivenName != "" {
			name["givenName"] = m.GivenName
		}
		if m.FamilyName != "" {
			name["familyName"] = m.FamilyName
		}
		res["name"] = name
	}
	if want.has(userDisplayName) && m.FullName != "" {
		res["displayName"] = m.FullName
	}
	if want.has(userTitle) && m.JobTitle != "" {
		res["title"] = m.JobTitle
	}
	if want.has(userPreferredLanguage) && m.Language != "" {
		res["preferredLanguage"] = m.Language
	}
	if want.has(userTimezone) && m.TimeZone != "" {
		res["timezone"] = m.TimeZone
	}
	if want.has(userEmails) && m.Email != "" {
		res["emails"] = []any{map[string]any{"value": asWritten(s, m, member.EmailField, m.Email, m.EmailAsWritten),
			"type": "work", "primary": true}}
	}
	if want.has(userPhoneNumbers) {
		var phones []any
		if m.Mobile != "" {
			phones = append(phones, map[string]any{"value": asWritten(s, m, member.MobileField, m.Mobile, m.MobileAsWritten),
				"type": "mobile"})
		}
		if m.OfficePhone != "" {
			phones = append(phones, map[string]any{"value": m.OfficePhone, "type": "work"})
		}
		if phones != nil {
			res["phoneNumbers"] = phones
		}
	}
	if want.has(userEmployeeNumber | userDepartment | userOrganization | userManager) {
		ent := map[string]any{}
		if want.has(userEmployeeNumber) && m.EmployeeNumber != "" {
			ent["employeeNumber"] = m.EmployeeNumber
		}
		if want.has(userDepartment) && !m.Primary.IsZero() {
			ent["department"] = s.NodeName(m.Primary, language.Und)
		}
		// The organization is always shown, derived or not: an explicit organization equal
		// to the derived one stays derived, and must still read back as it was sent.
		if want.has(userOrganization) {
			if org := s.AffiliatedOrganization(m); !org.IsZero() {
				ent["organization"] = s.NodeName(org, language.Und)
			}
		}
		if want.has(userManager) && !m.ReportingManager.IsZero() {
			mgr := map[string]any{"value": m.ReportingManager.String(), "$ref": rq.base + "/Users/" + m.ReportingManager.String()}
			if n := s.MemberName(m.ReportingManager, language.Und); n != "" {
				mgr["displayName"] = n
			}
			ent["manager"] = mgr
		}
		if len(ent) > 0 {
			res[EnterpriseUserSchema] = ent
		}
	}
	if c := rq.opts.Custom; want.has(userCustom) && c != nil && c.Render != nil {
		if ext := c.Render(m.Clone()); len(ext) > 0 {
			res[c.Schema] = ext
			if want.has(userSchemas) {
				res["schemas"] = append(res["schemas"].([]any), c.Schema)
			}
		}
	}
	if want.has(userGroups) {
		if groups := rq.userGroups(s, m); len(groups) > 0 {
			res["groups"] = groups
		}
	}
	if want.has(userMeta) {
		res["meta"] = rq.resourceMeta("User", "/Users/"+m.ID.String(), createdAt(m.ID.UUID()), t)
	}
	return res
}

// userGroups lists the groups a member belongs to (read-only in SCIM: membership
// changes through the Groups).
func (rq *request) userGroups(s *directory.Snapshot, m *member.Member) []any {
	var out []any
	if rq.opts.Groups == GroupsAsRoles {
		admin := s.Settings().AdminRole
		for _, r := range s.Assignment(m.ID).Roles {
			if r == admin {
				continue
			}
			if ro, ok := s.Role(r); ok && ro.Status == orgkit.Active {
				out = append(out, map[string]any{"value": r.String(), "display": ro.Name.Default,
					"$ref": rq.base + "/Groups/" + r.String(), "type": "direct"})
			}
		}
		return out
	}
	for _, n := range m.Affiliations() {
		if node, ok := s.Node(n); ok && node.Kind == orgtree.Department && node.Status == orgkit.Active {
			out = append(out, map[string]any{"value": n.String(), "display": node.Name.Default,
				"$ref": rq.base + "/Groups/" + n.String(), "type": "direct"})
		}
	}
	return out
}

// resourceMeta renders the meta attribute.
func (rq *request) resourceMeta(kind, path string, created time.Time, t touch) map[string]any {
	mod := t.at
	if mod.IsZero() || mod.Before(created) {
		mod = created
	}
	meta := map[string]any{"resourceType": kind, "created": created.UTC().Format(time.RFC3339Nano),
		"lastModified": mod.UTC().Format(time.RFC3339Nano), "location": rq.base + path}
	if t.version > 0 {
		meta["version"] = etag(t.version)
	}
	return meta
}

// userName is the member's SCIM userName: the login account, or the system name of a
// member that has none.
func userName(m *member.Member) string {
	if m.LoginAccount != "" {
		return m.LoginAccount
	}
	return m.SystemName.Default
}

// asWritten returns the form a provider wrote a normalized value in, while that form
// still normalizes to the stored value; else the stored value.
func asWritten(s *directory.Snapshot, m *member.Member, f member.Field, stored, written string) string {
	if written == "" || written == stored {
		return stored
	}
	if o, ok := s.Shared().MemberBy(f, written); ok && o.ID == m.ID {
		return written
	}
	return stored
}

// parseUser reads a User resource. base is the resource the request started from (the
// current rendering for PATCH, nil for POST and PUT): an enterprise attribute present
// in base and absent from res was removed, and is cleared.
func (rq *request) parseUser(res, base map[string]any) (*userInput, error) {
	in := &userInput{}
	m := &in.m
	var err error
	str := func(key string) string {
		if err != nil {
			return ""
		}
		var s string
		s, err = stringAttr(res, key)
		return s
	}
	m.LoginAccount = str("userName")
	m.ExternalID = str("externalId")
	m.FullName = str("displayName")
	m.JobTitle = str("title")
	m.Language = str("preferredLanguage")
	m.TimeZone = str("timezone")
	if err != nil {
		return nil, err
	}
	if v, ok := getKey(res, "name"); ok && v != nil {
		name, ok := v.(map[string]any)
		if !ok {
			return nil, Errorf(http.StatusBadRequest, ErrorInvalidValue, "name must be an object")
		}
		if m.GivenName, err = stringAttr(name, "givenName"); err != nil {
			return nil, err
		}
		if m.FamilyName, err = stringAttr(name, "familyName"); err != nil {
			return nil, err
		}
	}
	if v, ok := getKey(res, "active"); ok && v != nil {
		b, ok := boolValue(v)
		if !ok {
			return nil, Errorf(http.StatusBadRequest, ErrorInvalidValue, "active must be a boolean, not %s", show(v))
		}
		in.active = &b
	}
	email, err := pick(res, "emails", "work")
	if err != nil {
		return nil, err
	}
	m.Email, m.EmailAsWritten = email, email
	mobile, err := pick(res, "phoneNumbers", "mobile")
	if err != nil {
		return nil, err
	}
	m.Mobile, m.MobileAsWritten = mobile, mobile
	if m.OfficePhone, err = typed(res, "phoneNumbers", "work"); err != nil {
		return nil, err
	}
	ent, err := objectAttr(res, EnterpriseUserSchema)
	if err != nil {
		return nil, err
	}
	baseEnt, _ := objectAttr(base, EnterpriseUserSchema)
	if m.EmployeeNumber, err = stringAttr(ent, "employeeNumber"); err != nil {
		return nil, err
	}
	relation := func(key string) (*string, error) {
		v, ok := getKey(ent, key)
		if !ok {
			if _, had := getKey(baseEnt, key); had && base != nil {
				empty := ""
				return &empty, nil
			}
			return nil, nil
		}
		if o, isObj := v.(map[string]any); isObj {
			v, _ = getKey(o, "value")
		}
		s := ""
		if v != nil {
			var ok bool
			if s, ok = v.(string); !ok {
				return nil, Errorf(http.StatusBadRequest, ErrorInvalidValue, "%s must be a string, not %s", key, show(v))
			}
		}
		s = strings.TrimSpace(s)
		return &s, nil
	}
	if in.department, err = relation("department"); err != nil {
		return nil, err
	}
	if in.organization, err = relation("organization"); err != nil {
		return nil, err
	}
	if in.manager, err = relation("manager"); err != nil {
		return nil, err
	}
	if c := rq.opts.Custom; c != nil && c.Schema != "" {
		v, ok := getKey(res, c.Schema)
		if ok && v != nil {
			obj, isObj := v.(map[string]any)
			if !isObj {
				return nil, Errorf(http.StatusBadRequest, ErrorInvalidValue, "%s must be an object", c.Schema)
			}
			in.custom, in.customGiven = obj, true
		} else if _, had := getKey(base, c.Schema); had {
			in.custom, in.customGiven = map[string]any{}, true
		}
	}
	return in, nil
}

// pick returns the value of the multi-valued attribute's entry of the type; with no
// such entry, the primary entry's, or the only entry's when it has no type.
func pick(res map[string]any, attr, typ string) (string, error) {
	v, err := typed(res, attr, typ)
	if err != nil || v != "" {
		return v, err
	}
	list, err := entries(res, attr)
	if err != nil {
		return "", err
	}
	for _, e := range list {
		if p, _ := getKey(e, "primary"); p != nil {
			if b, _ := boolValue(p); b {
				if t, _ := stringAttr(e, "type"); t == "" || strings.EqualFold(t, typ) || attr == "emails" {
					return stringAttr(e, "value")
				}
			}
		}
	}
	if len(list) == 1 {
		if t, _ := stringAttr(list[0], "type"); t == "" || (attr == "emails" && !strings.EqualFold(t, "home")) {
			return stringAttr(list[0], "value")
		}
	}
	return "", nil
}

// typed returns the value of the multi-valued attribute's entry of the type, "" when
// there is none.
func typed(res map[string]any, attr, typ string) (string, error) {
	list, err := entries(res, attr)
	if err != nil {
		return "", err
	}
	for _, e := range list {
		if t, _ := stringAttr(e, "type"); strings.EqualFold(t, typ) {
			return stringAttr(e, "value")
		}
	}
	return "", nil
}

// entries returns the objects of a multi-valued attribute.
func entries(res map[string]any, attr string) ([]map[string]any, error) {
	v, ok := getKey(res, attr)
	if !ok || v == nil {
		return nil, nil
	}
	list, ok := v.([]any)
	if !ok {
		return nil, Errorf(http.StatusBadRequest, ErrorInvalidValue, "%s must be a list", attr)
	}
	out := make([]map[string]any, 0, len(list))
	for _, e := range list {
		o, ok := e.(map[string]any)
		if !ok {
			return nil, Errorf(http.StatusBadRequest, ErrorInvalidValue, "each of %s must be an object", attr)
		}
		out = append(out, o)
	}
	return out, nil
}

// getKey returns obj's value under key, compared case-insensitively.
func getKey(obj map[string]any, key string) (any, bool) {
	if obj == nil {
		return nil, false
	}
	if v, ok := obj[key]; ok {
		return v, true
	}
	for k, v := range obj {
		if strings.EqualFold(k, key) {
			return v, true
		}
	}
	return nil, false
}

// stringAttr returns a string attribute ("" when absent or null).
func stringAttr(obj map[string]any, key string) (string, error) {
	v, ok := getKey(obj, key)
	if !ok || v == nil {
		return "", nil
	}
	switch x := v.(type) {
	case string:
		return x, nil
	case json.Number:
		return x.String(), nil
	}
	return "", Errorf(http.StatusBadRequest, ErrorInvalidValue, "%s must be a string, not %s", key, show(v))
}

// objectAttr returns an object attribute (nil when absent or null).
func objectAttr(obj map[string]any, key string) (map[string]any, error) {
	v, ok := getKey(obj, key)
	if !ok || v == nil {
		return nil, nil
	}
	o, ok := v.(map[string]any)
	if !ok {
		return nil, Errorf(http.StatusBadRequest, ErrorInvalidValue, "%s must be an object", key)
	}
	return o, nil
}

// boolValue reads a boolean, accepting the strings "true" and "false" in any case
// (Entra ID sends "False").
func boolValue(v any) (bool, bool) {
	switch x := v.(type) {
	case bool:
		return x, true
	case string:
		b, err := strconv.ParseBool(strings.ToLower(strings.TrimSpace(x)))
		return b, err == nil
	}
	return false, false
}

// show renders a JSON value for an error message, cut short.
func show(v any) string {
	b, _ := json.Marshal(v)
	s := string(b)
	if len(s) > 64 {
		s = s[:61] + "..."
	}
	return s
}

// plan turns a User's input into the commands that make member cur (nil for a new
// member with ID id) what the input asks. replace says whether absent plain
// attributes clear their fields (PUT, PATCH) or are simply not set (POST).
func (rq *request) planUser(s *directory.Snapshot, cur *member.Member, id orgkit.MemberID, in *userInput) ([]orgkit.Command, error) {
	want := in.m
	if cur == nil && want.LoginAccount == "" {
		return nil, Errorf(http.StatusBadRequest, ErrorInvalidValue, "userName is required")
	}
	var cmds []orgkit.Command
	var fields []member.Field
	if cur == nil {
		want.ID = id
		want.SystemName = orgkit.Name(freeSystemName(s, want.LoginAccount, want.ExternalID))
		want.LoginMethod = member.LoginByAccount
		if in.active != nil && !*in.active {
			want.Status = orgkit.Inactive
		}
	} else {
		fields = rq.changedFields(s, cur, &want)
		if cur.Deprovisioned {
			fields = append(fields, member.DeprovisionedField)
			want.Deprovisioned = false
		}
	}
	target := &want
	if cur != nil {
		target = cur.Clone()
		for _, f := range fields {
			f.Copy(target, &want)
		}
	}
	// The host's own attributes.
	if c := rq.opts.Custom; c != nil && c.Apply != nil && (in.customGiven || cur == nil) {
		before := target.Clone()
		set, err := c.Apply(target, in.custom)
		if err != nil {
			return nil, Errorf(http.StatusBadRequest, ErrorInvalidValue, "%s: %v", c.Schema, err)
		}
		for _, f := range set {
			if cur == nil || !f.Equal(before, target) {
				f.Copy(&want, target)
				fields = append(fields, f)
			}
		}
	}
	// The department: a department of that name under the root, made when missing.
	var primary *member.SetDepartments
	if in.department != nil {
		dept, create, err := rq.departmentByName(s, *in.department)
		if err != nil {
			return nil, err
		}
		if create != nil {
			cmds = append(cmds, *create)
		}
		if cur == nil {
			want.Primary = dept
		} else if cur.Primary != dept {
			// SetDepartments, not a field edit: a secondary department that becomes
			// the primary one leaves the secondary ones.
			primary = &member.SetDepartments{Members: []orgkit.MemberID{cur.ID}, SetPrimary: true, Primary: dept}
		}
	}
	if in.organization != nil {
		org, err := organizationByName(s, *in.organization)
		if err != nil {
			return nil, err
		}
		if cur == nil {
			want.AffiliatedOrganization = org
		} else if cur.AffiliatedOrganization != org {
			want.AffiliatedOrganization = org
			fields = append(fields, member.AffiliatedOrganizationField)
		}
	}
	var mgr *orgkit.MemberID
	if in.manager != nil {
		var mid orgkit.MemberID
		if *in.manager != "" {
			var err error
			if mid, err = orgkit.ParseMemberID(*in.manager); err != nil {
				return nil, Errorf(http.StatusBadRequest, ErrorInvalidValue, "manager %q is not the id of a User", *in.manager)
			}
			if o, ok := s.Shared().Member(mid); !ok || o.Deprovisioned {
				return nil, Errorf(http.StatusBadRequest, ErrorInvalidValue, "manager %q is not the id of a User", *in.manager)
			}
		}
		if cur == nil {
			want.ReportingManager = mid
		} else if cur.ReportingManager != mid {
			mgr = &mid
		}
	}
	if cur == nil {
		cmds = append(cmds, member.Create(want))
		return cmds, nil
	}
	if len(fields) > 0 {
		cmds = append(cmds, member.Update{ID: cur.ID, Fields: fields, Value: want})
	}
	if primary != nil {
		cmds = append(cmds, *primary)
	}
	if mgr != nil {
		cmds = append(cmds, member.SetReportingManager{Members: []orgkit.MemberID{cur.ID}, Manager: *mgr})
	}
	if in.active != nil {
		switch {
		case *in.active && cur.Status != orgkit.Active:
			cmds = append(cmds, member.Activate{Members: []orgkit.MemberID{cur.ID}})
		case !*in.active && cur.Status == orgkit.Active:
			cmds = append(cmds, member.Deactivate{Members: []orgkit.MemberID{cur.ID}})
		}
	}
	return cmds, nil
}

// changedFields returns the plain fields in which want differs from cur, comparing
// normalized values as the directory stores them: a mobile or email written in
// another form of the same value is no change (only its written form is noted).
func (rq *request) changedFields(s *directory.Snapshot, cur, want *member.Member) []member.Field {
	var out []member.Field
	sh := s.Shared()
	for _, f := range plainFields {
		switch f {
		case member.EmailAsWrittenField, member.MobileAsWrittenField:
			continue
		case member.EmailField, member.MobileField:
			stored, written, wantV := cur.Email, cur.EmailAsWritten, want.Email
			wf := member.EmailAsWrittenField
			if f == member.MobileField {
				stored, written, wantV, wf = cur.Mobile, cur.MobileAsWritten, want.Mobile, member.MobileAsWrittenField
			}
			if wantV == "" {
				if stored != "" {
					out = append(out, f)
				}
				if written != "" {
					out = append(out, wf)
				}
				continue
			}
			same := wantV == stored
			if !same {
				o, ok := sh.MemberBy(f, wantV)
				same = ok && o.ID == cur.ID
			}
			if !same {
				out = append(out, f)
			}
			if wantV != written {
				out = append(out, wf)
			}
		default:
			if !f.Equal(cur, want) && strings.TrimSpace(fieldText(f, want)) != fieldText(f, cur) {
				out = append(out, f)
			}
		}
	}
	return out
}

// fieldText returns a plain text field's value.
func fieldText(f member.Field, m *member.Member) string {
	switch f {
	case member.LoginAccountField:
		return m.LoginAccount
	case member.GivenNameField:
		return m.GivenName
	case member.FamilyNameField:
		return m.FamilyName
	case member.FullNameField:
		return m.FullName
	case member.OfficePhoneField:
		return m.OfficePhone
	case member.JobTitleField:
		return m.JobTitle
	case member.LanguageField:
		return m.Language
	case member.TimeZoneField:
		return m.TimeZone
	case member.ExternalIDField:
		return m.ExternalID
	case member.EmployeeNumberField:
		return m.EmployeeNumber
	}
	return ""
}

// freeSystemName returns the system name of a new member: the userName, or, when
// another member holds it, the userName with a suffix.
func freeSystemName(s *directory.Snapshot, name, ext string) string {
	sh := s.Shared()
	if _, taken := sh.MemberBy(member.SystemNameField, name); !taken {
		return name
	}
	for n := 1; n < 1000; n++ {
		c := member.SuffixedSystemName(name, ext, n)
		if _, taken := sh.MemberBy(member.SystemNameField, c); !taken {
			return c
		}
	}
	return member.SuffixedSystemName(name, orgkit.NewMemberID().String(), 1)
}

// departmentByName returns the active department named name directly under the
// root, or a command creating it when there is none ("" is no department).
func (rq *request) departmentByName(s *directory.Snapshot, name string) (orgkit.NodeID, *orgtree.Create, error) {
	if name == "" {
		return orgkit.NodeID{}, nil, nil
	}
	if n, ok := childByName(s, s.Root(), name); ok {
		if n.Status != orgkit.Active {
			return orgkit.NodeID{}, nil, Errorf(http.StatusBadRequest, ErrorInvalidValue, "department %q is inactive", name)
		}
		return n.ID, nil, nil
	}
	id := orgkit.NewNodeID()
	return id, &orgtree.Create{ID: id, Parent: s.Root(), Kind: orgtree.Department, Name: orgkit.Name(name)}, nil
}

// childByName finds the child department of parent with the name, compared as
// sibling names are (case and width folded).
func childByName(s *directory.Snapshot, parent orgkit.NodeID, name string) (*orgtree.Node, bool) {
	key := foldName(name)
	for n := range s.Shared().Tree().Children(parent) {
		if n.Kind == orgtree.Department && n.Status != orgkit.Retired && foldName(n.Name.Default) == key {
			return n, true
		}
	}
	return nil, false
}

// foldName compares names loosely: case folded, white space collapsed.
func foldName(s string) string { return strings.ToLower(strings.Join(strings.Fields(s), " ")) }

// organizationByName returns the organization (or the company root) with the name.
func organizationByName(s *directory.Snapshot, name string) (orgkit.NodeID, error) {
	if name == "" {
		return orgkit.NodeID{}, nil
	}
	key := foldName(name)
	for n := range s.Shared().Tree().Subtree(s.Root()) {
		if (n.Kind == orgtree.Organization || n.Kind == orgtree.Company) && n.Status == orgkit.Active && foldName(n.Name.Default) == key {
			return n.ID, nil
		}
	}
	return orgkit.NodeID{}, Errorf(http.StatusBadRequest, ErrorInvalidValue, "organization %q is not an organization of the directory", name)
}

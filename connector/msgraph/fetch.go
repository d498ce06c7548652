package msgraph

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/connector"
	"github.com/orgkit/orgkit/connector/internal/apicall"
	"github.com/orgkit/orgkit/member"
	"github.com/orgkit/orgkit/orgtree"
)

// baseFields are the member fields the client maps from Graph's user properties.
var baseFields = []member.Field{member.FullNameField, member.EmailField, member.MobileField, member.OfficePhoneField,
	member.JobTitleField, member.EmployeeNumberField, member.HireDateField, member.LanguageField, member.SSOAccountField,
	member.PrimaryDepartmentField, member.ReportingManagerField}

// declaredFields are the fields a client owns: the base ones and those
// ExtensionAttributes maps onto.
func declaredFields(ext map[string]member.Field) (connector.Fields, []extAttr, error) {
	f := connector.Fields{Member: slices.Clone(baseFields), Node: []orgtree.Field{orgtree.NameField, orgtree.ParentField}}
	var bad []string
	var out []extAttr
	for name, fd := range ext {
		n, err := strconv.Atoi(strings.TrimPrefix(name, "extensionAttribute"))
		switch {
		case !strings.HasPrefix(name, "extensionAttribute") || err != nil || n < 1 || n > 15 || name != "extensionAttribute"+strconv.Itoa(n):
			bad = append(bad, strconv.Quote(name)+" (not extensionAttribute1 … extensionAttribute15)")
			continue
		case !apicall.TextField(fd) || slices.Contains(baseFields, fd):
			bad = append(bad, strconv.Quote(name)+" → "+fd.String()+" (only text fields and dates the user properties do not give)")
			continue
		}
		out = append(out, extAttr{name: name, field: fd})
		if !slices.Contains(f.Member, fd) {
			f.Member = append(f.Member, fd)
		}
	}
	if len(bad) > 0 {
		slices.Sort(bad)
		return connector.Fields{}, nil, fmt.Errorf("msgraph: ExtensionAttributes cannot map %s: %w", strings.Join(bad, ", "), orgkit.ErrInvalid)
	}
	slices.SortFunc(out, func(a, b extAttr) int { return strings.Compare(a.name, b.name) })
	return f, out, f.Validate()
}

// User is a Microsoft Graph user as Options.Exclude sees it. In a delta, properties
// that did not change may be missing (empty).
type User struct {
	ID                string
	DisplayName       string
	UserPrincipalName string
	Mail              string
	UserType          string // "Member" or "Guest"
	JobTitle          string
	Department        string
	CompanyName       string
	EmployeeID        string
	AccountEnabled    bool
}

// opt is a property of a Graph answer: Set when the answer had it (null included),
// V its value (zero for null).
type opt[T any] struct {
	Set bool
	V   T
}

// UnmarshalJSON records that the property was there.
func (o *opt[T]) UnmarshalJSON(b []byte) error {
	o.Set = true
	if string(b) == "null" {
		var zero T
		o.V = zero
		return nil
	}
	return json.Unmarshal(b, &o.V)
}

// ref is a directory object reference: {"@odata.type", "id"}, "@removed" in deltas.
type ref struct {
	ID      string          `json:"id"`
	Removed json.RawMessage `json:"@removed"`
}

// apiUser is a user as /users and /users/delta give it.
type apiUser struct {
	ID                string                  `json:"id"`
	Removed           json.RawMessage         `json:"@removed"`
	DisplayName       opt[string]             `json:"displayName"`
	Mail              opt[string]             `json:"mail"`
	UserPrincipalName opt[string]             `json:"userPrincipalName"`
	MobilePhone       opt[string]             `json:"mobilePhone"`
	BusinessPhones    opt[[]string]           `json:"businessPhones"`
	JobTitle          opt[string]             `json:"jobTitle"`
	Department        opt[string]             `json:"department"`
	CompanyName       opt[string]             `json:"companyName"`
	EmployeeID        opt[string]             `json:"employeeId"`
	EmployeeHireDate  opt[string]             `json:"employeeHireDate"`
	AccountEnabled    opt[*bool]              `json:"accountEnabled"`
	UserType          opt[string]             `json:"userType"`
	PreferredLanguage opt[string]             `json:"preferredLanguage"`
	ExtensionAttrs    opt[map[string]*string] `json:"onPremisesExtensionAttributes"`
	Manager           opt[*ref]               `json:"manager"`
	ManagerDelta      opt[[]ref]              `json:"manager@delta"`
}

func (u *apiUser) view() User {
	v := User{ID: u.ID, DisplayName: u.DisplayName.V, UserPrincipalName: u.UserPrincipalName.V, Mail: u.Mail.V, UserType: u.UserType.V,
		JobTitle: u.JobTitle.V, Department: u.Department.V, CompanyName: u.CompanyName.V, EmployeeID: u.EmployeeID.V}
	v.AccountEnabled = u.AccountEnabled.V == nil || *u.AccountEnabled.V
	return v
}

// page is one page of a collection.
type page[T any] struct {
	Value     []T    `json:"value"`
	NextLink  string `json:"@odata.nextLink"`
	DeltaLink string `json:"@odata.deltaLink"`
}

// selectList is the $select of user reads.
func (c *Client) selectList() string {
	s := "id,displayName,mail,userPrincipalName,mobilePhone,businessPhones,jobTitle,department,employeeId,employeeHireDate," +
		"accountEnabled,userType,preferredLanguage"
	if c.opts.CompanyLevel {
		s += ",companyName"
	}
	if len(c.ext) > 0 {
		s += ",onPremisesExtensionAttributes"
	}
	return s
}

func (c *Client) pageSize() string {
	if c.opts.PageSize > 0 {
		return strconv.Itoa(c.opts.PageSize)
	}
	return "999"
}

// query encodes OData options, keeping "$" and "," readable as Graph's own links do.
func query(kv ...string) string {
	var b strings.Builder
	for i := 0; i+1 < len(kv); i += 2 {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(kv[i])
		b.WriteByte('=')
		b.WriteString(strings.NewReplacer("%24", "$", "%2C", ",", "%28", "(", "%29", ")", "%3D", "=").Replace(url.QueryEscape(kv[i+1])))
	}
	return b.String()
}

// Fetch implements connector.Source. It pages /users (explicit $select, the manager
// expanded, $top as Options.PageSize) by @odata.nextLink until the last page, leaves
// out guests, the users Options.Exclude names and, with Options.Group, everyone
// outside the group, and derives the departments from the users' department (and,
// with Options.CompanyLevel, companyName) strings. Before reading, it takes the
// delta query's current position ($deltatoken=latest) as the snapshot's Cursor, so
// that a delta sync from it sees every change made since (some twice, which is
// harmless). Any failed page fails the fetch.
func (c *Client) Fetch(ctx context.Context) (*connector.Snapshot, error) {
	snap := &connector.Snapshot{DerivedDepartments: true}
	var inGroup map[string]bool
	if c.opts.Group != "" {
		var err error
		if inGroup, err = c.groupMembers(ctx); err != nil {
			return nil, err
		}
	} else {
		link, err := c.latestDelta(ctx)
		if err != nil {
			return nil, err
		}
		snap.Cursor = link
	}
	next := "/v1.0/users?" + query("$select", c.selectList(), "$expand", "manager($select=id)", "$top", c.pageSize())
	depts := newDepartments()
	for next != "" {
		var p page[apiUser]
		if err := c.get(ctx, "/v1.0/users", next, &p); err != nil {
			return nil, err
		}
		for i := range p.Value {
			u := &p.Value[i]
			if u.ID == "" || c.skip(u) || inGroup != nil && !inGroup[u.ID] {
				continue
			}
			snap.Members = append(snap.Members, c.member(u, true, depts))
		}
		next = p.NextLink
	}
	snap.Departments = depts.list()
	return snap, nil
}

// skip reports whether the user stays out of the directory: a guest, or one the
// host excludes.
func (c *Client) skip(u *apiUser) bool {
	if strings.EqualFold(u.UserType.V, "Guest") {
		return true
	}
	return c.opts.Exclude != nil && c.opts.Exclude(u.view())
}

// groupMembers reads the IDs of the users in the group, nested groups included.
func (c *Client) groupMembers(ctx context.Context) (map[string]bool, error) {
	out := map[string]bool{}
	next := "/v1.0/groups/" + url.PathEscape(c.opts.Group) + "/transitiveMembers/microsoft.graph.user?" + query("$select", "id", "$top", c.pageSize())
	for next != "" {
		var p page[ref]
		if err := c.get(ctx, "/v1.0/groups/{id}/transitiveMembers", next, &p); err != nil {
			return nil, err
		}
		for _, r := range p.Value {
			out[r.ID] = true
		}
		next = p.NextLink
	}
	return out, nil
}

// latestDelta returns a delta link for the users as they are now.
func (c *Client) latestDelta(ctx context.Context) (string, error) {
	next := "/v1.0/users/delta?" + query("$select", c.selectList()+",manager", "$deltatoken", "latest")
	for hops := 0; next != ""; hops++ {
		var p page[json.RawMessage]
		if err := c.get(ctx, "/v1.0/users/delta", next, &p); err != nil {
			return "", unexpired(err)
		}
		if p.DeltaLink != "" {
			return p.DeltaLink, nil
		}
		next = p.NextLink
	}
	return "", &connector.PlatformError{Platform: orgkit.Teams, Op: "/v1.0/users/delta", Message: "no delta link in the answer", Kind: connector.ErrPlatform}
}

// unexpired turns an expired-link answer outside FetchChanges into a plain error.
func unexpired(err error) error {
	var pe *connector.PlatformError
	if errors.Is(err, errExpired) && errors.As(err, &pe) {
		return pe
	}
	return err
}

// FetchChanges implements connector.DeltaSource: it follows the delta link (the
// cursor of an earlier Fetch or FetchChanges) and its next links to the new delta
// link, which becomes the snapshot's Cursor. Users deleted (@removed), turned guest
// or excluded are in RemovedMembers; the others carry the properties the answer
// has (a property missing from it is left as it is); a manager change comes as
// manager@delta. A user listed on several pages is merged. An expired delta link
// (HTTP 400 syncStateNotFound, or 410), or a cursor that is not a delta link of
// this client's Graph host, gives an error matching connector.ErrCursorExpired, and
// the sync falls back to a full fetch. With Options.Group every cursor is expired.
func (c *Client) FetchChanges(ctx context.Context, cursor string) (*connector.Snapshot, error) {
	if c.opts.Group != "" {
		return nil, fmt.Errorf("msgraph: a client limited to a group reads everything (the delta query cannot follow group membership): %w",
			connector.ErrCursorExpired)
	}
	if u, err := url.Parse(cursor); err != nil || c.onGraph(cursor) != nil || !strings.HasSuffix(u.Path, "/users/delta") {
		return nil, fmt.Errorf("msgraph: cursor is not a users delta link of %s: %w", c.graph, connector.ErrCursorExpired)
	}
	merged := map[string]map[string]json.RawMessage{}
	var order []string
	next := cursor
	snap := &connector.Snapshot{Delta: true, DerivedDepartments: true}
	for next != "" {
		var p page[map[string]json.RawMessage]
		if err := c.get(ctx, "/v1.0/users/delta", next, &p); err != nil {
			if errors.Is(err, errExpired) {
				return nil, fmt.Errorf("msgraph: %w: %w", connector.ErrCursorExpired, err)
			}
			return nil, err
		}
		for _, item := range p.Value {
			var id string
			if json.Unmarshal(item["id"], &id) != nil || id == "" {
				continue
			}
			m, ok := merged[id]
			if !ok {
				m = map[string]json.RawMessage{}
				merged[id] = m
				order = append(order, id)
			}
			if _, removed := item["@removed"]; !removed {
				delete(m, "@removed") // restored after a removal
			}
			for k, v := range item {
				m[k] = v
			}
		}
		next = p.NextLink
		if p.DeltaLink != "" {
			snap.Cursor = p.DeltaLink
		}
	}
	if snap.Cursor == "" {
		return nil, &connector.PlatformError{Platform: orgkit.Teams, Op: "/v1.0/users/delta", Message: "no delta link in the answer", Kind: connector.ErrPlatform}
	}
	depts := newDepartments()
	for _, id := range order {
		b, _ := json.Marshal(merged[id])
		var u apiUser
		if err := json.Unmarshal(b, &u); err != nil {
			return nil, &connector.PlatformError{Platform: orgkit.Teams, Op: "/v1.0/users/delta", Message: "unexpected user " + strconv.Quote(id) + ": " + err.Error(),
				Kind: connector.ErrPlatform}
		}
		if len(u.Removed) > 0 || c.skip(&u) {
			snap.RemovedMembers = append(snap.RemovedMembers, id)
			continue
		}
		snap.Members = append(snap.Members, c.member(&u, false, depts))
	}
	snap.Departments = depts.list()
	return snap, nil
}

// member maps a Graph user (see the package documentation for the table). In a
// full read (full) the manager and the department are always given (absent: none).
func (c *Client) member(u *apiUser, full bool, depts *departments) connector.Member {
	v := &member.Member{}
	m := connector.Member{ExternalID: u.ID, Values: v}
	text := func(p opt[string], f member.Field, set func(string)) {
		if p.Set {
			set(strings.TrimSpace(p.V))
			m.Present = append(m.Present, f)
		}
	}
	text(u.DisplayName, member.FullNameField, func(s string) { v.FullName = s })
	text(u.Mail, member.EmailField, func(s string) { v.Email = s })
	text(u.MobilePhone, member.MobileField, func(s string) { v.Mobile = s })
	text(u.JobTitle, member.JobTitleField, func(s string) { v.JobTitle = s })
	text(u.EmployeeID, member.EmployeeNumberField, func(s string) { v.EmployeeNumber = s })
	text(u.UserPrincipalName, member.SSOAccountField, func(s string) { v.SSOAccount = s })
	text(u.PreferredLanguage, member.LanguageField, func(s string) { v.Language = s })
	if u.BusinessPhones.Set {
		if len(u.BusinessPhones.V) > 0 {
			v.OfficePhone = strings.TrimSpace(u.BusinessPhones.V[0])
		}
		m.Present = append(m.Present, member.OfficePhoneField)
	}
	if u.EmployeeHireDate.Set {
		if d, ok := c.hireDate(u.EmployeeHireDate.V); ok {
			v.HireDate = d
			m.Present = append(m.Present, member.HireDateField)
		}
	}
	if u.ExtensionAttrs.Set && len(c.ext) > 0 {
		for _, e := range c.ext {
			var s string
			if p := u.ExtensionAttrs.V[e.name]; p != nil {
				s = strings.TrimSpace(*p)
			}
			if apicall.SetText(v, e.field, s) && !m.Has(e.field) {
				m.Present = append(m.Present, e.field)
			}
		}
	}
	// the department
	company, dept := u.CompanyName, u.Department
	if full {
		company.Set, dept.Set = true, true
	}
	if dept.Set && (company.Set || !c.opts.CompanyLevel) {
		if !c.opts.CompanyLevel {
			company = opt[string]{}
		}
		if ext := depts.add(strings.TrimSpace(company.V), strings.TrimSpace(dept.V)); ext != "" {
			m.Departments = []string{ext}
		}
		m.Present = append(m.Present, member.PrimaryDepartmentField)
	}
	// the manager
	switch {
	case u.ManagerDelta.Set:
		for _, r := range u.ManagerDelta.V {
			if len(r.Removed) == 0 && r.ID != "" {
				m.Manager = r.ID
			} else if r.ID == m.Manager {
				m.Manager = ""
			}
		}
		m.Present = append(m.Present, member.ReportingManagerField)
	case u.Manager.Set || full:
		if u.Manager.V != nil {
			m.Manager = u.Manager.V.ID
		}
		m.Present = append(m.Present, member.ReportingManagerField)
	}
	switch {
	case u.AccountEnabled.Set && u.AccountEnabled.V != nil && !*u.AccountEnabled.V:
		m.Status = connector.Disabled
	case u.AccountEnabled.Set && u.AccountEnabled.V != nil:
		m.Status = connector.Enabled
	default:
		m.StatusAbsent = true
	}
	return m
}

// hireDate reads employeeHireDate (an ISO 8601 instant) as a calendar date; null
// is no date.
func (c *Client) hireDate(s string) (member.Date, bool) {
	if s == "" {
		return member.Date{}, true
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return member.Date{}, false
	}
	loc := c.opts.HireDateLocation
	if loc == nil {
		loc = time.UTC
	}
	return member.DateOf(t.In(loc)), true
}

// departments collects the departments derived from the users' strings, by
// external ID.
type departments struct {
	byID  map[string]connector.Department
	known map[[2]string]string // (company, department) → external ID
}

func newDepartments() *departments {
	return &departments{byID: map[string]connector.Department{}, known: map[[2]string]string{}}
}

// add records the department of a user with the company and department strings
// and returns its external ID ("" for the root: neither string).
func (ds *departments) add(company, dept string) string {
	if ext, ok := ds.known[[2]string{company, dept}]; ok {
		return ext
	}
	ext := ds.derive(company, dept)
	ds.known[[2]string{company, dept}] = ext
	return ext
}

func (ds *departments) derive(company, dept string) string {
	d := ds.byID
	var parent string
	if company != "" {
		parent = CompanyID(company)
		if _, ok := d[parent]; !ok {
			d[parent] = connector.Department{ExternalID: parent, Name: orgkit.Name(company),
				Present: []orgtree.Field{orgtree.NameField, orgtree.ParentField}}
		}
	}
	if dept == "" {
		return parent
	}
	ext := DepartmentID(company, dept)
	if _, ok := d[ext]; !ok {
		d[ext] = connector.Department{ExternalID: ext, Parent: parent, Name: orgkit.Name(dept),
			Present: []orgtree.Field{orgtree.NameField, orgtree.ParentField}}
	}
	return ext
}

// list returns the departments sorted by external ID.
func (ds *departments) list() []connector.Department {
	out := make([]connector.Department, 0, len(ds.byID))
	for _, x := range ds.byID {
		out = append(out, x)
	}
	slices.SortFunc(out, func(a, b connector.Department) int { return strings.Compare(a.ExternalID, b.ExternalID) })
	return out
}

// CompanyID is the external ID of the department derived from a companyName
// (Options.CompanyLevel): "company:" and the name.
func CompanyID(company string) string { return derivedID("company:" + escape(company)) }

// DepartmentID is the external ID of the department derived from a user's
// department string, under the company (its companyName with
// Options.CompanyLevel, else ""): "department:" and the department's name, or
// "department:<company>/<department>" with a company. "%" and "/" in the company
// are escaped as %25 and %2F; an ID that would be longer than 128 characters is
// "department:sha256:" and a hash.
func DepartmentID(company, dept string) string {
	if company == "" {
		return derivedID("department:" + dept)
	}
	return derivedID("department:" + escape(company) + "/" + dept)
}

var escaper = strings.NewReplacer("%", "%25", "/", "%2F")

func escape(s string) string { return escaper.Replace(s) }

// derivedID keeps an ID that is valid text of at most 128 characters, else hashes
// it.
func derivedID(s string) string {
	ok := len([]rune(s)) <= 128
	for _, r := range s {
		if r < ' ' || r == 0x7f || r >= 0x80 && r < 0xa0 || r >= 0x200b && r <= 0x200f || r >= 0x202a && r <= 0x202e ||
			r >= 0x2066 && r <= 0x2069 || r == 0xfeff {
			ok = false
			break
		}
	}
	if ok {
		return s
	}
	kind, _, _ := strings.Cut(s, ":")
	sum := sha256.Sum256([]byte(s))
	return kind + ":sha256:" + hex.EncodeToString(sum[:16])
}

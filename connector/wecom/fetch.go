package wecom

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/url"
	"slices"
	"strconv"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/connector"
	"github.com/orgkit/orgkit/connector/internal/apicall"
	"github.com/orgkit/orgkit/member"
	"github.com/orgkit/orgkit/orgtree"
)

// RootID is WeCom's root department, the enterprise itself.
const RootID = "1"

// baseFields are the member fields WeCom's member lists give.
var baseFields = []member.Field{member.FullNameField, member.MobileField, member.EmailField, member.JobTitleField,
	member.GenderField, member.AvatarField, member.OfficePhoneField,
	member.PrimaryDepartmentField, member.SecondaryDepartmentsField, member.ReportingManagerField}

// withholdable are the fields WeCom withholds from apps made since mid-2022 (and
// from apps without the permission): a fetch in which no member has one declares
// the app cannot see it.
var withholdable = []member.Field{member.MobileField, member.EmailField, member.GenderField, member.AvatarField}

// declaredFields are the fields a client owns: the base ones and those ExtAttrs maps
// onto, which must be fields a text can set.
func declaredFields(ext map[string]member.Field) (connector.Fields, error) {
	return apicall.OwnedFields("wecom", "ExtAttrs", baseFields, baseFields,
		[]orgtree.Field{orgtree.NameField, orgtree.ParentField, orgtree.OrderField, orgtree.ManagerField, orgtree.AssistantsField}, ext)
}

// apiDepartment is a department as department/simplelist and department/get give it.
type apiDepartment struct {
	ID       int64     `json:"id"`
	ParentID int64     `json:"parentid"`
	Order    int64     `json:"order"`
	Name     *string   `json:"name"`
	NameEn   *string   `json:"name_en"`
	Leaders  *[]string `json:"department_leader"`
}

// apiUser is a member as user/list gives it; pointers tell absent from empty.
type apiUser struct {
	UserID         string    `json:"userid"`
	Name           *string   `json:"name"`
	Department     []int64   `json:"department"`
	MainDepartment *int64    `json:"main_department"`
	Position       *string   `json:"position"`
	Mobile         *string   `json:"mobile"`
	Gender         *string   `json:"gender"`
	Email          *string   `json:"email"`
	Avatar         *string   `json:"avatar"`
	Telephone      *string   `json:"telephone"`
	IsLeaderInDept []int     `json:"is_leader_in_dept"`
	DirectLeader   *[]string `json:"direct_leader"`
	Status         int       `json:"status"`
	ExtAttr        *struct {
		Attrs []struct {
			Type int    `json:"type"`
			Name string `json:"name"`
			Text *struct {
				Value string `json:"value"`
			} `json:"text"`
		} `json:"attrs"`
	} `json:"extattr"`
}

// Fetch implements connector.Source. It lists the departments the app may see
// (department/simplelist), reads each one (department/get: names, leaders) and its
// direct members (user/list), one department after another, and merges members
// listed under several departments. A department the app may not read (60011) is
// named in Snapshot.PartialDepartments and the rest is returned; any other failure
// fails the fetch. Fields WeCom withholds from the app (mobile, email, gender, avatar
// for apps made since mid-2022) are left out of the snapshot's Fields when no member
// has them, so they stay the directory's own.
func (c *Client) Fetch(ctx context.Context) (*connector.Snapshot, error) {
	var list struct {
		Departments []apiDepartment `json:"department_id"`
	}
	if err := c.get(ctx, "/cgi-bin/department/simplelist", nil, &list); err != nil {
		return nil, err
	}
	slices.SortFunc(list.Departments, func(a, b apiDepartment) int { return int(a.ID - b.ID) })
	visible := map[int64]bool{}
	for _, d := range list.Departments {
		visible[d.ID] = true
	}
	snap := &connector.Snapshot{RootID: RootID}
	partial := map[string]bool{}
	for _, d := range list.Departments {
		if d.ID == 1 {
			continue
		}
		dep, err := c.department(ctx, d, visible)
		switch {
		case errors.Is(err, connector.ErrPermission):
			partial[dep.ExternalID] = true
		case err != nil:
			return nil, err
		}
		snap.Departments = append(snap.Departments, dep)
	}
	seen := map[string]bool{}
	for _, d := range list.Departments {
		users, err := c.users(ctx, d.ID)
		switch {
		case errors.Is(err, connector.ErrPermission):
			partial[strconv.FormatInt(d.ID, 10)] = true
			continue
		case err != nil:
			return nil, err
		}
		for _, u := range users {
			if u.UserID == "" || seen[u.UserID] {
				continue
			}
			seen[u.UserID] = true
			snap.Members = append(snap.Members, c.member(u))
		}
	}
	snap.PartialDepartments = slices.Sorted(func(yield func(string) bool) {
		for d := range partial {
			if !yield(d) {
				return
			}
		}
	})
	snap.Fields = c.visibleFields(snap.Members)
	return snap, nil
}

// FetchDepartment implements connector.DepartmentFetcher: the department's direct
// members (user/list).
func (c *Client) FetchDepartment(ctx context.Context, externalID string) ([]connector.Member, error) {
	id, err := strconv.ParseInt(externalID, 10, 64)
	if err != nil || id < 1 {
		return nil, fmt.Errorf("wecom: department ID %q is not a WeCom department ID: %w", externalID, orgkit.ErrNotFound)
	}
	users, err := c.users(ctx, id)
	if err != nil {
		return nil, err
	}
	out := make([]connector.Member, 0, len(users))
	for _, u := range users {
		if u.UserID != "" {
			out = append(out, c.member(u))
		}
	}
	return out, nil
}

// department reads one department's details. The error is the call's; the
// department is returned with what simplelist said all the same.
func (c *Client) department(ctx context.Context, d apiDepartment, visible map[int64]bool) (connector.Department, error) {
	dep := connector.Department{ExternalID: strconv.FormatInt(d.ID, 10), Parent: RootID, Order: order(d.Order),
		Present: []orgtree.Field{orgtree.ParentField, orgtree.OrderField}}
	if visible[d.ParentID] && d.ParentID != 1 {
		dep.Parent = strconv.FormatInt(d.ParentID, 10) // a parent the app cannot see: directly under the root
	}
	var got struct {
		Department apiDepartment `json:"department"`
	}
	if err := c.get(ctx, "/cgi-bin/department/get", url.Values{"id": {dep.ExternalID}}, &got); err != nil {
		return dep, err
	}
	g := got.Department
	if g.Name != nil {
		dep.Name = orgkit.Names{Default: *g.Name}
		if g.NameEn != nil && *g.NameEn != "" {
			dep.Name.ByLang = map[string]string{"en": *g.NameEn}
		}
		dep.Present = append(dep.Present, orgtree.NameField)
	}
	if g.Leaders != nil {
		dep.Leaders = slices.Clone(*g.Leaders)
		dep.Present = append(dep.Present, orgtree.ManagerField, orgtree.AssistantsField)
	}
	return dep, nil
}

// order turns WeCom's order (larger first, [0, 2^32)) into the directory's (smaller
// first).
func order(o int64) int { return int(math.MaxUint32 - min(max(o, 0), math.MaxUint32)) }

// users reads a department's direct members.
func (c *Client) users(ctx context.Context, department int64) ([]apiUser, error) {
	var out struct {
		Users []apiUser `json:"userlist"`
	}
	err := c.get(ctx, "/cgi-bin/user/list", url.Values{"department_id": {strconv.FormatInt(department, 10)}}, &out)
	return out.Users, err
}

// member maps a WeCom member (see the package documentation for the table).
func (c *Client) member(u apiUser) connector.Member {
	v := &member.Member{}
	m := connector.Member{ExternalID: u.UserID, Values: v}
	text := func(p *string, f member.Field, set func(string)) { apicall.Text(&m, p, f, set) }
	text(u.Name, member.FullNameField, func(s string) { v.FullName = s })
	text(u.Position, member.JobTitleField, func(s string) { v.JobTitle = s })
	text(u.Mobile, member.MobileField, func(s string) { v.Mobile = s })
	text(u.Email, member.EmailField, func(s string) { v.Email = s })
	text(u.Telephone, member.OfficePhoneField, func(s string) { v.OfficePhone = s })
	text(u.Avatar, member.AvatarField, func(s string) {
		if s != "" {
			v.Avatar = member.Avatar{URI: s}
		}
	})
	text(u.Gender, member.GenderField, func(s string) {
		switch s {
		case "1":
			v.Gender = member.Male
		case "2":
			v.Gender = member.Female
		}
	})
	// departments: the main one first, then the others in WeCom's order
	deps := make([]string, 0, len(u.Department))
	if u.MainDepartment != nil && slices.Contains(u.Department, *u.MainDepartment) {
		deps = append(deps, strconv.FormatInt(*u.MainDepartment, 10))
	}
	for _, d := range u.Department {
		if s := strconv.FormatInt(d, 10); !slices.Contains(deps, s) {
			deps = append(deps, s)
		}
	}
	m.Departments = deps
	m.Present = append(m.Present, member.PrimaryDepartmentField, member.SecondaryDepartmentsField)
	if len(u.IsLeaderInDept) == len(u.Department) && len(u.Department) > 0 {
		m.LeaderInPresent = true
		for i, d := range u.Department {
			if u.IsLeaderInDept[i] == 1 {
				m.LeaderIn = append(m.LeaderIn, strconv.FormatInt(d, 10))
			}
		}
	}
	if u.DirectLeader != nil {
		if len(*u.DirectLeader) > 0 {
			m.Manager = (*u.DirectLeader)[0]
		}
		m.Present = append(m.Present, member.ReportingManagerField)
	}
	if u.ExtAttr != nil {
		m.Present = append(m.Present, c.extFields()...) // given with extattr: absent attributes clear
		for _, a := range u.ExtAttr.Attrs {
			if f, ok := c.opts.ExtAttrs[a.Name]; ok && a.Type == 0 && a.Text != nil {
				if !apicall.SetText(v, f, a.Text.Value) {
					m.Present = slices.DeleteFunc(m.Present, func(x member.Field) bool { return x == f })
				}
			}
		}
	}
	switch u.Status {
	case 2:
		m.Status = connector.Disabled
	case 5:
		m.Status = connector.Resigned
	default: // 1 active, 4 not yet activated: members all the same
		m.Status = connector.Enabled
	}
	return m
}

// extFields are the distinct fields ExtAttrs maps onto, in order.
func (c *Client) extFields() []member.Field { return apicall.MappedFields(c.opts.ExtAttrs) }

// visibleFields are the client's fields without those WeCom withheld from every
// member of the fetch (which are then taken out of the members' Present).
func (c *Client) visibleFields(ms []connector.Member) connector.Fields {
	f := c.Fields()
	if len(ms) == 0 {
		return f
	}
	for _, fd := range withholdable {
		seen := false
		for i := range ms {
			if ms[i].Has(fd) && !fd.IsBlank(ms[i].Values) {
				seen = true
				break
			}
		}
		if seen {
			continue
		}
		f.Member = slices.DeleteFunc(f.Member, func(x member.Field) bool { return x == fd })
		for i := range ms {
			ms[i].Present = slices.DeleteFunc(ms[i].Present, func(x member.Field) bool { return x == fd })
		}
	}
	return f
}

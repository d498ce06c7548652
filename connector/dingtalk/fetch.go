package dingtalk

import (
	"context"
	"encoding/json"
	"fmt"
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

// RootID is DingTalk's root department, the organization itself.
const RootID = "1"

// listedFields are the member fields DingTalk's member lists give, besides the
// departments.
var listedFields = []member.Field{member.FullNameField, member.MobileField, member.EmailField, member.JobTitleField,
	member.EmployeeNumberField, member.HireDateField, member.WorkPlaceField, member.OfficePhoneField, member.AvatarField}

// departmentFields are the member fields a member's departments set.
var departmentFields = []member.Field{member.PrimaryDepartmentField, member.SecondaryDepartmentsField}

// declaredFields are the fields a client owns: the listed ones, the departments, the
// reporting manager (with managers) and those ext maps onto, which must be fields a
// text can set and the lists do not give.
func declaredFields(ext map[string]member.Field, managers bool) (connector.Fields, error) {
	owned := append(slices.Clone(listedFields), departmentFields...)
	if managers {
		owned = append(owned, member.ReportingManagerField)
	}
	return apicall.OwnedFields("dingtalk", "Extension", owned, listedFields,
		[]orgtree.Field{orgtree.NameField, orgtree.ParentField, orgtree.OrderField, orgtree.ManagerField, orgtree.AssistantsField}, ext)
}

// apiDept is a department as department/listsub and department/get give it.
type apiDept struct {
	ID       int64     `json:"dept_id"`
	ParentID int64     `json:"parent_id"`
	Name     *string   `json:"name"`
	Order    *int64    `json:"order"`
	Managers *[]string `json:"dept_manager_userid_list"`
}

// apiUser is a member as user/list and user/get give it; pointers tell absent
// from given.
type apiUser struct {
	UserID     string  `json:"userid"`
	UnionID    string  `json:"unionid"`
	Name       *string `json:"name"`
	Mobile     *string `json:"mobile"`
	StateCode  *string `json:"state_code"`
	Email      *string `json:"email"`
	Title      *string `json:"title"`
	JobNumber  *string `json:"job_number"`
	Telephone  *string `json:"telephone"`
	WorkPlace  *string `json:"work_place"`
	Avatar     *string `json:"avatar"`
	HiredDate  *int64  `json:"hired_date"`
	DeptIDList []int64 `json:"dept_id_list"`
	Active     *bool   `json:"active"`
	Leader     *bool   `json:"leader"`
	Extension  *string `json:"extension"`
	// user/get only
	ManagerUserID *string `json:"manager_userid"`
	LeaderInDept  *[]struct {
		DeptID int64 `json:"dept_id"`
		Leader bool  `json:"leader"`
	} `json:"leader_in_dept"`
}

// outOfScope reports whether err says a department is outside the app's scope or
// gone: DingTalk 50004 (out of scope), 60011 (no permission) or 60003 (not found).
func outOfScope(err error) bool {
	switch CodeOf(err) {
	case codeOutOfScope, codeNoPermission, codeDeptMissing:
		return true
	}
	return false
}

// Fetch implements connector.Source. It walks the departments breadth-first from
// the root (department/listsub, direct children only), reads each one
// (department/get: order and leaders), then pages every department's direct members
// (user/list, with the cursor until has_more is false) and keeps each member once,
// however many departments list it. With Options.ReportingManagers it reads every
// member's details (user/get) for the direct manager.
//
// A department out of the app's scope or gone meanwhile (50004, 60011, 60003) is
// named in Snapshot.PartialDepartments, listed with what its parent's listing said,
// and not walked into; the rest is returned. Any other failure fails the fetch.
//
// DingTalk leaves unset fields out of its answers, and fields the app has no
// permission for (mobile and email need their own) too: a field no member of the
// fetch has is left out of the snapshot's Fields, so it stays the directory's own;
// a field some members have is empty for those without it.
func (c *Client) Fetch(ctx context.Context) (*connector.Snapshot, error) {
	snap := &connector.Snapshot{RootID: RootID}
	partial := map[string]bool{}
	seen := map[int64]bool{1: true}
	var walked []int64
	for queue := []int64{1}; len(queue) > 0; queue = queue[1:] {
		id := queue[0]
		children, err := c.listsub(ctx, id)
		switch {
		case err != nil && id != 1 && outOfScope(err):
			partial[strconv.FormatInt(id, 10)] = true
			continue
		case err != nil:
			return nil, err
		}
		walked = append(walked, id)
		for _, ch := range children {
			if ch.ID <= 1 || seen[ch.ID] {
				continue
			}
			seen[ch.ID] = true
			dep, err := c.department(ctx, ch, id)
			switch {
			case err != nil && outOfScope(err):
				partial[dep.ExternalID] = true
			case err != nil:
				return nil, err
			default:
				queue = append(queue, ch.ID)
			}
			snap.Departments = append(snap.Departments, dep)
		}
	}
	index := map[string]bool{}
	for _, id := range walked {
		err := c.eachUser(ctx, id, func(u apiUser) {
			if u.UserID == "" || index[u.UserID] {
				return
			}
			index[u.UserID] = true
			snap.Members = append(snap.Members, c.member(u, false))
		})
		switch {
		case err != nil && id != 1 && outOfScope(err):
			partial[strconv.FormatInt(id, 10)] = true
		case err != nil:
			return nil, err
		}
	}
	if c.opts.ReportingManagers {
		for i := range snap.Members {
			u, err := c.user(ctx, snap.Members[i].ExternalID)
			if err != nil {
				return nil, err
			}
			m := &snap.Members[i]
			m.Manager, m.Present = deref(u.ManagerUserID), append(m.Present, member.ReportingManagerField)
		}
	}
	snap.PartialDepartments = make([]string, 0, len(partial))
	for d := range partial {
		snap.PartialDepartments = append(snap.PartialDepartments, d)
	}
	slices.Sort(snap.PartialDepartments)
	if len(snap.PartialDepartments) == 0 {
		snap.PartialDepartments = nil
	}
	snap.Fields = c.settle(snap.Members)
	return snap, nil
}

// FetchDepartment implements connector.DepartmentFetcher: the department's direct
// members (user/list, every page), fields settled as Fetch settles them.
func (c *Client) FetchDepartment(ctx context.Context, externalID string) ([]connector.Member, error) {
	id, err := strconv.ParseInt(externalID, 10, 64)
	if err != nil || id < 1 {
		return nil, fmt.Errorf("dingtalk: department ID %q is not a DingTalk department ID: %w", externalID, orgkit.ErrNotFound)
	}
	var out []connector.Member
	err = c.eachUser(ctx, id, func(u apiUser) {
		if u.UserID != "" {
			out = append(out, c.member(u, false))
		}
	})
	if CodeOf(err) == codeDeptMissing {
		return nil, fmt.Errorf("dingtalk: department %s: %w: %w", externalID, orgkit.ErrNotFound, err)
	}
	if err != nil {
		return nil, err
	}
	if c.opts.ReportingManagers {
		for i := range out {
			u, err := c.user(ctx, out[i].ExternalID)
			if err != nil {
				return nil, err
			}
			out[i].Manager, out[i].Present = deref(u.ManagerUserID), append(out[i].Present, member.ReportingManagerField)
		}
	}
	c.settle(out)
	return out, nil
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// listsub lists a department's direct children.
func (c *Client) listsub(ctx context.Context, id int64) ([]apiDept, error) {
	var out struct {
		Result []apiDept `json:"result"`
	}
	err := c.post(ctx, "/topapi/v2/department/listsub", map[string]any{"dept_id": id}, &out)
	return out.Result, err
}

// department reads one department's details (department/get). The error is the
// call's; the department is returned with what the listing said all the same.
func (c *Client) department(ctx context.Context, d apiDept, parent int64) (connector.Department, error) {
	dep := connector.Department{ExternalID: strconv.FormatInt(d.ID, 10), Parent: strconv.FormatInt(parent, 10),
		Present: []orgtree.Field{orgtree.ParentField}}
	if d.Name != nil {
		dep.Name, dep.Present = orgkit.Names{Default: *d.Name}, append(dep.Present, orgtree.NameField)
	}
	var got struct {
		Result apiDept `json:"result"`
	}
	if err := c.post(ctx, "/topapi/v2/department/get", map[string]any{"dept_id": d.ID}, &got); err != nil {
		return dep, err
	}
	return c.detailed(got.Result, dep), nil
}

// detailed adds what department/get says (g) to dep.
func (c *Client) detailed(g apiDept, dep connector.Department) connector.Department {
	if g.Name != nil {
		dep.Name = orgkit.Names{Default: *g.Name}
		if !slices.Contains(dep.Present, orgtree.NameField) {
			dep.Present = append(dep.Present, orgtree.NameField)
		}
	}
	if g.ParentID > 0 && !slices.Contains(dep.Present, orgtree.ParentField) {
		dep.Parent, dep.Present = strconv.FormatInt(g.ParentID, 10), append(dep.Present, orgtree.ParentField)
	}
	if g.Order != nil {
		dep.Order, dep.Present = int(min(max(*g.Order, -1<<31), 1<<31-1)), append(dep.Present, orgtree.OrderField)
	}
	// DingTalk leaves dept_manager_userid_list out when the department has no
	// leader: department/get always describes them.
	if g.Managers != nil {
		dep.Leaders = slices.Clone(*g.Managers)
	}
	dep.Present = append(dep.Present, orgtree.ManagerField, orgtree.AssistantsField)
	return dep
}

// eachUser pages a department's direct members (user/list) and calls fn for each.
func (c *Client) eachUser(ctx context.Context, dept int64, fn func(apiUser)) error {
	var cursor int64
	for pages := 0; ; pages++ {
		var out struct {
			Result struct {
				HasMore    bool      `json:"has_more"`
				NextCursor *int64    `json:"next_cursor"`
				List       []apiUser `json:"list"`
			} `json:"result"`
		}
		if err := c.post(ctx, "/topapi/v2/user/list", map[string]any{"dept_id": dept, "cursor": cursor, "size": c.pageSize}, &out); err != nil {
			return err
		}
		for _, u := range out.Result.List {
			fn(u)
		}
		if !out.Result.HasMore {
			return nil
		}
		r := out.Result
		if r.NextCursor == nil || *r.NextCursor <= cursor || pages > 1_000_000 {
			return c.fail("/topapi/v2/user/list", 200, envelope{}, fmt.Sprintf("department %d: has_more without a cursor past %d", dept, cursor),
				connector.ErrPlatform)
		}
		cursor = *r.NextCursor
	}
}

// user reads one member's details (user/get).
func (c *Client) user(ctx context.Context, userID string) (apiUser, error) {
	var out struct {
		Result apiUser `json:"result"`
	}
	err := c.post(ctx, "/topapi/v2/user/get", map[string]any{"userid": userID}, &out)
	return out.Result, err
}

// member maps a DingTalk member (see the package documentation for the table); a
// field the answer leaves out is absent. With details (user/get), the leader flags
// and, with ReportingManagers, the manager are given too.
func (c *Client) member(u apiUser, details bool) connector.Member {
	v := &member.Member{}
	m := connector.Member{ExternalID: u.UserID, Values: v, Status: connector.Enabled}
	text := func(p *string, f member.Field, set func(string)) { apicall.Text(&m, p, f, set) }
	text(u.Name, member.FullNameField, func(s string) { v.FullName = s })
	text(u.Title, member.JobTitleField, func(s string) { v.JobTitle = s })
	text(u.Email, member.EmailField, func(s string) { v.Email = s })
	text(u.JobNumber, member.EmployeeNumberField, func(s string) { v.EmployeeNumber = s })
	text(u.Telephone, member.OfficePhoneField, func(s string) { v.OfficePhone = s })
	text(u.WorkPlace, member.WorkPlaceField, func(s string) { v.WorkPlace = s })
	text(u.Avatar, member.AvatarField, func(s string) {
		if s != "" {
			v.Avatar = member.Avatar{URI: s}
		}
	})
	text(u.Mobile, member.MobileField, func(s string) { v.Mobile = mobile(deref(u.StateCode), s) })
	if u.HiredDate != nil {
		if *u.HiredDate > 0 {
			v.HireDate = member.DateOf(time.UnixMilli(*u.HiredDate).In(c.loc))
		}
		m.Present = append(m.Present, member.HireDateField)
	}
	// departments in DingTalk's order, the first the primary (the v2 APIs have no
	// main department)
	m.Departments = make([]string, 0, len(u.DeptIDList))
	for _, d := range u.DeptIDList {
		if s := strconv.FormatInt(d, 10); d > 0 && !slices.Contains(m.Departments, s) {
			m.Departments = append(m.Departments, s)
		}
	}
	if u.DeptIDList != nil || !details {
		m.Present = append(m.Present, departmentFields...)
	}
	if u.Extension != nil {
		m.Present = append(m.Present, c.extFields()...) // given with extension: keys left out clear
		var attrs map[string]any
		if s := strings.TrimSpace(*u.Extension); s != "" {
			_ = json.Unmarshal([]byte(s), &attrs) // not an object: nothing is set
		}
		for key, f := range c.opts.Extension {
			var text string
			switch x := attrs[key].(type) {
			case string:
				text = x
			case float64:
				text = strconv.FormatFloat(x, 'f', -1, 64)
			case bool:
				text = strconv.FormatBool(x)
			}
			if !apicall.SetText(v, f, strings.TrimSpace(text)) {
				m.Present = slices.DeleteFunc(m.Present, func(x member.Field) bool { return x == f })
			}
		}
	}
	if details {
		if c.opts.ReportingManagers {
			m.Manager = deref(u.ManagerUserID)
			m.Present = append(m.Present, member.ReportingManagerField)
		}
		if u.LeaderInDept != nil {
			m.LeaderInPresent = true
			for _, l := range *u.LeaderInDept {
				if l.Leader {
					m.LeaderIn = append(m.LeaderIn, strconv.FormatInt(l.DeptID, 10))
				}
			}
		}
	}
	return m
}

// mobile writes a mobile number with its country code when that is not China's
// (DingTalk gives the number and the code apart: "13800000000", "+86").
func mobile(stateCode, number string) string {
	cc := strings.TrimLeft(strings.TrimSpace(stateCode), "+")
	if number == "" || cc == "" || cc == "86" || strings.HasPrefix(number, "+") {
		return number
	}
	return "+" + cc + " " + number
}

// extFields are the distinct fields Extension maps onto, in order.
func (c *Client) extFields() []member.Field { return apicall.MappedFields(c.opts.Extension) }

// settle decides, over the members of one fetch, which of the client's text fields
// DingTalk gave: a field no member has (withheld for want of a permission, or unset
// for everyone) is left out of the returned fields and of every member's Present;
// a field some members have is empty (present) for the others, as DingTalk leaves
// unset fields out of its answers (extension attributes included).
func (c *Client) settle(ms []connector.Member) connector.Fields {
	f := c.Fields()
	if len(ms) == 0 {
		return f
	}
	ext := c.extFields()
	given := make([]bool, len(ms)) // the member's extension was given (some mapped field is present)
	for i := range ms {
		given[i] = slices.ContainsFunc(ext, ms[i].Has)
	}
	for _, fd := range append(slices.Clone(listedFields), ext...) {
		has := false
		for i := range ms {
			if ms[i].Has(fd) {
				has = true
				break
			}
		}
		for i := range ms {
			switch {
			case !has:
				ms[i].Present = slices.DeleteFunc(ms[i].Present, func(x member.Field) bool { return x == fd })
			case !ms[i].Has(fd) && !(given[i] && slices.Contains(ext, fd)):
				// (with the extension given, a mapped date that did not parse stays absent)
				ms[i].Present = append(ms[i].Present, fd)
			}
		}
		if !has {
			f.Member = slices.DeleteFunc(f.Member, func(x member.Field) bool { return x == fd })
		}
	}
	return f
}

package bench

import (
	"fmt"

	"github.com/casbin/casbin/v2"
	"github.com/casbin/casbin/v2/model"

	"github.com/orgkit/orgkit/directory"
)

// PolicyModel is orgkit's data scope (DESIGN §3) as the textbook Casbin model: RBAC
// over a resource hierarchy. Every manager or assistant post is a policy line
// "p, <member>, <node>, manage"; every node links to its parent with
// "g2, <node>, <parent>", so g2(r.obj, p.obj) holds when the requested node is the
// post's node or lies below it; org admins are "g, <member>, org_admin". Reading
// needs a post at or above the node, writing a post at the node itself. Casbin
// evaluates the matcher against every policy line.
const PolicyModel = `
[request_definition]
r = sub, obj, act

[policy_definition]
p = sub, obj, act

[role_definition]
g = _, _
g2 = _, _

[policy_effect]
e = some(where (p.eft == allow))

[matchers]
m = g(r.sub, "org_admin") || r.sub == p.sub && (r.act == "read" && g2(r.obj, p.obj) || r.act == "write" && r.obj == p.obj)
`

// GraphModel is the same data scope tuned for Casbin: the posts live in the role
// graphs instead of policy lines, so a request walks the graph once instead of
// evaluating one matcher per post. g2 links every node to its parent and to each of
// its post holders ("g2, <node>, <member>"), so g2(r.obj, r.sub) holds when v holds
// a post at the node or above it; g3 links a node to its own post holders only. One
// catch-all policy line lets the matcher run.
const GraphModel = `
[request_definition]
r = sub, obj, act

[policy_definition]
p = sub, obj, act

[role_definition]
g = _, _
g2 = _, _
g3 = _, _

[policy_effect]
e = some(where (p.eft == allow))

[matchers]
m = g(r.sub, "org_admin") || r.act == "read" && g2(r.obj, r.sub) || r.act == "write" && g3(r.obj, r.sub)
`

// NewPolicyEnforcer loads a snapshot's posts, tree and org admins into a Casbin
// enforcer running PolicyModel.
func NewPolicyEnforcer(snap *directory.Snapshot) (*casbin.Enforcer, error) {
	var posts, links [][]string
	for n := range snap.Tree().All() {
		if !n.Parent.IsZero() {
			links = append(links, []string{n.ID.String(), n.Parent.String()})
		}
		for _, m := range n.Assistants {
			posts = append(posts, []string{m.String(), n.ID.String(), "manage"})
		}
		if !n.Manager.IsZero() {
			posts = append(posts, []string{n.Manager.String(), n.ID.String(), "manage"})
		}
	}
	return newEnforcer(snap, PolicyModel, posts, map[string][][]string{"g2": links})
}

// NewGraphEnforcer loads a snapshot's posts, tree and org admins into a Casbin
// enforcer running GraphModel.
func NewGraphEnforcer(snap *directory.Snapshot) (*casbin.Enforcer, error) {
	var up, own [][]string
	for n := range snap.Tree().All() {
		if !n.Parent.IsZero() {
			up = append(up, []string{n.ID.String(), n.Parent.String()})
		}
		for _, m := range n.Assistants {
			up = append(up, []string{n.ID.String(), m.String()})
			own = append(own, []string{n.ID.String(), m.String()})
		}
		if !n.Manager.IsZero() {
			up = append(up, []string{n.ID.String(), n.Manager.String()})
			own = append(own, []string{n.ID.String(), n.Manager.String()})
		}
	}
	return newEnforcer(snap, GraphModel, [][]string{{"*", "*", "*"}}, map[string][][]string{"g2": up, "g3": own})
}

func newEnforcer(snap *directory.Snapshot, text string, policies [][]string, graphs map[string][][]string) (*casbin.Enforcer, error) {
	m, err := model.NewModelFromString(text)
	if err != nil {
		return nil, err
	}
	e, err := casbin.NewEnforcer(m)
	if err != nil {
		return nil, err
	}
	if _, err := e.AddPolicies(policies); err != nil {
		return nil, fmt.Errorf("bench: policies: %w", err)
	}
	for name, links := range graphs {
		if _, err := e.AddNamedGroupingPolicies(name, links); err != nil {
			return nil, fmt.Errorf("bench: %s: %w", name, err)
		}
	}
	var admins [][]string
	for m := range snap.Members() {
		if snap.IsOrgAdmin(m.ID) {
			admins = append(admins, []string{m.ID.String(), "org_admin"})
		}
	}
	if len(admins) > 0 {
		if _, err := e.AddGroupingPolicies(admins); err != nil {
			return nil, fmt.Errorf("bench: admins: %w", err)
		}
	}
	return e, nil
}

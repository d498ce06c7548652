package scim

import "strings"

// attrSet is a set of the top-level attributes a rendering produces (renderUserFor,
// renderGroup): one bit per attribute of the resource as this package renders it.
// allAttrs asks for every attribute; a filter asks for those it names (filterAttrs),
// so that evaluating it on a resource costs what the filter looks at.
type attrSet uint32

// allAttrs is the set of every attribute: a full rendering.
const allAttrs = ^attrSet(0)

// has reports whether the set holds any of the attributes in b.
func (a attrSet) has(b attrSet) bool { return a&b != 0 }

// The attributes of a User. The enterprise extension's attributes have a bit each;
// userCustom is the host's extension object, rendered whole (and its URN in schemas).
const (
	userSchemas attrSet = 1 << iota
	userID
	userUserName
	userActive
	userExternalID
	userNameParts // name: givenName, familyName
	userDisplayName
	userTitle
	userPreferredLanguage
	userTimezone
	userEmails
	userPhoneNumbers
	userEmployeeNumber // enterprise extension
	userDepartment     // enterprise extension
	userOrganization   // enterprise extension
	userManager        // enterprise extension
	userCustom
	userGroups
	userMeta
)

// The attributes of a Group.
const (
	groupSchemas attrSet = 1 << iota
	groupID
	groupDisplayName
	groupExternalID
	groupMembers
	groupMeta
)

// attrName names one attribute of attrSet: its schema URN ("" for the core schema and
// the common attributes) and its name.
type attrName struct {
	urn, name string
	bit       attrSet
}

// userAttrNames are the attributes renderUserFor produces, by name.
var userAttrNames = []attrName{
	{"", "schemas", userSchemas | userCustom}, // the host's extension adds its URN to schemas
	{"", "id", userID},
	{"", "userName", userUserName},
	{"", "active", userActive},
	{"", "externalId", userExternalID},
	{"", "name", userNameParts},
	{"", "displayName", userDisplayName},
	{"", "title", userTitle},
	{"", "preferredLanguage", userPreferredLanguage},
	{"", "timezone", userTimezone},
	{"", "emails", userEmails},
	{"", "phoneNumbers", userPhoneNumbers},
	{"", "groups", userGroups},
	{"", "meta", userMeta},
	{EnterpriseUserSchema, "employeeNumber", userEmployeeNumber},
	{EnterpriseUserSchema, "department", userDepartment},
	{EnterpriseUserSchema, "organization", userOrganization},
	{EnterpriseUserSchema, "manager", userManager},
}

// groupAttrNames are the attributes renderGroup produces, by name.
var groupAttrNames = []attrName{
	{"", "schemas", groupSchemas},
	{"", "id", groupID},
	{"", "displayName", groupDisplayName},
	{"", "externalId", groupExternalID},
	{"", "members", groupMembers},
	{"", "meta", groupMeta},
}

// filterAttrs returns the attributes a filter can read of a resource whose attributes
// are names; custom is the URN of the host's extension object (userCustom), "" for
// none. It follows how matchFilter resolves a path (scope.attr), names compared
// case-insensitively: a path without URN, or with a core schema URN, reads a
// top-level attribute; a path with an extension's URN reads an attribute of that
// extension's object. It errs on the side of more: a path with any URN also counts
// as naming the top-level attribute of its name. The paths inside a value filter
// (`emails[type eq "work"]`) name sub-attributes of the attribute before the
// brackets, which is rendered whole; so are the attributes a path names with a
// sub-attribute (`name.givenName`, `manager.value`). An attribute that no entry of
// names describes adds nothing: no rendering produces it, so it matches as absent.
func filterAttrs(f filterExpr, names []attrName, custom string) attrSet {
	var out attrSet
	add := func(p pathExpr) {
		for _, n := range names {
			if !strings.EqualFold(n.name, p.Attr) {
				continue
			}
			if n.urn == "" || p.URN != "" && strings.EqualFold(n.urn, p.URN) {
				out |= n.bit
			}
		}
		if custom != "" && p.URN != "" && strings.EqualFold(p.URN, custom) {
			out |= userCustom
		}
	}
	var walk func(filterExpr)
	walk = func(f filterExpr) {
		switch f := f.(type) {
		case *andExpr:
			walk(f.Left)
			walk(f.Right)
		case *orExpr:
			walk(f.Left)
			walk(f.Right)
		case *notExpr:
			walk(f.Filter)
		case *compareExpr:
			add(f.Path)
		case *valuePathExpr:
			add(f.Path)
		}
	}
	walk(f)
	return out
}

// responseAttrs returns the attributes a response must render for the request's
// attributes and excludedAttributes (pr) to show what they ask: allAttrs without
// either; else the attributes of names pr.Returns, and schemas (a projection always
// keeps it, with the host's extension URN in it). The response is still projected
// with pr.Apply: an attribute left out here is one Apply would drop.
func responseAttrs(pr projectionSpec, rt *resourceDef, names []attrName) attrSet {
	if len(pr.Attributes) == 0 && len(pr.Excluded) == 0 {
		return allAttrs
	}
	var out attrSet
	for _, n := range names {
		path := n.name
		if n.urn != "" {
			path = n.urn + ":" + n.name
		}
		if n.urn == "" && n.name == "schemas" || pr.Returns(rt, path) {
			out |= n.bit
		}
	}
	return out
}

// responseUserAttrs are the attributes of a User the request's response shows.
func (rq *request) responseUserAttrs() attrSet {
	pr, err := projectionFromQuery(rq.r)
	if err != nil {
		return allAttrs // the response is the error
	}
	return responseAttrs(pr, rq.users, userAttrNames)
}

// responseGroupAttrs are the attributes of a Group the request's response shows:
// without members when excludedAttributes=members (as Entra ID reads groups) or
// attributes leave them out, so that they are not listed at all.
func (rq *request) responseGroupAttrs() attrSet {
	pr, err := projectionFromQuery(rq.r)
	if err != nil {
		return allAttrs
	}
	return responseAttrs(pr, rq.groups, groupAttrNames)
}

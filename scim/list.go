package scim

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
)

// ListResponseSchema is the schema URN of a query response (RFC 7644 §3.4.2).
const ListResponseSchema = "urn:ietf:params:scim:api:messages:2.0:ListResponse"

// listResponse is a page of query results (RFC 7644 §3.4.2). Its JSON form always
// carries "Resources", an empty list when nothing matched (the connection test of
// Microsoft Entra ID expects 200 with an empty list), and "itemsPerPage", the number
// of resources on the page.
type listResponse struct {
	// TotalResults is the number of results the query matched, over all pages.
	TotalResults int
	// StartIndex is the 1-based index of the first result on the page; values below 1
	// are sent as 1.
	StartIndex int
	// Resources are the results on this page, already projected.
	Resources []map[string]any
}

// MarshalJSON encodes the ListResponse message.
func (l listResponse) MarshalJSON() ([]byte, error) {
	res := l.Resources
	if res == nil {
		res = []map[string]any{}
	}
	return json.Marshal(struct {
		Schemas      []string         `json:"schemas"`
		TotalResults int              `json:"totalResults"`
		StartIndex   int              `json:"startIndex"`
		ItemsPerPage int              `json:"itemsPerPage"`
		Resources    []map[string]any `json:"Resources"`
	}{[]string{ListResponseSchema}, l.TotalResults, max(l.StartIndex, 1), len(res), res})
}

// listPage is the pagination of a query (RFC 7644 §3.4.2.4): the 1-based index of the
// first result and the most results to return.
type listPage struct {
	// StartIndex is the 1-based index of the first result (at least 1).
	StartIndex int
	// Count is the most results to return (0 means none: only totalResults).
	Count int
}

// parsePage reads the startIndex and count query parameters: startIndex defaults to 1
// and values below 1 count as 1; count defaults to maxResults, negative values count
// as 0 and values above maxResults are capped to it (maxResults ≤ 0 means no cap and
// a default of 100). A parameter that is not an integer is a 400 invalidValue *Error.
func parsePage(startIndex, count string, maxResults int) (listPage, error) {
	if maxResults <= 0 {
		maxResults = 0
	}
	p := listPage{StartIndex: 1, Count: maxResults}
	if maxResults == 0 {
		p.Count = 100
	}
	if s := strings.TrimSpace(startIndex); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			return listPage{}, badRequest(ErrorInvalidValue, "startIndex %s is not an integer", quoteInput(startIndex))
		}
		p.StartIndex = max(n, 1)
	}
	if s := strings.TrimSpace(count); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			return listPage{}, badRequest(ErrorInvalidValue, "count %s is not an integer", quoteInput(count))
		}
		p.Count = max(n, 0)
		if maxResults > 0 {
			p.Count = min(p.Count, maxResults)
		}
	}
	return p, nil
}

// Bounds returns the half-open range [lo, hi) of 0-based indexes of a result list of
// total items that the page covers; lo == hi when the page is empty.
func (p listPage) Bounds(total int) (lo, hi int) {
	lo = min(max(p.StartIndex, 1)-1, total)
	hi = min(lo+max(p.Count, 0), total)
	return lo, hi
}

// projectionSpec is the attributes / excludedAttributes selection of a request
// (RFC 7644 §3.4.2.5, §3.9), applied together with each attribute's "returned"
// characteristic: "never" attributes (a password) are never returned, "always"
// attributes (id) always are, "request" attributes only when named in attributes,
// and "default" attributes unless excluded or left out of a non-empty attributes
// list. The zero projectionSpec returns every attribute that is not "never" or "request".
type projectionSpec struct {
	// Attributes are the attributes asked for; empty means the default set.
	Attributes []pathExpr
	// Excluded are the attributes to leave out.
	Excluded []pathExpr
}

// parseProjection parses the comma-separated attributes and excludedAttributes
// parameters. Each entry is an attribute path without a filter: "userName",
// "name.givenName", "members", or one with a schema URN prefix; a schema URN alone
// names a whole extension. A malformed entry is a 400 invalidPath *Error.
func parseProjection(attributes, excludedAttributes string) (projectionSpec, error) {
	var p projectionSpec
	var err error
	if p.Attributes, err = parseAttrList("attributes", attributes); err != nil {
		return projectionSpec{}, err
	}
	if p.Excluded, err = parseAttrList("excludedAttributes", excludedAttributes); err != nil {
		return projectionSpec{}, err
	}
	return p, nil
}

// projectionFromQuery is parseProjection over a request's query parameters.
func projectionFromQuery(r *http.Request) (projectionSpec, error) {
	q := r.URL.Query()
	return parseProjection(q.Get("attributes"), q.Get("excludedAttributes"))
}

func parseAttrList(param, s string) ([]pathExpr, error) {
	var out []pathExpr
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		p, err := parsePath(part)
		if err == nil && p.Filter != nil {
			err = badRequest(ErrorInvalidPath, "%s: %s has a value filter", param, quoteInput(part))
		}
		if err != nil {
			return nil, badRequest(ErrorInvalidPath, "%s: %s", param, err.(*Error).Detail)
		}
		out = append(out, p)
	}
	return out, nil
}

// names reports whether path p names the attribute (urn, name) of rt: urn is "" for
// the core schema; a path without URN names a core attribute.
func (pr projectionSpec) names(p pathExpr, rt *resourceDef, urn, name string) bool {
	if !strings.EqualFold(p.Attr, name) {
		return false
	}
	if p.URN == "" || rt != nil && strings.EqualFold(p.URN, rt.Schema.ID) || rt == nil && isCoreURN(p.URN) {
		return urn == ""
	}
	return strings.EqualFold(p.URN, urn)
}

// namesExtension reports whether p is a schema URN alone naming extension urn.
func namesExtension(p pathExpr, urn string) bool {
	return urn != "" && p.Sub == "" && strings.EqualFold(p.URN+":"+p.Attr, urn)
}

// selection is what a path list says of one attribute: named whole, and the named
// sub-attributes.
type selection struct {
	whole bool
	subs  []string
}

func (pr projectionSpec) selected(list []pathExpr, rt *resourceDef, urn, name string) selection {
	var s selection
	for _, p := range list {
		switch {
		case namesExtension(p, urn):
			s.whole = true
		case pr.names(p, rt, urn, name):
			if p.Sub == "" {
				s.whole = true
			} else {
				s.subs = append(s.subs, p.Sub)
			}
		}
	}
	return s
}

// Returns reports whether a response would include any of the attribute named by
// attr ("members", "name", an URN-prefixed extension attribute): a server uses it to
// skip computing an attribute nobody will see, such as a group's members when
// Microsoft Entra ID reads groups with excludedAttributes=members.
func (pr projectionSpec) Returns(rt *resourceDef, attr string) bool {
	p, err := parsePath(attr)
	if err != nil {
		return false
	}
	var def *Attribute
	urn := ""
	if rt != nil {
		def, urn = rt.lookup(p)
	} else if !isCoreURN(p.URN) {
		urn = p.URN
	}
	name := p.Attr
	if def != nil {
		name = def.Name
	}
	_, keep := pr.attr(rt, urn, name, def, map[string]any{})
	return keep
}

// Apply returns the projection of res: a new top-level object (and new objects where
// sub-attributes were dropped) that shares the other values with res. "schemas" is
// always kept; an extension object is kept when any of its attributes is.
func (pr projectionSpec) Apply(res map[string]any, rt *resourceDef) map[string]any {
	out := make(map[string]any, len(res))
	for k, v := range res {
		if strings.EqualFold(k, "schemas") {
			out[k] = v
			continue
		}
		if urn := extensionOf(rt, k, v); urn != "" {
			m, _ := v.(map[string]any)
			sub := map[string]any{}
			for sk, sv := range m {
				def, name := rt.named(urn, sk)
				if pv, keep := pr.attr(rt, urn, name, def, sv); keep {
					sub[sk] = pv
				}
			}
			if len(sub) > 0 {
				out[k] = sub
			}
			continue
		}
		def, name := rt.named("", k)
		if pv, keep := pr.attr(rt, "", name, def, v); keep {
			out[k] = pv
		}
	}
	return out
}

// attr projects one top-level attribute's value.
func (pr projectionSpec) attr(rt *resourceDef, urn, name string, def *Attribute, v any) (any, bool) {
	ret := ReturnedDefault
	if def != nil && def.Returned != "" {
		ret = def.Returned
	}
	if ret == Never {
		return nil, false
	}
	inc := pr.selected(pr.Attributes, rt, urn, name)
	exc := pr.selected(pr.Excluded, rt, urn, name)
	if ret != Always {
		named := inc.whole || len(inc.subs) > 0
		if len(pr.Attributes) > 0 && !named || ret == Request && !named || exc.whole {
			return nil, false
		}
	}
	if !isObjects(v) {
		return v, true
	}
	keepSub := func(sname string, sd *Attribute) bool {
		sret := ReturnedDefault
		if sd != nil && sd.Returned != "" {
			sret = sd.Returned
		}
		listed := containsFold(inc.subs, sname)
		switch {
		case sret == Never:
			return false
		case sret == Always:
			return true
		case ret == Always && len(inc.subs) == 0 && len(pr.Attributes) > 0 && !inc.whole:
			// an always-returned complex attribute not asked for: default sub-attributes
		case len(inc.subs) > 0 && !inc.whole && !listed:
			return false
		case sret == Request && !listed:
			return false
		}
		return !containsFold(exc.subs, sname)
	}
	project := func(m map[string]any) map[string]any {
		o := make(map[string]any, len(m))
		for sk, sv := range m {
			if keepSub(sk, def.Sub(sk)) {
				o[sk] = sv
			}
		}
		return o
	}
	switch x := v.(type) {
	case map[string]any:
		o := project(x)
		if len(o) == 0 && len(x) > 0 {
			return nil, false
		}
		return o, true
	case []any:
		o := make([]any, 0, len(x))
		for _, e := range x {
			if m, ok := e.(map[string]any); ok {
				if pm := project(m); len(pm) > 0 {
					o = append(o, pm)
				}
				continue
			}
			o = append(o, e)
		}
		if len(o) == 0 && len(x) > 0 {
			return nil, false
		}
		return o, true
	}
	return v, true
}

func containsFold(list []string, s string) bool {
	for _, e := range list {
		if strings.EqualFold(e, s) {
			return true
		}
	}
	return false
}

package scim

// Stand-ins for the list, projection, PATCH and discovery machinery of list.go,
// patch.go and schemas.go while those land: replaced by calls into them.

import (
	"net/http"
	"strings"
)

// project applies the request's attributes / excludedAttributes to a resource.
func (rq *request) project(res map[string]any, rt *ResourceType) (map[string]any, error) {
	q := rq.r.URL.Query()
	excl := splitList(q.Get("excludedAttributes"))
	incl := splitList(q.Get("attributes"))
	if len(excl) == 0 && len(incl) == 0 {
		return res, nil
	}
	out := map[string]any{}
	for k, v := range res {
		keep := len(incl) == 0
		for _, a := range incl {
			if strings.EqualFold(strings.SplitN(a, ".", 2)[0], k) {
				keep = true
			}
		}
		switch strings.ToLower(k) {
		case "id", "schemas", "meta":
			keep = true
		}
		for _, a := range excl {
			if strings.EqualFold(a, k) {
				keep = false
			}
		}
		if keep {
			out[k] = v
		}
	}
	return out, nil
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// writeList writes a ListResponse page.
func (rq *request) writeList(w http.ResponseWriter, page []any, total, start int, rt *ResourceType) error {
	res := make([]any, 0, len(page))
	for _, p := range page {
		o, err := rq.project(p.(map[string]any), rt)
		if err != nil {
			return err
		}
		res = append(res, o)
	}
	return writeJSON(w, http.StatusOK, map[string]any{
		"schemas":      []string{"urn:ietf:params:scim:api:messages:2.0:ListResponse"},
		"totalResults": total, "startIndex": start, "itemsPerPage": len(res), "Resources": res,
	})
}

// applyPatch applies a PatchOp body to a copy of res.
func (rq *request) applyPatch(body, res map[string]any, rt *ResourceType) (map[string]any, error) {
	out := deepCopy(res).(map[string]any)
	opsV, _ := getKey(body, "Operations")
	ops, ok := opsV.([]any)
	if !ok {
		return nil, Errorf(http.StatusBadRequest, ErrorInvalidSyntax, "Operations must be a list")
	}
	for _, o := range ops {
		op, ok := o.(map[string]any)
		if !ok {
			return nil, Errorf(http.StatusBadRequest, ErrorInvalidSyntax, "each operation must be an object")
		}
		name, _ := stringAttr(op, "op")
		path, _ := stringAttr(op, "path")
		val, _ := getKey(op, "value")
		name = strings.ToLower(name)
		if path == "" {
			obj, ok := val.(map[string]any)
			if !ok {
				return nil, Errorf(http.StatusBadRequest, ErrorInvalidValue, "an operation without path needs an object value")
			}
			for k, v := range obj {
				if err := patchPath(out, name, k, v); err != nil {
					return nil, err
				}
			}
			continue
		}
		if err := patchPath(out, name, path, val); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func patchPath(res map[string]any, op, path string, val any) error {
	var p Path
	var err error
	if strings.HasPrefix(strings.ToLower(path), "urn:") && !strings.Contains(path[strings.LastIndex(path, ":"):], ".") && strings.Count(path, ":") > 0 {
		if rt := (&ResourceType{}); rt != nil {
			if ext := strings.ToLower(path); ext == strings.ToLower(EnterpriseUserSchema) {
				if m, ok := val.(map[string]any); ok {
					obj, _ := res[EnterpriseUserSchema].(map[string]any)
					if obj == nil || op == "replace" {
						obj = map[string]any{}
					}
					for k, v := range m {
						obj[k] = v
					}
					res[EnterpriseUserSchema] = obj
					return nil
				}
			}
		}
	}
	if p, err = ParsePath(path); err != nil {
		return err
	}
	target := res
	if p.URN != "" && !strings.EqualFold(p.URN, UserSchema) && !strings.EqualFold(p.URN, GroupSchema) {
		obj, _ := getKey(res, p.URN)
		m, _ := obj.(map[string]any)
		if m == nil {
			m = map[string]any{}
			res[p.URN] = m
		}
		target = m
	}
	key := p.Attr
	for k := range target {
		if strings.EqualFold(k, key) {
			key = k
		}
	}
	switch {
	case p.Filter != nil:
		list, _ := target[key].([]any)
		found := false
		var kept []any
		for _, e := range list {
			em, _ := e.(map[string]any)
			if em != nil && Match(p.Filter, em, nil) {
				found = true
				if op == "remove" && p.Sub == "" {
					continue
				}
				if p.Sub != "" {
					if op == "remove" {
						delete(em, p.Sub)
					} else {
						em[p.Sub] = val
					}
				}
			}
			kept = append(kept, e)
		}
		if !found && op != "remove" && p.Sub != "" {
			entry := map[string]any{p.Sub: val}
			if c, ok := p.Filter.(*Compare); ok && c.Op == Eq {
				entry[c.Path.Attr] = c.Value
			}
			kept = append(kept, entry)
		}
		target[key] = kept
	case p.Sub != "":
		obj, _ := target[key].(map[string]any)
		if obj == nil {
			obj = map[string]any{}
		}
		if op == "remove" || val == nil {
			delete(obj, p.Sub)
		} else {
			obj[p.Sub] = val
		}
		target[key] = obj
	case op == "remove" && val != nil:
		list, _ := target[key].([]any)
		vals, _ := val.([]any)
		var kept []any
		for _, e := range list {
			drop := false
			for _, v := range vals {
				if ev, ok := e.(map[string]any); ok {
					vm, _ := v.(map[string]any)
					if vm != nil && ev["value"] == vm["value"] {
						drop = true
					}
				}
			}
			if !drop {
				kept = append(kept, e)
			}
		}
		target[key] = kept
	case op == "remove" || val == nil:
		delete(target, key)
	case op == "add":
		if vals, ok := val.([]any); ok {
			list, _ := target[key].([]any)
			target[key] = append(list, vals...)
		} else {
			target[key] = val
		}
	default:
		target[key] = val
	}
	return nil
}

func deepCopy(v any) any {
	switch x := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[k] = deepCopy(e)
		}
		return m
	case []any:
		l := make([]any, len(x))
		for i, e := range x {
			l[i] = deepCopy(e)
		}
		return l
	}
	return v
}

// discovery answers the discovery endpoints.
func (rq *request) discovery(w http.ResponseWriter, ep, id string) error {
	switch ep {
	case "serviceproviderconfig":
		return writeJSON(w, http.StatusOK, map[string]any{
			"schemas":        []string{ServiceProviderConfigSchema},
			"patch":          map[string]any{"supported": true},
			"bulk":           map[string]any{"supported": false, "maxOperations": 0, "maxPayloadSize": 0},
			"filter":         map[string]any{"supported": true, "maxResults": rq.opts.MaxResults},
			"changePassword": map[string]any{"supported": false},
			"sort":           map[string]any{"supported": false},
			"etag":           map[string]any{"supported": true},
			"authenticationSchemes": []any{map[string]any{"type": "oauthbearertoken", "name": "OAuth Bearer Token",
				"description": "Authentication with a bearer token the host issues"}},
		})
	case "resourcetypes":
		var list []any
		for _, rt := range []*ResourceType{rq.users, rq.groups} {
			list = append(list, map[string]any{"schemas": []string{ResourceTypeSchema}, "id": rt.ID, "name": rt.Name,
				"endpoint": rt.Endpoint, "schema": rt.Schema.ID})
		}
		return rq.writeList(w, list, len(list), 1, nil)
	default:
		var list []any
		for _, s := range []*Schema{rq.users.Schema, NewEnterpriseUserSchema(), rq.groups.Schema} {
			list = append(list, map[string]any{"schemas": []string{SchemaSchema}, "id": s.ID, "name": s.Name})
		}
		return rq.writeList(w, list, len(list), 1, nil)
	}
}

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

package scim

import (
	"net/http"
	"strings"
)

// project applies the request's attributes and excludedAttributes to a resource.
func (rq *request) project(res map[string]any, rt *resourceDef) (map[string]any, error) {
	pr, err := projectionFromQuery(rq.r)
	if err != nil {
		return nil, err
	}
	return pr.Apply(res, rt), nil
}

// writeList writes a ListResponse page, each resource projected.
func (rq *request) writeList(w http.ResponseWriter, page []map[string]any, total, start int, rt *resourceDef) error {
	pr, err := projectionFromQuery(rq.r)
	if err != nil {
		return err
	}
	res := make([]map[string]any, 0, len(page))
	for _, p := range page {
		res = append(res, pr.Apply(p, rt))
	}
	return writeJSON(w, http.StatusOK, listResponse{TotalResults: total, StartIndex: start, Resources: res})
}

// paging reads startIndex and count (at most Options.MaxResults).
func (rq *request) paging(startParam, countParam string) (int, int, error) {
	p, err := parsePage(startParam, countParam, rq.opts.MaxResults)
	if err != nil {
		return 0, 0, err
	}
	return p.StartIndex, p.Count, nil
}

// discovery answers /ServiceProviderConfig, /ResourceTypes and /Schemas (RFC 7644 §4).
func (rq *request) discovery(w http.ResponseWriter, ep, id string) error {
	rts := []*resourceDef{rq.users, rq.groups}
	switch ep {
	case "serviceproviderconfig":
		if id != "" {
			return Errorf(http.StatusNotFound, "", "unknown endpoint")
		}
		return writeJSON(w, http.StatusOK, serviceProviderConfig{DocumentationURI: rq.opts.DocumentationURI,
			MaxResults: rq.opts.MaxResults, ETag: true, AuthenticationSchemes: rq.opts.AuthenticationSchemes}.Document(rq.base))
	case "resourcetypes":
		var docs []map[string]any
		for _, rt := range rts {
			if id == "" || strings.EqualFold(id, rt.ID) {
				docs = append(docs, rt.Document(rq.base))
			}
		}
		return rq.discoveryAnswer(w, id, docs)
	default:
		var docs []map[string]any
		for _, s := range schemasOf(rts...) {
			if id == "" || strings.EqualFold(id, s.ID) {
				docs = append(docs, s.Document(rq.base))
			}
		}
		return rq.discoveryAnswer(w, id, docs)
	}
}

// discoveryAnswer writes a list of discovery documents, or the one an id names.
func (rq *request) discoveryAnswer(w http.ResponseWriter, id string, docs []map[string]any) error {
	if id == "" {
		return writeJSON(w, http.StatusOK, listResponse{TotalResults: len(docs), StartIndex: 1, Resources: docs})
	}
	if len(docs) == 0 {
		return Errorf(http.StatusNotFound, "", "%q not found", id)
	}
	return writeJSON(w, http.StatusOK, docs[0])
}

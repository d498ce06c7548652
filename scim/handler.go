package scim

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"golang.org/x/text/language"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/directory"
	"github.com/orgkit/orgkit/member"
)

// Target is the directory a request works on: the service that holds it and its ID.
type Target struct {
	// Service holds the directory; every read and write of the request goes through it.
	Service *directory.Service
	// Directory is the ID of the directory within Service.
	Directory orgkit.DirectoryID
}

// GroupMode says what a SCIM Group is in the directory.
type GroupMode uint8

const (
	// GroupsAsDepartments maps each Group to a department (the default).
	GroupsAsDepartments GroupMode = iota
	// GroupsAsRoles maps each Group to a role.
	GroupsAsRoles
)

// String returns "departments" or "roles".
func (g GroupMode) String() string {
	if g == GroupsAsRoles {
		return "roles"
	}
	return "departments"
}

// CustomAttributes is a host's hook for attributes of its own: a schema extension
// the host maps onto member fields (the extended fields, a job title of its own…).
type CustomAttributes struct {
	// Schema is the extension's URN, e.g. "urn:example:params:scim:schemas:extension:acme:2.0:User".
	Schema string
	// Attributes define the extension's attributes (published in /Schemas, and what
	// filters and PATCH paths may name).
	Attributes []*Attribute
	// Render returns the extension object of a member (nil or empty when it has none).
	Render func(m *member.Member) map[string]any
	// Apply sets the member fields the extension object ext carries and returns the
	// fields it set; ext is nil when the request carries no extension object (a PUT
	// without it clears nothing the hook does not clear itself). An error is answered
	// 400 invalidValue with its text.
	Apply func(m *member.Member, ext map[string]any) ([]member.Field, error)
}

// Options configure a Handler. Directory and Authorize are required.
type Options struct {
	// Directory resolves the directory a request works on (multi-tenant hosts mount
	// one handler and tell tenants apart by host name, path or token). An error is
	// answered 404, or with its status when it is an *Error.
	Directory func(r *http.Request) (Target, error)
	// Authorize decides whether the request may act on the directory and returns the
	// actor recorded in the change sets the request makes ("scim:entra-app"). It is
	// called for every request, discovery endpoints included, before anything is read.
	// An error is answered 401, or with its status when it is an *Error (403…).
	Authorize func(r *http.Request, dir orgkit.DirectoryID) (actor string, err error)
	// Groups says whether Groups are departments (the default) or roles.
	Groups GroupMode
	// Custom maps a host's own schema extension onto member fields; nil for none.
	Custom *CustomAttributes
	// MaxBodyBytes bounds a request body; a larger one is refused with 413 before it is
	// parsed. Zero means DefaultMaxBodyBytes (1 MiB).
	MaxBodyBytes int64
	// MaxFilterDepth bounds the nesting of a filter (parentheses, not, value
	// filters); a deeper one is refused before it is parsed. Zero means
	// DefaultMaxFilterDepth.
	MaxFilterDepth int
	// MaxFilterLength bounds a filter's length in bytes. Zero means
	// DefaultMaxFilterLength.
	MaxFilterLength int
	// MaxResults bounds a list page (count); zero means 200.
	MaxResults int
	// AuthenticationSchemes are the schemes /ServiceProviderConfig advertises (how
	// the host's Authorize reads credentials); empty means an OAuth bearer token.
	AuthenticationSchemes []AuthenticationScheme
	// DocumentationURI is the host's help page for its SCIM endpoint, if any.
	DocumentationURI string
	// Logger receives a debug record per failed request (never a body, never a
	// password); nil means no logging.
	Logger *slog.Logger
}

// Handler is the SCIM 2.0 service provider: an http.Handler serving /Users, /Groups,
// /ServiceProviderConfig, /ResourceTypes and /Schemas over the directories Options
// resolves. Mount it with http.StripPrefix when it does not sit at the root of the
// host's URL space. It is safe for concurrent use.
//
// For ETags it keeps, for the 64 directories it served most recently, the version of
// the change set that last touched each User and Group, read from the directory's
// log (so every instance on one store answers the same ETag) and brought up to date
// as the log grows.
type Handler struct {
	opts    Options
	users   *resourceDef
	groups  *resourceDef
	parse   parseOptions
	touches touchIndexes
}

// NewHandler returns the SCIM handler. It panics when Options.Directory or
// Options.Authorize is nil: a SCIM endpoint without an authorizer must not exist.
func NewHandler(opts Options) *Handler {
	if opts.Directory == nil || opts.Authorize == nil {
		panic("scim: NewHandler needs Options.Directory and Options.Authorize")
	}
	if opts.MaxResults <= 0 {
		opts.MaxResults = 200
	}
	h := &Handler{opts: opts, users: newUserResourceType(), groups: newGroupResourceType()}
	if opts.Custom != nil && opts.Custom.Schema != "" {
		h.users.Extensions = append(h.users.Extensions, extensionDef{Schema: &schemaDef{ID: opts.Custom.Schema, Name: "Custom",
			Attributes: opts.Custom.Attributes}})
	}
	h.parse = parseOptions{MaxDepth: opts.MaxFilterDepth, MaxLength: opts.MaxFilterLength}
	return h
}

// request is one request being served: the resolved directory, the actor, the
// language of error texts and the base URL of resource locations.
type request struct {
	*Handler
	r     *http.Request
	ctx   context.Context
	svc   *directory.Service
	dir   orgkit.DirectoryID
	actor string
	lang  language.Tag
	base  string
}

// ServeHTTP implements http.Handler.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rq, err := h.begin(r)
	if err == nil {
		err = rq.route(w)
	}
	if err != nil {
		h.fail(w, r, err)
	}
}

// begin resolves the directory and authorizes the request.
func (h *Handler) begin(r *http.Request) (*request, error) {
	t, err := h.opts.Directory(r)
	if err != nil {
		var se *Error
		if errors.As(err, &se) {
			return nil, se
		}
		return nil, Errorf(http.StatusNotFound, "", "no directory is served here")
	}
	if t.Service == nil || t.Directory.IsZero() {
		return nil, Errorf(http.StatusNotFound, "", "no directory is served here")
	}
	actor, err := h.opts.Authorize(r, t.Directory)
	if err != nil {
		var se *Error
		if errors.As(err, &se) {
			return nil, se
		}
		return nil, Errorf(http.StatusUnauthorized, "", "the request is not authorized")
	}
	tags, _, _ := language.ParseAcceptLanguage(r.Header.Get("Accept-Language"))
	lang := language.English
	if len(tags) > 0 {
		lang = tags[0]
	}
	return &request{Handler: h, r: r, ctx: r.Context(), svc: t.Service, dir: t.Directory, actor: actor, lang: lang,
		base: baseURL(r)}, nil
}

// baseURL returns the URL the resource endpoints live under, as the client reached
// them: scheme, host and the path before /Users, /Groups… .
func baseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	if p := r.Header.Get("X-Forwarded-Proto"); p == "https" || p == "http" {
		scheme = p
	}
	path := r.URL.Path
	if u, err := url.ParseRequestURI(r.RequestURI); err == nil && u.Path != "" {
		path = u.Path // as the client sent it, before any http.StripPrefix
	}
	for _, ep := range []string{"/Users", "/Groups", "/ServiceProviderConfig", "/ResourceTypes", "/Schemas"} {
		if i := indexFold(path, ep); i >= 0 {
			path = path[:i]
			break
		}
	}
	return scheme + "://" + r.Host + strings.TrimSuffix(path, "/")
}

// indexFold returns the index of the last segment-aligned occurrence of ep in path,
// compared case-insensitively, or -1.
func indexFold(path, ep string) int {
	lp, le := strings.ToLower(path), strings.ToLower(ep)
	for i := strings.LastIndex(lp, le); i >= 0; i = strings.LastIndex(lp[:i], le) {
		end := i + len(le)
		if end == len(lp) || lp[end] == '/' || lp[end] == '?' {
			return i
		}
		if i == 0 {
			break
		}
	}
	return -1
}

// route dispatches the request by path and method.
func (rq *request) route(w http.ResponseWriter) error {
	path := strings.Trim(rq.r.URL.Path, "/")
	segs := strings.Split(path, "/")
	// The handler may sit below a prefix the host did not strip: find the endpoint.
	at := -1
	for i, s := range segs {
		switch strings.ToLower(s) {
		case "users", "groups", "serviceproviderconfig", "resourcetypes", "schemas":
			at = i
		}
		if at >= 0 {
			break
		}
	}
	if at < 0 {
		return Errorf(http.StatusNotFound, "", "unknown endpoint %q", rq.r.URL.Path)
	}
	ep, rest := strings.ToLower(segs[at]), segs[at+1:]
	if len(rest) > 1 {
		return Errorf(http.StatusNotFound, "", "unknown endpoint %q", rq.r.URL.Path)
	}
	id := ""
	if len(rest) == 1 {
		id = rest[0]
	}
	m := rq.r.Method
	switch ep {
	case "serviceproviderconfig", "resourcetypes", "schemas":
		if m != http.MethodGet {
			return notAllowed(m)
		}
		return rq.discovery(w, ep, id)
	case "users":
		switch {
		case id == "" && m == http.MethodGet:
			return rq.listUsers(w)
		case id == "" && m == http.MethodPost:
			return rq.createUser(w)
		case id == ".search" && m == http.MethodPost:
			return rq.searchUsers(w)
		case id != "" && m == http.MethodGet:
			return rq.getUser(w, id)
		case id != "" && m == http.MethodPut:
			return rq.replaceUser(w, id)
		case id != "" && m == http.MethodPatch:
			return rq.patchUser(w, id)
		case id != "" && m == http.MethodDelete:
			return rq.deleteUser(w, id)
		}
	case "groups":
		switch {
		case id == "" && m == http.MethodGet:
			return rq.listGroups(w)
		case id == "" && m == http.MethodPost:
			return rq.createGroup(w)
		case id != "" && m == http.MethodGet:
			return rq.getGroup(w, id)
		case id != "" && m == http.MethodPut:
			return rq.replaceGroup(w, id)
		case id != "" && m == http.MethodPatch:
			return rq.patchGroup(w, id)
		case id != "" && m == http.MethodDelete:
			return rq.deleteGroup(w, id)
		}
	}
	return notAllowed(m)
}

func notAllowed(method string) error {
	return Errorf(http.StatusMethodNotAllowed, "", "method %s is not supported here", method)
}

// fail writes err as a SCIM error body, mapping the library's errors.
func (h *Handler) fail(w http.ResponseWriter, r *http.Request, err error) {
	se := h.mapError(r, err)
	if h.opts.Logger != nil {
		h.opts.Logger.Debug("scim: request failed", "method", r.Method, "path", r.URL.Path, "status", se.Status,
			"scimType", string(se.ScimType), "detail", se.Detail)
	}
	writeError(w, se)
}

// mapError turns any error into an *Error: violations into 400 invalidValue (409
// uniqueness for a taken unique value, 400 mutability for a field the platform owns)
// with their localized text, the sentinels into their statuses.
func (h *Handler) mapError(r *http.Request, err error) *Error {
	var se *Error
	if errors.As(err, &se) {
		return se
	}
	tags, _, _ := language.ParseAcceptLanguage(r.Header.Get("Accept-Language"))
	lang := language.English
	if len(tags) > 0 {
		lang = tags[0]
	}
	var inv *orgkit.InvalidError
	switch {
	case errors.As(err, &inv):
		return violationsError(inv.Violations, lang)
	case errors.Is(err, orgkit.ErrNotFound):
		return Errorf(http.StatusNotFound, "", "not found")
	case errors.Is(err, orgkit.ErrConflict), errors.Is(err, orgkit.ErrPrecondition):
		return Errorf(http.StatusPreconditionFailed, "", "the resource changed since it was read")
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return Errorf(http.StatusServiceUnavailable, "", "the request was cancelled")
	}
	return &Error{Status: http.StatusInternalServerError, Detail: "internal server error"}
}

// violationsError maps violations to one SCIM error: 409 uniqueness when a unique
// value is taken, else 400 mutability when a field is owned by the platform, else
// 400 invalidValue; the detail is every violation's localized message.
func violationsError(vs []orgkit.Violation, lang language.Tag) *Error {
	status, typ := http.StatusBadRequest, ErrorInvalidValue
	var msgs []string
	for _, v := range vs {
		switch v.Code {
		case orgkit.CodeFieldDuplicate, orgkit.CodeNodeNameDuplicate, orgkit.CodeRoleNameDuplicate, orgkit.CodeNodeCodeDuplicate:
			status, typ = http.StatusConflict, ErrorUniqueness
		case orgkit.CodeFieldReadOnly:
			if typ != ErrorUniqueness {
				typ = ErrorMutability
			}
		}
		msgs = append(msgs, v.Text(lang))
	}
	return &Error{Status: status, ScimType: typ, Detail: strings.Join(msgs, "; ")}
}

// writeJSON writes v as a SCIM JSON response.
func writeJSON(w http.ResponseWriter, status int, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("scim: encoding the response: %w", err)
	}
	w.Header().Set("Content-Type", ContentType)
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	_, _ = w.Write(b)
	return nil
}

// readObject reads the request body (bounded) and decodes it as a JSON object.
func (rq *request) readObject() (map[string]any, error) {
	b, err := readBody(rq.r, rq.opts.MaxBodyBytes)
	if err != nil {
		return nil, err
	}
	var obj map[string]any
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.UseNumber()
	if err := dec.Decode(&obj); err != nil || obj == nil {
		return nil, Errorf(http.StatusBadRequest, ErrorInvalidSyntax, "the request body is not a JSON object")
	}
	if dec.More() {
		return nil, Errorf(http.StatusBadRequest, ErrorInvalidSyntax, "the request body holds more than one JSON value")
	}
	dropPasswords(obj)
	return obj, nil
}

// dropPasswords deletes an object's password attribute: never kept, never quoted.
func dropPasswords(obj map[string]any) {
	for k := range obj {
		if isPassword(k) {
			delete(obj, k)
		}
	}
}

// readPatch reads the request body (bounded) as a PatchOp message.
func (rq *request) readPatch() (*patchRequest, error) {
	b, err := readBody(rq.r, rq.opts.MaxBodyBytes)
	if err != nil {
		return nil, err
	}
	p, err := decodePatch(b)
	if err != nil {
		return nil, err
	}
	// A password (Okta's password sync) is never kept: it is dropped before anything
	// reads it, so that no error text or log record can quote it.
	ops := p.Operations[:0]
	for _, op := range p.Operations {
		if isPassword(op.Path) {
			continue
		}
		if obj, ok := op.Value.(map[string]any); ok && op.Path == "" {
			dropPasswords(obj)
		}
		ops = append(ops, op)
	}
	p.Operations = ops
	return p, nil
}

// isPassword reports whether an attribute path names the password.
func isPassword(path string) bool {
	path = strings.TrimSpace(path)
	if i := strings.LastIndex(path, ":"); i >= 0 && isCoreURN(path[:i]) {
		path = path[i+1:]
	}
	return strings.EqualFold(path, "password")
}

// meta returns the change metadata of a write the request makes.
func (rq *request) meta(reason string) directory.Meta {
	return directory.Meta{Actor: rq.actor, Reason: reason, Origin: directory.OriginAPI}
}

// snapshot returns the directory's current snapshot.
func (rq *request) snapshot() (*directory.Snapshot, error) {
	return rq.svc.Snapshot(rq.ctx, rq.dir)
}

// ifMatch checks the If-Match precondition against the resource's ETag: 412 when the
// header is given and names neither "*" nor the ETag.
func (rq *request) ifMatch(etag string) error {
	v := rq.r.Header.Get("If-Match")
	if v == "" {
		return nil
	}
	for _, t := range strings.Split(v, ",") {
		t = strings.TrimSpace(t)
		if t == "*" || t == etag || strings.TrimPrefix(t, "W/") == strings.TrimPrefix(etag, "W/") {
			return nil
		}
	}
	return Errorf(http.StatusPreconditionFailed, "", "the resource's version is %s, not %s", etag, v)
}

// conditional reports whether the request carries If-Match.
func (rq *request) conditional() bool { return rq.r.Header.Get("If-Match") != "" }

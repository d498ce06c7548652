package scim

import (
	"strings"
	"time"
)

// Schema URNs of RFC 7643 used by this package.
const (
	// UserSchema is the core User schema (RFC 7643 §4.1).
	UserSchema = "urn:ietf:params:scim:schemas:core:2.0:User"
	// GroupSchema is the core Group schema (RFC 7643 §4.2).
	GroupSchema = "urn:ietf:params:scim:schemas:core:2.0:Group"
	// EnterpriseUserSchema is the Enterprise User extension (RFC 7643 §4.3).
	EnterpriseUserSchema = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
	// SchemaSchema is the schema of the /Schemas documents (RFC 7643 §7).
	SchemaSchema = "urn:ietf:params:scim:schemas:core:2.0:Schema"
	// ResourceTypeSchema is the schema of the /ResourceTypes documents (RFC 7643 §6).
	ResourceTypeSchema = "urn:ietf:params:scim:schemas:core:2.0:ResourceType"
	// ServiceProviderConfigSchema is the schema of the /ServiceProviderConfig document
	// (RFC 7643 §5).
	ServiceProviderConfigSchema = "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"
)

// Type is the data type of an attribute (RFC 7643 §2.3).
type Type string

// The attribute data types of RFC 7643 §2.3.
const (
	String    Type = "string"
	Boolean   Type = "boolean"
	Decimal   Type = "decimal"
	Integer   Type = "integer"
	DateTime  Type = "dateTime"
	Binary    Type = "binary"
	Reference Type = "reference"
	Complex   Type = "complex"
)

// Mutability says whether and how a client may change an attribute (RFC 7643 §7).
// The zero value means ReadWrite.
type Mutability string

// The mutability values of RFC 7643 §7.
const (
	// ReadWrite: the attribute may be updated and read at any time (the default).
	ReadWrite Mutability = "readWrite"
	// ReadOnly: the attribute cannot be changed by a client; PATCH refuses a change to
	// it with scimType mutability (a value equal to the current one is accepted).
	ReadOnly Mutability = "readOnly"
	// Immutable: the attribute may be set once, when it has no value, and never changed.
	Immutable Mutability = "immutable"
	// WriteOnly: the attribute may be written but is never returned (a password).
	WriteOnly Mutability = "writeOnly"
)

// Returned says when an attribute appears in a response (RFC 7643 §7). The zero value
// means ReturnedDefault.
type Returned string

// The returned values of RFC 7643 §7.
const (
	// ReturnedDefault: returned unless excluded by excludedAttributes, or left out of an
	// attributes list (the default).
	ReturnedDefault Returned = "default"
	// Always: returned in every response, whatever attributes or excludedAttributes say.
	Always Returned = "always"
	// Never: never returned (a password).
	Never Returned = "never"
	// Request: returned only when named in the attributes list.
	Request Returned = "request"
)

// Uniqueness says how an attribute's values must be unique (RFC 7643 §7). The zero
// value means UniqueNone.
type Uniqueness string

// The uniqueness values of RFC 7643 §7.
const (
	// UniqueNone: values need not be unique (the default).
	UniqueNone Uniqueness = "none"
	// UniqueServer: unique within the service provider's current set of resources.
	UniqueServer Uniqueness = "server"
	// UniqueGlobal: globally unique.
	UniqueGlobal Uniqueness = "global"
)

// Attribute is an attribute definition of a schema (RFC 7643 §7): what type its values
// have, whether it is multi-valued, whether string comparisons are case-exact, and
// its mutability, returned and uniqueness characteristics. The zero values of
// Mutability, Returned and Uniqueness mean readWrite, default and none.
type Attribute struct {
	// Name is the attribute's name as it appears in resources (case-insensitive on input).
	Name string
	// Type is the data type; String when empty.
	Type Type
	// MultiValued: the value is a JSON array of values of Type.
	MultiValued bool
	// Description is a human-readable description, published in /Schemas.
	Description string
	// Required: a resource must have a value for it.
	Required bool
	// CanonicalValues lists the suggested values (e.g. "work", "home"), if any.
	CanonicalValues []string
	// CaseExact: string comparisons (filters, uniqueness) are case-sensitive.
	CaseExact bool
	// Mutability says whether a client may change it.
	Mutability Mutability
	// Returned says when a response includes it.
	Returned Returned
	// Uniqueness says how its values must be unique.
	Uniqueness Uniqueness
	// ReferenceTypes lists the resource types a reference may point to.
	ReferenceTypes []string
	// SubAttributes are the sub-attributes of a complex attribute.
	SubAttributes []*Attribute
}

// typ returns the attribute's type, String when unset.
func (a *Attribute) typ() Type {
	if a == nil || a.Type == "" {
		return String
	}
	return a.Type
}

// Sub returns the sub-attribute with the given name (case-insensitive), or nil.
func (a *Attribute) Sub(name string) *Attribute {
	if a == nil {
		return nil
	}
	return findAttr(a.SubAttributes, name)
}

// clone returns a deep copy of a.
func (a *Attribute) clone() *Attribute {
	if a == nil {
		return nil
	}
	c := *a
	c.CanonicalValues = append([]string(nil), a.CanonicalValues...)
	c.ReferenceTypes = append([]string(nil), a.ReferenceTypes...)
	c.SubAttributes = cloneAttrs(a.SubAttributes)
	return &c
}

func cloneAttrs(as []*Attribute) []*Attribute {
	if as == nil {
		return nil
	}
	out := make([]*Attribute, len(as))
	for i, a := range as {
		out[i] = a.clone()
	}
	return out
}

// findAttr returns the attribute named name (case-insensitive) in as, or nil.
func findAttr(as []*Attribute, name string) *Attribute {
	for _, a := range as {
		if a.Name == name {
			return a
		}
	}
	for _, a := range as {
		if strings.EqualFold(a.Name, name) {
			return a
		}
	}
	return nil
}

// schemaDef is a SCIM schema (RFC 7643 §7): a URN and the definitions of its attributes.
type schemaDef struct {
	// ID is the schema URN, e.g. UserSchema.
	ID string
	// Name is the human-readable name ("User").
	Name string
	// Description is a human-readable description.
	Description string
	// Attributes are the schema's top-level attributes.
	Attributes []*Attribute
}

// Attribute returns the top-level attribute with the given name (case-insensitive),
// or nil.
func (s *schemaDef) Attribute(name string) *Attribute {
	if s == nil {
		return nil
	}
	return findAttr(s.Attributes, name)
}

// Clone returns a deep copy of s, whose attribute definitions may be changed (for
// example made readOnly) without affecting s.
func (s *schemaDef) Clone() *schemaDef {
	if s == nil {
		return nil
	}
	c := *s
	c.Attributes = cloneAttrs(s.Attributes)
	return &c
}

// extensionDef is a schema extension of a resource type: its schema, and whether every
// resource must carry it.
type extensionDef struct {
	// Schema is the extension schema; its attributes live in resources under the
	// schema URN as a JSON object.
	Schema *schemaDef
	// Required: resources of the type must include the extension.
	Required bool
}

// resourceDef is a SCIM resource type (RFC 7643 §6): its name, endpoint, core schema
// and schema extensions. It is the schema this package's filter evaluator, PATCH and
// projection consult: which attributes exist, which are multi-valued, case-exact,
// read-only, and so on. The common attributes id, externalId and meta (RFC 7643 §3.1)
// are defined for every resource type and need not be listed in Schema.
//
// A resource is a JSON object as encoding/json decodes it into a map[string]any
// (numbers as float64 or json.Number); extension attributes live in a nested object
// under the extension's schema URN. Attribute names are matched case-insensitively.
type resourceDef struct {
	// ID is the resource type's identifier ("User").
	ID string
	// Name is the resource type's name ("User"), used in meta.resourceType.
	Name string
	// Description is a human-readable description.
	Description string
	// Endpoint is the path of the resource type's endpoint relative to the base URL
	// ("/Users").
	Endpoint string
	// Schema is the core schema.
	Schema *schemaDef
	// Extensions are the schema extensions.
	Extensions []extensionDef
}

// Clone returns a deep copy of rt. A host that must refuse writes to some attributes
// (because a platform owns them) clones the resource type and sets their Mutability to
// ReadOnly in the copy.
func (rt *resourceDef) Clone() *resourceDef {
	if rt == nil {
		return nil
	}
	c := *rt
	c.Schema = rt.Schema.Clone()
	c.Extensions = make([]extensionDef, len(rt.Extensions))
	for i, e := range rt.Extensions {
		c.Extensions[i] = extensionDef{Schema: e.Schema.Clone(), Required: e.Required}
	}
	return &c
}

// Extension returns the extension schema with the given URN (case-insensitive), or nil.
func (rt *resourceDef) Extension(urn string) *schemaDef {
	if rt == nil {
		return nil
	}
	for _, e := range rt.Extensions {
		if strings.EqualFold(e.Schema.ID, urn) {
			return e.Schema
		}
	}
	return nil
}

// Schemas returns the URNs of the core schema and every extension, in that order.
func (rt *resourceDef) Schemas() []string {
	if rt == nil {
		return nil
	}
	out := []string{rt.Schema.ID}
	for _, e := range rt.Extensions {
		out = append(out, e.Schema.ID)
	}
	return out
}

// Attribute returns the definition of the attribute a path names, or nil when the
// resource type has no such attribute. The path is a dotted attribute path as
// accepted by ParsePath ("userName", "name.givenName", "emails.value",
// "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager"); a value
// filter in it is ignored. Clone the resource type before changing what it returns.
func (rt *resourceDef) Attribute(path string) *Attribute {
	p, err := parsePath(path)
	if err != nil {
		return nil
	}
	a, _ := rt.lookup(p)
	if a != nil && findAttr(commonAttributes, a.Name) == a {
		a = a.clone() // the common definitions are shared by every resource type
	}
	if a == nil || p.Sub == "" {
		return a
	}
	return a.Sub(p.Sub)
}

// lookup resolves the top-level attribute a path names: its definition (nil when
// unknown) and the schema URN its value lives under ("" for the core schema and the
// common attributes, the extension URN for extension attributes). A path whose URN is
// neither the core schema nor an extension resolves to nil.
func (rt *resourceDef) lookup(p pathExpr) (*Attribute, string) {
	if rt == nil {
		return nil, ""
	}
	if p.URN != "" && !strings.EqualFold(p.URN, rt.Schema.ID) {
		ext := rt.Extension(p.URN)
		if ext == nil {
			return nil, ""
		}
		return ext.Attribute(p.Attr), ext.ID
	}
	if a := findAttr(commonAttributes, p.Attr); a != nil {
		return a, ""
	}
	return rt.Schema.Attribute(p.Attr), ""
}

// named returns the definition of the attribute k of a resource — top-level for
// urn "", else of the extension urn — and its name as defined: nil and k itself when
// rt (which may be nil) does not define it.
func (rt *resourceDef) named(urn, k string) (*Attribute, string) {
	var def *Attribute
	if urn == "" {
		def, _ = rt.lookup(pathExpr{Attr: k})
	} else {
		def = rt.Extension(urn).Attribute(k)
	}
	if def == nil {
		return nil, k
	}
	return def, def.Name
}

// commonAttributes are the attributes of every resource (RFC 7643 §3.1). They are
// never changed: resourceDef.Clone does not copy them.
var commonAttributes = []*Attribute{
	{Name: "id", Type: String, CaseExact: true, Mutability: ReadOnly, Returned: Always, Uniqueness: UniqueServer,
		Description: "Unique identifier for the SCIM resource as defined by the service provider."},
	{Name: "externalId", Type: String, CaseExact: true,
		Description: "Identifier of the resource as defined by the provisioning client."},
	{Name: "meta", Type: Complex, Mutability: ReadOnly,
		Description: "Resource metadata.",
		SubAttributes: []*Attribute{
			{Name: "resourceType", Type: String, CaseExact: true, Mutability: ReadOnly},
			{Name: "created", Type: DateTime, Mutability: ReadOnly},
			{Name: "lastModified", Type: DateTime, Mutability: ReadOnly},
			{Name: "location", Type: Reference, CaseExact: true, Mutability: ReadOnly, ReferenceTypes: []string{"uri"}},
			{Name: "version", Type: String, CaseExact: true, Mutability: ReadOnly},
		}},
}

// multi is a helper building the sub-attributes of the usual multi-valued complex
// attributes (emails, phoneNumbers, …): value, display, type and primary.
func multi(valueType Type, caseExactValue bool, canonical ...string) []*Attribute {
	return []*Attribute{
		{Name: "value", Type: valueType, CaseExact: caseExactValue},
		{Name: "display", Type: String},
		{Name: "type", Type: String, CanonicalValues: canonical},
		{Name: "primary", Type: Boolean},
	}
}

// newUserSchema returns the core User schema of RFC 7643 §4.1 (a fresh value each call).
func newUserSchema() *schemaDef {
	str := func(name, desc string) *Attribute { return &Attribute{Name: name, Type: String, Description: desc} }
	return &schemaDef{
		ID: UserSchema, Name: "User", Description: "User Account",
		Attributes: []*Attribute{
			{Name: "userName", Type: String, Required: true, Uniqueness: UniqueServer,
				Description: "Unique identifier for the User, typically used to authenticate directly with the service provider."},
			{Name: "name", Type: Complex, Description: "The components of the user's real name.",
				SubAttributes: []*Attribute{
					str("formatted", "The full name, formatted for display."),
					str("familyName", "The family name of the User."),
					str("givenName", "The given name of the User."),
					str("middleName", "The middle name(s) of the User."),
					str("honorificPrefix", "The honorific prefix(es) of the User."),
					str("honorificSuffix", "The honorific suffix(es) of the User."),
				}},
			str("displayName", "The name of the User, suitable for display to end-users."),
			str("nickName", "The casual way to address the user."),
			{Name: "profileUrl", Type: Reference, ReferenceTypes: []string{"external"}, Description: "A URI of the User's online profile."},
			str("title", "The user's title, such as \"Vice President\"."),
			str("userType", "The relationship between the organization and the user."),
			str("preferredLanguage", "The User's preferred written or spoken language."),
			str("locale", "The User's default location for localizing."),
			str("timezone", "The User's time zone in the IANA Time Zone database format."),
			{Name: "active", Type: Boolean, Description: "The User's administrative status."},
			{Name: "password", Type: String, Mutability: WriteOnly, Returned: Never,
				Description: "The User's cleartext password; never returned."},
			{Name: "emails", Type: Complex, MultiValued: true, Description: "Email addresses for the user.",
				SubAttributes: multi(String, false, "work", "home", "other")},
			{Name: "phoneNumbers", Type: Complex, MultiValued: true, Description: "Phone numbers for the User.",
				SubAttributes: multi(String, false, "work", "home", "mobile", "fax", "pager", "other")},
			{Name: "ims", Type: Complex, MultiValued: true, Description: "Instant messaging addresses for the User.",
				SubAttributes: multi(String, false)},
			{Name: "photos", Type: Complex, MultiValued: true, Description: "URLs of photos of the User.",
				SubAttributes: multi(Reference, true, "photo", "thumbnail")},
			{Name: "addresses", Type: Complex, MultiValued: true, Description: "A physical mailing address for this User.",
				SubAttributes: []*Attribute{
					str("formatted", "The full mailing address."),
					str("streetAddress", "The full street address component."),
					str("locality", "The city or locality component."),
					str("region", "The state or region component."),
					str("postalCode", "The zip code or postal code component."),
					str("country", "The country name component."),
					{Name: "type", Type: String, CanonicalValues: []string{"work", "home", "other"}},
					{Name: "primary", Type: Boolean},
				}},
			{Name: "groups", Type: Complex, MultiValued: true, Mutability: ReadOnly,
				Description: "A list of groups to which the user belongs.",
				SubAttributes: []*Attribute{
					{Name: "value", Type: String, Mutability: ReadOnly},
					{Name: "$ref", Type: Reference, Mutability: ReadOnly, ReferenceTypes: []string{"User", "Group"}},
					{Name: "display", Type: String, Mutability: ReadOnly},
					{Name: "type", Type: String, Mutability: ReadOnly, CanonicalValues: []string{"direct", "indirect"}},
				}},
			{Name: "entitlements", Type: Complex, MultiValued: true, Description: "A list of entitlements for the User.",
				SubAttributes: multi(String, false)},
			{Name: "roles", Type: Complex, MultiValued: true, Description: "A list of roles for the User.",
				SubAttributes: multi(String, false)},
			{Name: "x509Certificates", Type: Complex, MultiValued: true, Description: "A list of certificates issued to the User.",
				SubAttributes: multi(Binary, true)},
		},
	}
}

// newEnterpriseUserSchema returns the Enterprise User extension schema of RFC 7643 §4.3
// (a fresh value each call).
func newEnterpriseUserSchema() *schemaDef {
	str := func(name, desc string) *Attribute { return &Attribute{Name: name, Type: String, Description: desc} }
	return &schemaDef{
		ID: EnterpriseUserSchema, Name: "EnterpriseUser", Description: "Enterprise User",
		Attributes: []*Attribute{
			str("employeeNumber", "Numeric or alphanumeric identifier assigned to a person."),
			str("costCenter", "Identifies the name of a cost center."),
			str("organization", "Identifies the name of an organization."),
			str("division", "Identifies the name of a division."),
			str("department", "Identifies the name of a department."),
			{Name: "manager", Type: Complex, Description: "The User's manager.",
				SubAttributes: []*Attribute{
					{Name: "value", Type: String, CaseExact: true, Description: "The id of the SCIM resource representing the User's manager."},
					{Name: "$ref", Type: Reference, ReferenceTypes: []string{"User"}, Description: "The URI of the SCIM resource representing the User's manager."},
					{Name: "displayName", Type: String, Mutability: ReadOnly, Description: "The displayName of the User's manager."},
				}},
		},
	}
}

// newGroupSchema returns the core Group schema of RFC 7643 §4.2 (a fresh value each
// call). Member entries also accept "display", which identity providers send.
func newGroupSchema() *schemaDef {
	return &schemaDef{
		ID: GroupSchema, Name: "Group", Description: "Group",
		Attributes: []*Attribute{
			{Name: "displayName", Type: String, Required: true,
				Description: "A human-readable name for the Group."},
			{Name: "members", Type: Complex, MultiValued: true, Description: "A list of members of the Group.",
				SubAttributes: []*Attribute{
					{Name: "value", Type: String, CaseExact: true, Mutability: Immutable, Description: "Identifier of the member of this Group."},
					{Name: "$ref", Type: Reference, Mutability: Immutable, ReferenceTypes: []string{"User", "Group"}, Description: "The URI of the member resource."},
					{Name: "display", Type: String, Description: "A human-readable name of the member."},
					{Name: "type", Type: String, Mutability: Immutable, CanonicalValues: []string{"User", "Group"}, Description: "The type of the member."},
				}},
		},
	}
}

// newUserResourceType returns the User resource type, endpoint /Users, with the core
// User schema and the (optional) Enterprise User extension (a fresh value each call).
func newUserResourceType() *resourceDef {
	return &resourceDef{
		ID: "User", Name: "User", Endpoint: "/Users", Description: "User Account",
		Schema:     newUserSchema(),
		Extensions: []extensionDef{{Schema: newEnterpriseUserSchema()}},
	}
}

// newGroupResourceType returns the Group resource type, endpoint /Groups, with the core
// Group schema (a fresh value each call).
func newGroupResourceType() *resourceDef {
	return &resourceDef{
		ID: "Group", Name: "Group", Endpoint: "/Groups", Description: "Group",
		Schema: newGroupSchema(),
	}
}

// timeLayout is the dateTime format of RFC 7643 §2.3.5 (xsd:dateTime with a zone).
const timeLayout = time.RFC3339Nano

// cmpTimes compares two dateTime strings as instants; ok is false when either does
// not parse.
func cmpTimes(a, b string) (int, bool) {
	ta, err := time.Parse(time.RFC3339Nano, a)
	if err != nil {
		return 0, false
	}
	tb, err := time.Parse(time.RFC3339Nano, b)
	if err != nil {
		return 0, false
	}
	return ta.Compare(tb), true
}

// location joins a base URL and an endpoint path.
func location(baseURL, path string) string {
	return strings.TrimRight(baseURL, "/") + path
}

// document renders an attribute definition as in RFC 7643 §7, characteristics spelled
// out (defaults included) so clients need not know the defaults.
func (a *Attribute) document() map[string]any {
	d := map[string]any{
		"name":        a.Name,
		"type":        string(a.typ()),
		"multiValued": a.MultiValued,
		"description": a.Description,
		"required":    a.Required,
		"caseExact":   a.CaseExact,
		"mutability":  string(orDefault(a.Mutability, ReadWrite)),
		"returned":    string(orDefault(a.Returned, ReturnedDefault)),
		"uniqueness":  string(orDefault(a.Uniqueness, UniqueNone)),
	}
	if len(a.CanonicalValues) > 0 {
		d["canonicalValues"] = stringsAny(a.CanonicalValues)
	}
	if a.typ() == Reference {
		d["referenceTypes"] = stringsAny(a.ReferenceTypes)
	}
	if a.typ() == Complex {
		subs := make([]any, len(a.SubAttributes))
		for i, s := range a.SubAttributes {
			subs[i] = s.document()
		}
		d["subAttributes"] = subs
	}
	return d
}

func orDefault[T ~string](v, def T) T {
	if v == "" {
		return def
	}
	return v
}

func stringsAny(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

// Document returns the schema's /Schemas resource (RFC 7643 §7) as a JSON object, its
// meta.location under baseURL (the URL the SCIM endpoints are served at, e.g.
// "https://example.com/scim/v2"). Every attribute's characteristics are spelled out.
func (s *schemaDef) Document(baseURL string) map[string]any {
	attrs := make([]any, len(s.Attributes))
	for i, a := range s.Attributes {
		attrs[i] = a.document()
	}
	return map[string]any{
		"schemas":     []any{SchemaSchema},
		"id":          s.ID,
		"name":        s.Name,
		"description": s.Description,
		"attributes":  attrs,
		"meta": map[string]any{
			"resourceType": "Schema",
			"location":     location(baseURL, "/Schemas/"+s.ID),
		},
	}
}

// Document returns the resource type's /ResourceTypes resource (RFC 7643 §6) as a
// JSON object, its meta.location under baseURL.
func (rt *resourceDef) Document(baseURL string) map[string]any {
	d := map[string]any{
		"schemas":     []any{ResourceTypeSchema},
		"id":          rt.ID,
		"name":        rt.Name,
		"description": rt.Description,
		"endpoint":    rt.Endpoint,
		"schema":      rt.Schema.ID,
		"meta": map[string]any{
			"resourceType": "ResourceType",
			"location":     location(baseURL, "/ResourceTypes/"+rt.ID),
		},
	}
	if len(rt.Extensions) > 0 {
		exts := make([]any, len(rt.Extensions))
		for i, e := range rt.Extensions {
			exts[i] = map[string]any{"schema": e.Schema.ID, "required": e.Required}
		}
		d["schemaExtensions"] = exts
	}
	return d
}

// schemasOf returns the schemas of the resource types, core schemas and extensions,
// each once (by URN), in order: what /Schemas serves.
func schemasOf(rts ...*resourceDef) []*schemaDef {
	var out []*schemaDef
	seen := map[string]bool{}
	add := func(s *schemaDef) {
		if s != nil && !seen[strings.ToLower(s.ID)] {
			seen[strings.ToLower(s.ID)] = true
			out = append(out, s)
		}
	}
	for _, rt := range rts {
		if rt == nil {
			continue
		}
		add(rt.Schema)
		for _, e := range rt.Extensions {
			add(e.Schema)
		}
	}
	return out
}

// AuthenticationScheme is an authentication scheme a service provider supports
// (RFC 7643 §5).
type AuthenticationScheme struct {
	// Type is "oauthbearertoken", "httpbasic", "oauth", "oauth2" or "httpdigest".
	Type string
	// Name is the common name, e.g. "OAuth Bearer Token".
	Name string
	// Description describes the scheme.
	Description string
	// SpecURI is the URL of the scheme's specification, if any.
	SpecURI string
	// DocumentationURI is the URL of the host's documentation, if any.
	DocumentationURI string
	// Primary marks the preferred scheme.
	Primary bool
}

// serviceProviderConfig describes what the service provider supports (RFC 7643 §5).
// PATCH and filtering are supported; bulk, sorting and password change are not. The
// zero value is a valid configuration (an OAuth bearer token scheme, no maxResults).
type serviceProviderConfig struct {
	// DocumentationURI is the URL of the host's help for its SCIM endpoint, if any.
	DocumentationURI string
	// MaxResults is the most resources a query returns per page (0: not stated).
	MaxResults int
	// ETag reports whether resources carry ETags and If-Match is honoured.
	ETag bool
	// AuthenticationSchemes lists the accepted schemes; empty means one OAuth bearer
	// token scheme.
	AuthenticationSchemes []AuthenticationScheme
}

// Document returns the /ServiceProviderConfig resource (RFC 7643 §5) as a JSON object,
// its meta.location under baseURL.
func (c serviceProviderConfig) Document(baseURL string) map[string]any {
	schemes := c.AuthenticationSchemes
	if len(schemes) == 0 {
		schemes = []AuthenticationScheme{{Type: "oauthbearertoken", Name: "OAuth Bearer Token",
			Description: "Authentication with an OAuth bearer token", SpecURI: "https://www.rfc-editor.org/info/rfc6750", Primary: true}}
	}
	auth := make([]any, len(schemes))
	for i, s := range schemes {
		m := map[string]any{"type": s.Type, "name": s.Name, "description": s.Description}
		if s.SpecURI != "" {
			m["specUri"] = s.SpecURI
		}
		if s.DocumentationURI != "" {
			m["documentationUri"] = s.DocumentationURI
		}
		if s.Primary {
			m["primary"] = true
		}
		auth[i] = m
	}
	filter := map[string]any{"supported": true}
	if c.MaxResults > 0 {
		filter["maxResults"] = c.MaxResults
	}
	d := map[string]any{
		"schemas":               []any{ServiceProviderConfigSchema},
		"patch":                 map[string]any{"supported": true},
		"bulk":                  map[string]any{"supported": false, "maxOperations": 0, "maxPayloadSize": 0},
		"filter":                filter,
		"changePassword":        map[string]any{"supported": false},
		"sort":                  map[string]any{"supported": false},
		"etag":                  map[string]any{"supported": c.ETag},
		"authenticationSchemes": auth,
		"meta": map[string]any{
			"resourceType": "ServiceProviderConfig",
			"location":     location(baseURL, "/ServiceProviderConfig"),
		},
	}
	if c.DocumentationURI != "" {
		d["documentationUri"] = c.DocumentationURI
	}
	return d
}

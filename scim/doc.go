// Package scim is a SCIM 2.0 service provider (RFC 7643 schema, RFC 7644 protocol)
// over orgkit directories: enterprise identity providers — Microsoft Entra ID, Okta,
// OneLogin, JumpCloud, Google — push users and groups into a directory through it.
//
// NewHandler returns an http.Handler the host mounts on its own server. It serves
// /Users, /Groups, /ServiceProviderConfig, /ResourceTypes and /Schemas (no Bulk:
// neither Entra ID nor Okta sends it). For every request it resolves the directory
// through Options.Directory (multi-tenant hosts mount one handler) and calls
// Options.Authorize, which it never bypasses, before reading anything; the actor
// Authorize returns is recorded in every change set the request makes. Every write
// goes through directory.Service.Apply, the one write path, so every rule,
// read-only field and history record applies to provisioned changes as to any
// other.
//
// # Users
//
// A User is a member. The mapping:
//
//	SCIM attribute                          member
//	userName                                LoginAccount (required); on create also the
//	                                        system name (suffixed when another member holds it)
//	name.givenName, name.familyName         GivenName, FamilyName
//	displayName                             FullName
//	emails (type work, else primary)        Email (written form kept in EmailAsWritten)
//	phoneNumbers type mobile                Mobile (written form kept in MobileAsWritten)
//	phoneNumbers type work                  OfficePhone
//	title                                   JobTitle
//	preferredLanguage                       Language (BCP 47)
//	timezone                                TimeZone (IANA)
//	active                                  Status: false deactivates (the User stays
//	                                        visible), true activates
//	externalId                              ExternalID
//	enterprise employeeNumber               EmployeeNumber
//	enterprise department                   primary department: the department of that
//	                                        name under the company root, created there
//	                                        when there is none yet
//	enterprise organization                 AffiliatedOrganization: the organization (or
//	                                        the company) of that name; unknown → 400
//	enterprise manager                      ReportingManager; Entra ID's plain id string
//	                                        sets it, "" or null clears it; returned as
//	                                        {value, $ref, displayName}
//	groups (read-only)                      the member's departments or roles
//	password                                dropped as the request is read: never stored,
//	                                        returned, quoted in an error or logged
//	id                                      the member's ID
//	meta.version, ETag                      the version of the last change set that
//	                                        touched the member
//
// Other attributes (nickName, addresses, locale, …) are accepted and not kept.
// Options.Custom maps a host's own schema extension onto member fields.
//
// Members created through SCIM log in by login account (member.LoginByAccount, the
// password kept by the host or the identity provider), so they need no mobile or
// email. A member created otherwise appears as a User too; its userName is its login
// account, or its system name when it has none.
//
// # Reading back what was written
//
// The directory stores mobiles in E.164 form and emails lower-cased. An identity
// provider compares what it reads with what it sent and, with Entra ID, PATCHes any
// difference on every cycle; so the form a provider wrote is kept beside the stored
// value and returned instead of it, for as long as it still normalizes to the stored
// value (a later change by another path makes the stored form show). A write of the
// same value in another form changes nothing but the kept form.
//
// # Deleting and creating again
//
// DELETE /Users/{id} resigns the member (inactive; posts, roles and reporting lines
// removed, as the change set records) and marks it Deprovisioned: from then on GET
// answers 404 and no filter finds it, while the member and its history stay in the
// directory. A later POST with the same userName or externalId provisions that member
// again — the same id, active, with the attributes of the request — so Entra ID's
// re-creation after a hard delete succeeds. Until then the deprovisioned member keeps
// its unique values (an email, an employee number); a host that must release them
// erases the member (directory.Service.Erase). A POST whose userName or externalId
// is held by a live User is a 409 uniqueness conflict: a retried create never makes a
// duplicate.
//
// # Groups
//
// Options.Groups says what a Group is: a department (the default) or a role.
//
// A department Group is an active department; its members are the members affiliated
// to it, primary or secondary. POST /Groups creates a department under the company
// root (reactivating a deleted one of the same name; an active one of that name is a
// 409 uniqueness conflict — providers look groups up by displayName before creating
// them, and so find the department a user's enterprise department made). Adding a member makes the
// department the member's primary department when it has none, else a secondary one;
// removing a member takes the department away as either (leaving the member without a
// primary department when it was that). DELETE of a Group that still has members
// (Okta deletes such groups) takes the department from each of them and deactivates it
// in one change set; a department with active sub-departments cannot be deleted
// (400).
//
// A role Group is an active role other than the built-in org-admin role; its members
// are the role's holders. DELETE retires the role.
//
// Membership changes by PATCH add and remove become intent commands (member
// SetDepartments with AddSecondary or RemoveSecondary, role Assign and Unassign), so
// concurrent additions all land; Entra ID's Remove of members with a value list
// removes exactly those listed; Okta's name sync, a replace of {id, displayName}
// before each membership change, changes nothing when the name is the same. Group
// PATCH answers 204 No Content unless the request asks for attributes.
//
// # Protocol
//
// Filters: `userName eq`, `externalId eq`, `id eq` and `emails[type eq "work"].value
// eq` (alone or within an `and`) are answered from the directory's unique-value
// indexes (a lookup, whatever the directory's size); every other filter (co, sw, pr,
// or, not, …) is evaluated on each member, reading only the attributes the filter
// names: `displayName co "x"` costs a string comparison a member, not the rendering
// of a whole User with its groups, manager and department names. For Groups, `id eq`
// and `externalId eq` are lookups and other filters are evaluated on each group, with
// members listed only when the filter or the response needs them.
// Pagination by startIndex and count (at most Options.MaxResults); attributes and
// excludedAttributes. PUT replaces a resource (absent attributes are cleared, except
// the enterprise department, organization and manager, which a PUT without them
// leaves as they are); PATCH accepts the operations and path forms Entra ID and Okta
// send, quirks included (capitalized operation names, string booleans such as
// "False", value objects without a path). If-Match with a stale ETag is answered 412.
// A connection test — GET /Users?filter=userName eq "nonexistent", or
// startIndex=1&count=1 — answers 200 with an empty or one-element list.
//
// Errors are SCIM error bodies whose detail is the library's localized message (in the
// language of Accept-Language): a violation of a unique value is 409 uniqueness, a
// field owned by the platform a directory is synced from 400 mutability, any other
// rule 400 invalidValue; a bad filter is 400 invalidFilter. A body over
// Options.MaxBodyBytes (413) and a filter nested deeper than Options.MaxFilterDepth
// (400) are refused before they are parsed.
package scim

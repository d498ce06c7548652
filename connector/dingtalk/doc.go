// Package dingtalk reads a DingTalk (钉钉) organization's directory through
// DingTalk's server API, as a connector.Source for the sync engine; decodes
// DingTalk's contact-change event callbacks into delta snapshots; and resolves
// QR-code logins to directory members.
//
// # Setting up
//
// A Config holds the self-built internal app's AppKey and AppSecret, its agent ID
// and the organization's corp ID, checked by New up front; the secret never shows
// (String, fmt, JSON, slog and errors all redact it). Options inject the base URLs
// (the oapi host, the newer api host and the login host: tests, private
// deployments) and the *http.Client, a connector.TokenCache shared between
// instances, pacing and retries, the page size, the time zone of hire dates, and
// the table that maps extension attributes onto member fields.
//
// # Calls
//
// Every call takes a context. The app's access token (gettoken) is kept until five
// minutes before it expires; when DingTalk refuses it — 40014 (also 42001, 41001),
// as the error code or as the sub_code of an 88 answer — it is fetched again once
// and the call repeated. A busy answer (-1), throttling (90018 per second, 90006 per
// minute, 90005 per organization, 90002 platform-wide), HTTP 429 and 5xx and
// dropped connections are retried with backoff and jitter (Options.MaxRetries, 3 by
// default; a throttled call waits at least Options.ThrottleDelay, or what
// Retry-After asks). Bad credentials (40001, 40013, 40089, an untrusted IP 60020)
// and a spent monthly quota (90020) are never retried. Errors are
// *connector.PlatformError values carrying DingTalk's code, sub-code, message and
// request ID, matching connector.ErrBadCredentials, ErrRateLimited (90020
// included), ErrPermission (50002, 50004, 60011) or ErrPlatform; they never hold
// the token or the secret. CodeOf reads the code that says what happened (the
// sub-code under 88).
//
// # Fetching
//
// Fetch walks the departments breadth-first from the root, 1
// (/topapi/v2/department/listsub gives direct children only), reads each one
// (/topapi/v2/department/get: order and leaders), and pages every department's
// direct members (/topapi/v2/user/list, at most 100 a page, with the cursor until
// has_more is false), keeping each member once however many departments list it. A
// department out of the app's scope (50004, 60011) or gone meanwhile (60003) is
// named in Snapshot.PartialDepartments, so the sync applies the rest and changes
// nothing inside it. DingTalk leaves unset fields out of its answers, and mobile
// and email without their field permissions: a field no member of a fetch has is
// left out of the snapshot's fields, so the directory keeps owning it; a field
// some members have is empty for the others.
//
// # Field mapping
//
//	DingTalk                          orgkit
//	dept_id                           Department.ExternalID (the root, 1, is the directory's root)
//	parent_id                         Department.Parent
//	order                             Department.Order (smaller first, as DingTalk sorts)
//	name                              Department.Name
//	dept_manager_userid_list          Department.Leaders, in order: manager, then assistants
//	userid                            Member.ExternalID
//	name                              full name
//	mobile (with state_code)          mobile ("+<code> <number>" outside China)
//	email                             email
//	title                             job title
//	job_number                        employee number
//	hired_date (epoch ms)             hire date, the calendar day in Options.Location (China time)
//	work_place                        work place
//	telephone                         office phone
//	avatar                            avatar, as a reference (URL only)
//	dept_id_list[0]                   primary department (see below)
//	dept_id_list[1:]                  secondary departments
//	manager_userid (user/get)         reporting manager, with Options.ReportingManagers
//	leader_in_dept (user/get)         Member.LeaderIn, in change events
//	extension (JSON object)           the fields Options.Extension maps its keys onto
//	listed at all                     enabled (active is not mapped, see below)
//
// DingTalk's v2 user APIs carry no main department. The primary department is the
// first of dept_id_list, in the order DingTalk gives it (the order the departments
// were assigned in); the others are secondary. The rule is stable: the same answer
// always gives the same primary.
//
// The member field active says whether the person has activated their DingTalk
// account, not whether the account is enabled: it is not mapped. Everyone DingTalk
// lists is enabled; people who leave the organization disappear from the lists, and
// the sync deactivates them. The member lists give no manager: the reporting
// manager needs one user/get per member, which Options.ReportingManagers asks for;
// without it the reporting manager stays the directory's own.
//
// # Change events
//
// Callbacks verifies DingTalk's event callbacks (a SHA-1 signature over the token,
// timestamp, nonce and message; AES-256-CBC with the EncodingAESKey; the owner key
// inside), refuses stale and replayed ones (ErrCallbackRefused), and returns the
// event; Reply is the encrypted "success" DingTalk expects in answer to every
// callback, the URL check (check_url) included, and Handler serves it all as an
// http.Handler. Client.Delta turns contact events (user_add_org, user_modify_org,
// user_active_org, user_leave_org, org_dept_create, org_dept_modify,
// org_dept_remove) into delta snapshots for connector.SyncSnapshot, reading the
// members and departments they name, since the events carry only IDs. A member's
// details carry its leader flags (leader_in_dept), so an event can take a post
// away; a field a member's details leave out keeps its local value until the next
// full sync, as a delta cannot tell unset from withheld.
//
// # Login
//
// AuthURL builds the address of DingTalk's QR-code login page
// (login.dingtalk.com/oauth2/auth) for a state value (connector.NewLoginState).
// Login takes the redirect DingTalk sends the browser back with: it checks the
// state (connector.CheckLoginState), exchanges the authorization code for the
// user's token (/v1.0/oauth2/userAccessToken on the api host), reads the user's
// unionId (/v1.0/contact/users/me), maps it to the userid in the organization
// (/topapi/user/getbyunionid), and resolves that to the directory member with
// connector.ResolveLoginIn. Every refusal matches connector.ErrLoginRefused: a state
// mismatch, a code DingTalk refuses, a user outside the organization or bound to no
// member, an inactive member, a member whose login is blocked. LoginIdentity stops
// at the platform user.
//
// connector/connectortest.DingTalkServer serves a generated directory as this API
// does, and EncryptDingTalkCallback encrypts callbacks as DingTalk does, for tests.
package dingtalk

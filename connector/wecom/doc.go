// Package wecom reads a WeCom (企业微信) enterprise's directory through WeCom's
// server API, as a connector.Source for the sync engine.
//
// # Setting up
//
// A Config holds the corp ID, the self-built app's agent ID and its secret, checked
// by New up front; the secret never shows (String, fmt, JSON, slog and errors all
// redact it). Options inject the API's base URL and the *http.Client (tests,
// private deployments), a connector.TokenCache shared between instances, pacing,
// and the table that maps custom attributes onto member fields.
//
// # Calls
//
// Every call takes a context. The access token (gettoken) is kept until five
// minutes before it expires; when WeCom refuses it (40014 invalid, 42001 expired,
// 41001 missing) it is fetched again once and the call repeated. A busy answer (-1),
// throttling (45009, 45033), HTTP 429 and 5xx and dropped connections are retried
// with backoff and jitter (Options.MaxRetries, 3 by default; a throttled call waits
// at least Options.ThrottleDelay, or what Retry-After asks). Bad credentials (40001,
// 40013, an untrusted IP 60020 or 48009) are never retried. Errors are
// *connector.PlatformError values carrying WeCom's code, message and request ID
// (the "hint"), matching connector.ErrBadCredentials, ErrRateLimited,
// ErrPermission or ErrPlatform; they never hold the token or the secret.
//
// # Fetching
//
// Fetch lists the departments the app may see (department/simplelist, as WeCom
// recommends over the slow department/list), reads each (department/get) and its
// direct members (user/list), one department after another, and merges members
// listed under several departments. A department the app may not read (60011) is
// named in Snapshot.PartialDepartments, so the sync applies the rest and changes
// nothing inside it. Apps made since mid-2022 get no mobile, email, gender or
// avatar from the member lists: a fetch in which no member has one of those leaves
// it out of the snapshot's fields, so the directory keeps owning it.
//
// # Field mapping
//
//	WeCom                         orgkit
//	department.id                 Department.ExternalID (the root, 1, is the directory's root)
//	department.parentid           Department.Parent (a parent the app cannot see: the root)
//	department.order              Department.Order (WeCom sorts larger first; reversed)
//	department.name, name_en      Department.Name (default, "en")
//	department.department_leader  Department.Leaders, in order: manager, then assistants
//	user.userid                   Member.ExternalID
//	user.name                     member full name
//	user.position                 job title
//	user.mobile, email            mobile, email
//	user.gender "1"/"2"/"0"       male, female, unset
//	user.avatar                   avatar, as a reference (URL only)
//	user.telephone                office phone
//	user.main_department          primary department
//	user.department (others)      secondary departments
//	user.is_leader_in_dept        Member.LeaderIn (leader flags)
//	user.direct_leader[0]         reporting manager
//	user.status 1, 4 / 2 / 5      enabled (4: not yet activated) / disabled / resigned
//	user.extattr (text)           the fields Options.ExtAttrs maps them onto
//
// WeCom has no employee number or hire date: organizations keep them in custom
// attributes, which Options.ExtAttrs maps by name (dates as YYYY-MM-DD).
//
// # QR-code login
//
// Members log in by scanning a QR code with the WeCom app. LoginURL gives the
// address of WeCom's login page for a redirect URI (on the app's trusted domain) and
// a state value (connector.NewLoginState); LoginPanel the same parameters for the
// embeddable login component. WeCom redirects back with a code and the state: the
// host checks the state (connector.CheckLoginState), then Login exchanges the code
// for the member's userid (auth/getuserinfo, with the app's token) and resolves it
// to the directory's member (connector.ResolveLogin). Refusals match
// connector.ErrLoginRefused: a code WeCom refuses — invalid, used or expired, 40029
// — (connector.ErrLoginCode), someone outside the enterprise (WeCom answers an
// openid) or not in the directory (connector.ErrLoginUnknown), an inactive member
// (connector.ErrLoginInactive), a blocked one (connector.ErrLoginBlocked). Exchange
// alone returns the identity.
//
// # Change callbacks
//
// Callbacks verifies WeCom's callbacks (SHA-1 signature over the token, timestamp,
// nonce and message; AES-256-CBC with the EncodingAESKey; the receiver ID), refuses
// stale and replayed ones (ErrCallbackRefused), answers the URL check (VerifyURL),
// and decodes contact changes (change_contact) into delta snapshots for
// connector.SyncSnapshot: created and updated members with the fields the event
// carries (an event without a status leaves the status as it is), a changed userid
// as a rename (the only place WeCom reports one), deleted members, and departments
// created, updated and deleted.
//
// connector/connectortest.WeComServer serves a generated directory as this API does,
// and EncryptWeComCallback encrypts callbacks as WeCom does, for tests.
package wecom

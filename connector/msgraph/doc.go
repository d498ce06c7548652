// Package msgraph reads a Microsoft Entra ID (Azure AD) tenant's directory through
// Microsoft Graph, as a connector.Source and connector.DeltaSource for the sync
// engine — the directory behind Microsoft Teams.
//
// # Setting up
//
// A Config holds the tenant ID, the app registration's client ID and its credential
// for the client credentials flow: a client secret, or a certificate with its
// private key (ParseCertificate), with which the client signs a short-lived
// assertion (PS256, the certificate's SHA-256 thumbprint in the x5t#S256 header)
// instead of sending a secret. New checks it up front; neither credential ever shows
// (String, fmt, JSON, slog and errors all redact them). The app needs the
// application permission User.Read.All (or Directory.Read.All), and
// GroupMember.Read.All for Options.Group. Options inject the login and Graph hosts
// (tests, sovereign clouds) and the *http.Client, a connector.TokenCache shared
// between instances, pacing, the page size, and the mappings below.
//
// # Calls
//
// Every call takes a context. The app-only token comes from the tenant's v2.0 token
// endpoint and is kept until five minutes before it expires; when Graph refuses it
// (401) it is fetched again once and the call repeated. A refusal of the
// credentials (invalid_client, unauthorized_client, an unknown tenant) is never
// retried. Throttling (429), 503 and other server errors and dropped connections
// are retried with backoff and jitter (Options.MaxRetries, 3 by default), waiting
// what Retry-After asks when it says (seconds, fractional ones too). A missing
// permission (403 Authorization_RequestDenied) fails at once. Errors are
// *connector.PlatformError values carrying the HTTP status, Graph's error code,
// inner code and message, the request-id and the client-request-id the client
// sent, matching connector.ErrBadCredentials, ErrRateLimited, ErrPermission or
// ErrPlatform; they never hold the token, the secret or a request's address. Next
// and delta links are followed verbatim, and only when they point at the Graph
// host: the token goes nowhere else.
//
// # Fetching
//
// Fetch pages /users with an explicit $select and the manager expanded
// ($expand=manager($select=id)) by @odata.nextLink until the last page. Guests
// (userType Guest) are always left out, on the client side since the delta query
// cannot filter them; Options.Exclude leaves out other accounts (rooms, equipment,
// service accounts: Graph marks none of them), and Options.Group limits the
// directory to one group's members, nested groups included. Any failed page fails
// the fetch, and the sync applies nothing.
//
// Graph has no department entity: department and companyName are free text on
// each user. The client derives the departments from them
// (connector.Snapshot.DerivedDepartments): each distinct department string is a
// department (DepartmentID), directly under the root, or — with
// Options.CompanyLevel, for tenants of several companies — under a department for
// its companyName (CompanyID). The strings are compared exactly, after trimming
// spaces. A department nobody enabled is in any more is retired by the sync, in a
// delta too.
//
// # Deltas
//
// Fetch also takes the delta query's current position ($deltatoken=latest) before
// reading, as the snapshot's Cursor. FetchChanges follows that delta link to the
// next one: changed users with the properties the answer carries (a property it
// leaves out is kept as it is), the manager as manager@delta, users deleted
// (@removed), turned guest or excluded as removed members; a user listed on several
// pages is merged. An expired delta link (HTTP 400 syncStateNotFound, or 410), or a
// cursor that is not a users delta link of the Graph host, is
// connector.ErrCursorExpired, and connector.Sync falls back to a full fetch.
// Group membership has no delta: with Options.Group every sync reads everything.
//
// # Microsoft sign-in
//
// Members of a synced directory sign in with their Microsoft account (the
// equivalent of DingTalk's and WeCom's QR-code login, and how Teams users sign in):
// StartSignIn builds the tenant's authorization URL for the authorization code flow
// with OpenID Connect, with a fresh state, nonce and PKCE verifier (S256) that the
// host keeps with the user's session. SignInMember (or FinishSignIn, then
// connector.ResolveLoginIn) checks the state that comes back
// (connector.ErrLoginState), exchanges the code with the verifier and the app's
// credential (a refused code: connector.ErrLoginCode), and verifies the ID token
// itself — RS256 signature by a key the tenant publishes (its OpenID configuration
// and key set are read once, kept, and read again, at most once a minute, for a key
// ID they lack: Microsoft rotates its keys), the tenant's issuer, this app as the
// only audience, expiry and not-before with five minutes of clock skew, and the
// sign-in's nonce — refusing anything else with ErrIDToken. The user's object ID
// (oid) is then resolved to the member that sync bound to it; unknown users,
// inactive members and members whose login is blocked are refused
// (connector.ErrLoginUnknown, ErrLoginInactive, ErrLoginBlocked). Every refusal
// matches connector.ErrLoginRefused. The app registration needs the redirect URI as
// a Web platform redirect, and no API permission beyond openid and profile.
//
// # Field mapping
//
//	Microsoft Graph                  orgkit
//	user.id                          Member.ExternalID
//	user.displayName                 full name
//	user.mail                        email
//	user.userPrincipalName           SSO account (the sign-in name)
//	user.mobilePhone                 mobile
//	user.businessPhones[0]           office phone
//	user.jobTitle                    job title
//	user.employeeId                  employee number
//	user.employeeHireDate            hire date (the instant's date in Options.HireDateLocation, UTC by default)
//	user.preferredLanguage           language
//	user.department                  primary department (DepartmentID); none: the root
//	user.companyName                 the department's parent (CompanyID), with Options.CompanyLevel
//	user.manager / manager@delta     reporting manager
//	user.accountEnabled              enabled / disabled
//	user.userType Guest              left out (a delta reports the user removed)
//	user.onPremisesExtensionAttributes.extensionAttributeN
//	                                 the fields Options.ExtensionAttributes maps them onto
//
// Graph has no leaders, secondary departments, gender or avatar URL: those stay the
// directory's own, as do the department leaders.
//
// connector/connectortest.GraphServer serves a generated directory as Microsoft
// Graph and the identity platform do, for tests.
package msgraph

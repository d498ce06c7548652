// Package connector syncs a directory from an upstream platform — DingTalk, WeCom or
// Microsoft Teams (Microsoft Graph) — through the directory's one write path.
//
// # Sources
//
// A Source reads the upstream directory into a Snapshot: departments (external ID,
// parent, names, order, leaders) and members (external ID, field values with the list
// of fields upstream supplied, departments, leader flags, reporting manager, status).
// It declares the fields the platform owns (Fields). Optional capabilities are found by
// interface assertion: a DeltaSource fetches only what changed since a cursor, a
// DepartmentFetcher fetches one department's members. connector/connectortest has an
// in-memory Source and a generator of upstream directories of any size.
//
// Credentials are Secret values, which never show themselves: String, every fmt verb,
// JSON and slog all print "[redacted]".
//
// # Platform clients
//
// connector/wecom reads a WeCom enterprise through its API. Platform clients report
// API failures as *PlatformError (platform, API, HTTP status, codes, request ID,
// retry-after), matching ErrBadCredentials, ErrRateLimited, ErrPermission or
// ErrPlatform, and keep access tokens in a TokenCache that several instances can
// share (MemoryTokenCache in process).
//
// # Platform login
//
// The clients also log members in with the platform (QR-code login on DingTalk and
// WeCom, Microsoft sign-in): they build the platform's authorization URL for a state
// value and exchange the code the platform's redirect brings for a LoginIdentity —
// platform, tenant and the user ID that sync binds members by. ResolveLogin (or
// ResolveLoginIn, on a service's current snapshot) turns it into the member, refusing
// with a *LoginError an unknown user (ErrLoginUnknown), an inactive member
// (ErrLoginInactive), a blocked one (ErrLoginBlocked) and a directory bound elsewhere
// (ErrBoundElsewhere). NewLoginState makes an unguessable state value and
// CheckLoginState compares the returned one in constant time (ErrLoginState). A code
// the platform refuses is a *PlatformError of kind ErrLoginCode. Every refusal
// matches ErrLoginRefused.
//
// # Binding and read-only fields
//
// Bind (or the first Sync, in the same change set) binds a directory to the source's
// platform and tenant and declares the fields it owns, plus the external IDs and
// statuses of members and nodes, which the sync always owns (Fields.Normalized). From
// then on the directory refuses any other change of those fields with a
// field.read_only violation (errors.Is(err, orgkit.ErrReadOnly)); everything else —
// roles, observers, group and isolation settings, fields the platform does not own such
// as extended fields — stays editable. Merging departments is refused in a synced
// directory. A source may own only fields the sync writes (Fields.Validate: never a
// node's code, observers, group or isolation); one that learns at run time that the
// app may see fewer fields than it declares says so in its snapshots
// (Snapshot.Fields), and the directory is bound to those, so the others stay
// editable here.
//
// # Planning
//
// Plan diffs an upstream Snapshot against a directory.Snapshot and returns a SyncPlan:
// items, each with its command and reason, in the order the write path accepts them —
// the binding; departments parents first (create, bind, move, reactivate, rename,
// reorder); members created, bound, re-activated, updated, moved, given reporting
// managers; department leaders (the first leader is the manager, the others
// assistants); members leaving; departments gone upstream, deepest first. Nothing is
// ever deleted.
//
//   - Values: a field upstream did not supply keeps the local value; a supplied empty
//     value clears it — for members (Member.Present) and departments
//     (Department.Present) alike: a department listing without leaders keeps the
//     managers and assistants, one without names the names. Updates touch only the
//     fields the source owns; a new member gets every field upstream supplied (a new
//     department its name, parent and order; without a name it is named after its
//     external ID, without a parent it sits under the root).
//   - Leaders: where upstream gave a department's leaders, the first is its manager
//     and the others, then the members flagged as leading it (Member.LeaderIn), its
//     assistants. Where it did not, the posts stay, but members whose flags no longer
//     name the department lose them and newly flagged members gain them — in a delta
//     too.
//     Values are compared after the directory's normalization (a domestic
//     "13900000000" is the stored "+8613900000000").
//   - Status: a member disabled upstream is deactivated (member.Deactivate), one who
//     resigned resigns (member.Resign: roles go too), one missing from the snapshot is
//     deactivated (or resigns, with PlanOptions.ResignMissing); leaving active status
//     takes the member off every post, whitelist and reporting line. A member who comes
//     back with the same external ID is re-activated, never duplicated. Only members
//     with an external ID are the upstream's: local members are never deactivated.
//   - Changed IDs: a member whose upstream ID changed (Snapshot.RenamedMembers, old →
//     new, as WeCom's change_contact callback reports; the list APIs never do) stays
//     the same member, bound to the new ID. A host's callback handler passes such
//     changes on at once with SyncSnapshot.
//   - Departments gone upstream are deactivated, deepest first. Active members lose
//     them as affiliations first: a lost primary is replaced by the member's first
//     remaining secondary department, and with none left the primary is unassigned.
//     Inactive members keep them. A gone department that still holds local
//     sub-departments (never synced) is kept active, with a warning. Departments a
//     source derives from the members' strings (Snapshot.DerivedDepartments, as
//     Microsoft Graph's department and companyName) are gone once no enabled member
//     is in them, directly or below — in a delta too.
//   - First sync into a populated directory: departments match by external ID, then by
//     their path of names among nodes not bound yet; members by external ID, then by
//     the caller's PlanOptions.Bindings (upstream ID → local member), then by
//     PlanOptions.MatchKeys among members not bound yet. Exactly one match that no
//     other upstream member also matched binds (sets the external ID); several refuse
//     the plan with an *AmbiguousMatchError naming the upstream members and the local
//     candidates. No match creates — except that when upstream gives no usable key
//     (WeCom apps made since 2022 see neither mobiles nor emails) creating could
//     duplicate people: a first sync that leaves both upstream members and active
//     local members unmatched is refused with an *UnmatchedError naming both sides,
//     to be bound explicitly or created on purpose (PlanOptions.CreateUnmatched).
//
// # Repairs
//
// Upstream data that breaks a directory rule is repaired by a fixed rule, with a
// Warning, or the plan is refused — never a crash, never a half-applied tree:
//
//   - A department whose external ID is missing, not valid text (at most 128
//     characters, no control or invisible formatting characters), listed twice (the
//     second is skipped) or the root's: skipped. The root's own leaders are not synced
//     (the company root is the directory's). A blank name becomes the external ID; a
//     name longer than 128 characters is cut; a form in an invalid language is dropped.
//   - A name holding a character the directory refuses in every name and code — a
//     control character (NUL, ESC, …), a bidirectional override or isolate, a
//     zero-width or other invisible formatting character — is dropped with a warning
//     instead of failing the pass: a new department goes by its other forms (its
//     external ID for a bad default form), an existing one keeps its local name. A
//     member's value holding one is dropped like any value the member rules refuse.
//   - A department whose parent is not upstream sits under the root. In a parent cycle
//     the department with the greatest external ID moves under the root.
//   - Sibling names that collide (after normalization, in every language a sibling
//     uses): the upstream department with the smallest external ID keeps the name, the
//     others get the suffix " (<external ID>)". Local departments keep their names
//     against all of them; a gone, inactive department whose name an upstream
//     department now wants is renamed the same way. The outcome depends only on names
//     and external IDs, so it is the same on every run.
//   - A member whose external ID is missing, not valid text or listed twice (the
//     second is skipped): skipped.
//   - A department of a member that is not upstream is dropped from the member's
//     departments; none left means an unassigned primary.
//   - A value the member rules refuse (an invalid mobile, say) is dropped: the local
//     value stays, or a new member's field stays empty.
//   - A unique value (mobile, email, employee number, login or SSO account, system
//     name) that several upstream members want goes to the one with the smallest
//     external ID; the others lose it (the field is emptied; a system name gets the
//     suffix " (<external ID>)"). A member gone upstream gives up such a value in an
//     owned field; a local member keeps it. The outcome depends only on the upstream
//     data, not on the directory's past: syncing A then B gives the same synced data
//     as syncing B into an empty directory.
//   - A new member without a system name gets their full name (else their external ID).
//   - A login method whose contact is missing switches to the other contact; a member
//     with neither mobile nor email logs in through the platform
//     (member.LoginByPlatform), as members of WeCom apps made since 2022 do.
//   - A reporting manager or leader who is not an active upstream member is dropped. A
//     reporting cycle is broken by dropping the line of the member with the greatest
//     external ID in it.
//
// # Safety and applying
//
// Sync fetches, plans and applies the plan as one change set with origin sync — all or
// nothing — and returns a Report (counts by kind, warnings, durations of fetch, plan
// and apply). A fetch that fails or returns a Partial snapshot applies nothing. A
// snapshot that names only some departments as unreadable
// (Snapshot.PartialDepartments: out of the app's scope, say) applies everywhere else,
// and inside those departments deactivates and changes nothing it did not list. The
// safety rule counts people and structure alike: a plan that would take more than 500
// members or 20 % of the active members out of active status, deactivate more than
// 500 departments or 20 % of the active departments, or leave more than 500 active
// members or 20 % of them without any department (an upstream that suddenly lists no
// departments would do all of that) is refused with ErrTooManyDeactivations, whose
// text gives every count over its limit, unless PlanOptions.Force; the refused plan
// holds the counts (SyncPlan.Deactivations, DepartmentDeactivations, Unassigned).
// Running the same upstream again plans nothing and commits nothing.
//
// # Deltas
//
// A DeltaSource fetches only what changed since a cursor (SyncOptions.Cursor). The
// cursor in the Report moves on only when the sync succeeded — committed, or nothing
// to do — never after a dry run, a refusal or an error, so the next sync from it sees
// every change again. A cursor the platform has forgotten is ErrCursorExpired: Sync
// then fetches everything (Report.CursorExpired) and returns a fresh cursor.
package connector

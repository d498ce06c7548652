package connector

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"fmt"
	"strings"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/directory"
	"github.com/orgkit/orgkit/member"
)

// Errors of platform login (QR-code login on DingTalk and WeCom, Microsoft sign-in).
// A refused login is a *LoginError whose Kind is one of these (or ErrBoundElsewhere),
// or a *PlatformError of kind ErrLoginCode; all of them match ErrLoginRefused, so a
// host tells "refuse the login" from a failure to reach the platform (a
// *PlatformError of another kind) with one errors.Is.
var (
	// ErrLoginRefused matches every refused login below.
	ErrLoginRefused = fmt.Errorf("connector: login refused: %w", orgkit.ErrPrecondition)
	// ErrLoginUnknown: the platform user is not a member of the directory — no
	// member is bound to the user's ID, or the platform says the user is not in
	// the organization at all (WeCom answers an outsider's scan with an openid).
	ErrLoginUnknown = fmt.Errorf("%w: not a member of the directory", ErrLoginRefused)
	// ErrLoginInactive: the member is deactivated, resigned or retired here.
	ErrLoginInactive = fmt.Errorf("%w: the member is not active", ErrLoginRefused)
	// ErrLoginBlocked: the member's login is blocked here (member.SetLoginBlocked).
	ErrLoginBlocked = fmt.Errorf("%w: the member's login is blocked", ErrLoginRefused)
	// ErrLoginState: the state value that came back with the platform's redirect is
	// missing or is not the one the login started with (a forged or replayed
	// redirect).
	ErrLoginState = fmt.Errorf("%w: state mismatch", ErrLoginRefused)
	// ErrLoginCode: the platform refused the authorization code (invalid, expired
	// or already used). Clients report it as a *PlatformError of this kind.
	ErrLoginCode = fmt.Errorf("%w: the platform refused the login code", ErrLoginRefused)
)

// LoginIdentity is who a platform says logged in: the user ID the platform returned
// after a QR-code login or sign-in, in the form sync binds members by (WeCom's
// userid, DingTalk's userid, Microsoft Graph's user id), and the platform and tenant
// (corp ID, tenant ID) it belongs to.
type LoginIdentity struct {
	Platform orgkit.Platform
	TenantID string
	UserID   string
}

// String renders the identity as "wecom ww123/zhangsan".
func (id LoginIdentity) String() string {
	return fmt.Sprintf("%s %s/%s", id.Platform, id.TenantID, id.UserID)
}

// LoginError is a refused login. It matches its Kind (ErrLoginUnknown,
// ErrLoginInactive, ErrLoginBlocked, ErrLoginState, or ErrBoundElsewhere when the
// directory is bound to another platform or tenant), ErrLoginRefused and
// orgkit.ErrPrecondition with errors.Is. It never holds tokens, codes or state
// values.
type LoginError struct {
	// Identity is the platform user concerned (zero for a state mismatch).
	Identity LoginIdentity
	// Member is the directory member the user is bound to, when there is one
	// (inactive or blocked members).
	Member orgkit.MemberID
	// Kind says why the login was refused.
	Kind error
	// Detail says more, for logs (never shown as a reason to the user).
	Detail string
}

// Error renders the reason, the upstream user and the detail.
func (e *LoginError) Error() string {
	var b strings.Builder
	b.WriteString(e.Kind.Error())
	if e.Identity.UserID != "" {
		fmt.Fprintf(&b, ": %s user %q", e.Identity.Platform, e.Identity.UserID)
	}
	if !e.Member.IsZero() {
		fmt.Fprintf(&b, " (member %s)", e.Member)
	}
	if e.Detail != "" {
		b.WriteString(": " + e.Detail)
	}
	return b.String()
}

// Unwrap returns the kind, so errors.Is matches it and what it wraps.
func (e *LoginError) Unwrap() error { return e.Kind }

// Is matches ErrLoginRefused, whatever the kind.
func (e *LoginError) Is(target error) bool { return target == ErrLoginRefused }

// ResolveLogin returns the member of the directory snap that the platform user id
// belongs to, matched as sync binds members: the member whose external ID is
// id.UserID (surrounding white space ignored) in a directory bound to id.Platform
// and id.TenantID (compared ignoring case). It refuses, with a *LoginError:
//
//   - a directory bound to another platform or tenant, or not bound (ErrBoundElsewhere);
//   - a blank user ID or one no member is bound to (ErrLoginUnknown);
//   - a member who is not active — deactivated, resigned, retired (ErrLoginInactive);
//   - a member whose login is blocked (ErrLoginBlocked).
//
// The member is returned as a copy that is the caller's.
func ResolveLogin(snap *directory.Snapshot, id LoginIdentity) (member.Member, error) {
	if snap == nil {
		return member.Member{}, fmt.Errorf("connector: ResolveLogin needs a snapshot: %w", orgkit.ErrInvalid)
	}
	id.UserID = strings.TrimSpace(id.UserID)
	set := snap.Settings()
	if !set.Platform.Synced() || set.Platform != id.Platform || !strings.EqualFold(set.UpstreamID, id.TenantID) {
		return member.Member{}, &LoginError{Identity: id, Kind: ErrBoundElsewhere,
			Detail: fmt.Sprintf("the directory is bound to %s %q", set.Platform, set.UpstreamID)}
	}
	if id.UserID == "" {
		return member.Member{}, &LoginError{Identity: id, Kind: ErrLoginUnknown, Detail: "the platform returned no user ID"}
	}
	m, ok := snap.MemberBy(member.ExternalIDField, id.UserID)
	switch {
	case !ok:
		return member.Member{}, &LoginError{Identity: id, Kind: ErrLoginUnknown}
	case m.Status != orgkit.Active:
		return member.Member{}, &LoginError{Identity: id, Member: m.ID, Kind: ErrLoginInactive, Detail: "status " + m.Status.String()}
	case m.LoginBlocked:
		return member.Member{}, &LoginError{Identity: id, Member: m.ID, Kind: ErrLoginBlocked}
	}
	return m, nil
}

// ResolveLoginIn is ResolveLogin on the service's current snapshot of the directory.
func ResolveLoginIn(ctx context.Context, svc *directory.Service, dir orgkit.DirectoryID, id LoginIdentity) (member.Member, error) {
	if svc == nil {
		return member.Member{}, fmt.Errorf("connector: ResolveLoginIn needs a service: %w", orgkit.ErrInvalid)
	}
	snap, err := svc.Snapshot(ctx, dir)
	if err != nil {
		return member.Member{}, err
	}
	return ResolveLogin(snap, id)
}

// NewLoginState returns a fresh, unguessable state value for one login: 128 bits
// from crypto/rand as 26 characters of base32 (letters A–Z and digits 2–7), safe in
// any URL. Keep it with the user's session and check the value the platform's
// redirect brings back with CheckLoginState.
func NewLoginState() string { return rand.Text() }

// CheckLoginState compares the state value a login started with (want) and the one
// the platform's redirect returned (got) in constant time. A mismatch, or an empty
// want or got, is a *LoginError matching ErrLoginState; neither value appears in it.
func CheckLoginState(want, got string) error {
	if want == "" || got == "" {
		return &LoginError{Kind: ErrLoginState, Detail: "no state value"}
	}
	if subtle.ConstantTimeCompare([]byte(want), []byte(got)) != 1 {
		return &LoginError{Kind: ErrLoginState}
	}
	return nil
}

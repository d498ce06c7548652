package connector

import (
	"fmt"
	"strings"

	"github.com/orgkit/orgkit"
)

// Errors of the sync. Each wraps orgkit.ErrPrecondition: the upstream data or the
// directory's state does not allow the sync, and nothing was applied.
var (
	// ErrTooManyDeactivations: the plan would take more members out of active status,
	// deactivate more departments, or leave more active members without any
	// department than PlanOptions allow (500, or 20 % of the active members or
	// departments, unless Force). The error's text gives every count over its limit;
	// the plan returned with it holds them all.
	ErrTooManyDeactivations = fmt.Errorf("connector: too many deactivations: %w", orgkit.ErrPrecondition)
	// ErrAmbiguousMatch: on a first sync into a populated directory, an upstream
	// member matched several local members, or several upstream members matched one.
	// The error is an *AmbiguousMatchError naming them.
	ErrAmbiguousMatch = fmt.Errorf("connector: ambiguous member match: %w", orgkit.ErrPrecondition)
	// ErrUnmatched: on a first sync into a populated directory, upstream members
	// matched no local member while active local members were left unmatched too, so
	// creating them might duplicate people. The error is an *UnmatchedError naming
	// both sides.
	ErrUnmatched = fmt.Errorf("connector: unmatched members on a first sync: %w", orgkit.ErrPrecondition)
	// ErrPartialFetch: the Source returned an incomplete snapshot.
	ErrPartialFetch = fmt.Errorf("connector: partial fetch: %w", orgkit.ErrPrecondition)
	// ErrCursorExpired: the cursor given to DeltaSource.FetchChanges is no longer
	// valid (Microsoft Graph answers an old delta link with HTTP 400
	// syncStateNotFound, other platforms with 410 Gone). A DeltaSource returns an
	// error that matches it; Sync then fetches everything instead.
	ErrCursorExpired = fmt.Errorf("connector: cursor expired: %w", orgkit.ErrPrecondition)
	// ErrBoundElsewhere: the directory is bound to another platform or tenant.
	ErrBoundElsewhere = fmt.Errorf("connector: directory bound to another upstream: %w", orgkit.ErrPrecondition)
)

// AmbiguousMatchError lists every ambiguous match of a first sync. It matches
// ErrAmbiguousMatch and orgkit.ErrPrecondition with errors.Is.
type AmbiguousMatchError struct {
	Matches []Ambiguity // every ambiguous match found
}

// Ambiguity is one ambiguous match: the upstream members and the local members they
// matched.
type Ambiguity struct {
	// ExternalIDs are the upstream members concerned.
	ExternalIDs []string
	// Candidates are the local members they matched, with the key that matched each.
	Candidates []Candidate
}

// Candidate is a local member that an upstream member matched by a key.
type Candidate struct {
	Member orgkit.MemberID // the local member
	Name   string          // its display name
	Key    string          // the member field that matched, e.g. "mobile"
}

// Error names every upstream member and local candidate (up to ten ambiguities).
func (e *AmbiguousMatchError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "connector: %d ambiguous member match(es)", len(e.Matches))
	for i, a := range e.Matches {
		if i == 10 {
			fmt.Fprintf(&b, "; … and %d more", len(e.Matches)-10)
			break
		}
		b.WriteString("; upstream ")
		for j, x := range a.ExternalIDs {
			if j > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "%q", x)
		}
		b.WriteString(" matched ")
		for j, c := range a.Candidates {
			if j > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "%q (%s) by %s", c.Name, c.Member, c.Key)
		}
	}
	return b.String()
}

// Is matches ErrAmbiguousMatch and orgkit.ErrPrecondition.
func (e *AmbiguousMatchError) Is(target error) bool {
	return target == ErrAmbiguousMatch || target == orgkit.ErrPrecondition
}

// UnmatchedError lists, on a first sync into a populated directory, the upstream
// members that matched no local member and the active local members that no upstream
// member matched. Bind the pairs that are the same people (PlanOptions.Bindings), or
// let the sync create the rest (PlanOptions.CreateUnmatched). It matches ErrUnmatched
// and orgkit.ErrPrecondition with errors.Is.
type UnmatchedError struct {
	Upstream []UnmatchedUpstream // upstream members that matched no local member, by external ID
	Local    []UnmatchedLocal    // active local members without external ID that none matched
}

// UnmatchedUpstream is an upstream member that matched no local member.
type UnmatchedUpstream struct {
	ExternalID string // its ID upstream
	Name       string // its display name upstream
}

// UnmatchedLocal is a local member that no upstream member matched.
type UnmatchedLocal struct {
	Member orgkit.MemberID // the local member
	Name   string          // its display name
}

// Error names both sides (up to ten of each).
func (e *UnmatchedError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "connector: first sync: %d upstream member(s) matched no local member while %d active local member(s) matched none; bind them (PlanOptions.Bindings) or create them (PlanOptions.CreateUnmatched)",
		len(e.Upstream), len(e.Local))
	b.WriteString("; upstream:")
	for i, u := range e.Upstream {
		if i == 10 {
			fmt.Fprintf(&b, " … and %d more", len(e.Upstream)-10)
			break
		}
		fmt.Fprintf(&b, " %q (%s)", u.ExternalID, u.Name)
	}
	b.WriteString("; local:")
	for i, l := range e.Local {
		if i == 10 {
			fmt.Fprintf(&b, " … and %d more", len(e.Local)-10)
			break
		}
		fmt.Fprintf(&b, " %q (%s)", l.Name, l.Member)
	}
	return b.String()
}

// Is matches ErrUnmatched and orgkit.ErrPrecondition.
func (e *UnmatchedError) Is(target error) bool {
	return target == ErrUnmatched || target == orgkit.ErrPrecondition
}

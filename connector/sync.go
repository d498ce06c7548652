package connector

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/directory"
	"github.com/orgkit/orgkit/member"
)

// Bind binds the directory to the source's platform and tenant and declares the
// fields it owns (Fields.Normalized): from then on those fields change only through
// sync. It rebinds a directory bound elsewhere. Sync binds an unbound directory by
// itself, in the same change set as its first changes.
//
// Bind refuses a source whose fields do not pass Fields.Validate.
func Bind(ctx context.Context, svc *directory.Service, dir orgkit.DirectoryID, src Source) (*directory.Snapshot, error) {
	if err := src.Fields().Validate(); err != nil {
		return nil, err
	}
	res, err := svc.Apply(ctx, dir, directory.Meta{Origin: directory.OriginSync, Reason: fmt.Sprintf("bind to %s %q", src.Platform(), src.TenantID())},
		bindCommand(src.Platform(), src.TenantID(), src.Fields()))
	if err != nil {
		return nil, err
	}
	return res.Snapshot, nil
}

// SyncOptions tune Sync.
type SyncOptions struct {
	PlanOptions
	// Actor and Reason go into the change set's metadata; Reason defaults to
	// "sync from <platform>".
	Actor  string
	Reason string
	// Cursor, with a DeltaSource, fetches only what changed since the cursor of an
	// earlier sync (Report.Cursor) instead of everything.
	Cursor string
	// Departments, with a DepartmentFetcher, refreshes only the members of these
	// departments (external IDs); nothing else changes and nobody is deactivated.
	Departments []string
	// DryRun plans without applying: the Report holds the plan.
	DryRun bool
	// Clock measures durations; nil means time.Now.
	Clock func() time.Time
}

// Report is what a sync did, for the host to show.
type Report struct {
	// Directory is the directory synced; Platform and TenantID the upstream.
	Directory orgkit.DirectoryID
	Platform  orgkit.Platform
	TenantID  string
	// Version is the directory's version after the sync: the committed change set's,
	// or the unchanged version when there was nothing to do.
	Version uint64
	// Committed reports whether a change set was committed.
	Committed bool
	// Plan is the plan applied (or refused).
	Plan *SyncPlan
	// Counts are the plan's items by kind.
	Counts map[ItemKind]int
	// Warnings are the repairs the planner made to upstream data.
	Warnings []Warning
	// Durations of the three phases.
	Fetch, Planning, Apply time.Duration
	// Cursor is where the next delta sync starts, when the source supports deltas:
	// the source's new cursor after a successful sync, else the cursor the sync was
	// given (see Sync).
	Cursor string
	// CursorExpired reports that the source refused the cursor as expired
	// (ErrCursorExpired), so Sync fetched everything instead.
	CursorExpired bool
}

// String summarizes the report on a few lines.
func (r *Report) String() string {
	var b strings.Builder
	state := "nothing to do"
	switch {
	case r.Committed:
		state = fmt.Sprintf("committed version %d", r.Version)
	case r.Plan != nil && !r.Plan.Empty():
		state = fmt.Sprintf("not applied (%d items planned)", len(r.Plan.Items))
	}
	fmt.Fprintf(&b, "sync from %s %q: %s\n", r.Platform, r.TenantID, state)
	fmt.Fprintf(&b, "  changes: %s\n", countsString(r.Counts))
	fmt.Fprintf(&b, "  warnings: %d\n", len(r.Warnings))
	fmt.Fprintf(&b, "  fetch %s, plan %s, apply %s\n", r.Fetch.Round(time.Microsecond), r.Planning.Round(time.Microsecond), r.Apply.Round(time.Microsecond))
	return b.String()
}

// Sync fetches the source, plans, and applies the plan as one change set with origin
// sync: all or nothing. It binds an unbound directory in the same change set. A second
// run with the same upstream plans nothing and commits nothing.
//
// Nothing is applied when the fetch fails or is partial (ErrPartialFetch), or when
// Plan refuses; the error says why, and the returned Report (never nil) holds what is
// known so far — with ErrTooManyDeactivations, the refused plan. A directory that
// changed between planning and applying is planned again (up to three times).
//
// With SyncOptions.Cursor, Sync fetches only the changes since the cursor. When the
// source answers that the cursor has expired (ErrCursorExpired), Sync fetches
// everything instead and sets Report.CursorExpired. Report.Cursor is where the next
// sync starts: the source's new cursor once the sync succeeded (committed, or nothing
// to do), else — after a dry run, a refusal or an error — the cursor it was given
// ("" after an expired one: start with a full sync), so that no change is skipped.
func Sync(ctx context.Context, svc *directory.Service, dir orgkit.DirectoryID, src Source, opts SyncOptions) (*Report, error) {
	now := opts.Clock
	if now == nil {
		now = time.Now
	}
	rep := &Report{Directory: dir, Platform: src.Platform(), TenantID: src.TenantID(), Counts: map[ItemKind]int{}, Cursor: opts.Cursor}
	t := now()
	up, err := fetch(ctx, src, opts, rep, boundFields(ctx, svc, dir, src))
	rep.Fetch = now().Sub(t)
	if err != nil {
		return rep, err
	}
	if err := apply(ctx, svc, dir, up, opts, rep); err != nil {
		return rep, err
	}
	if !opts.DryRun {
		rep.Cursor = cmp.Or(up.Cursor, rep.Cursor)
	}
	return rep, nil
}

// apply plans up against the directory and, unless opts.DryRun, applies the plan,
// filling rep.
func apply(ctx context.Context, svc *directory.Service, dir orgkit.DirectoryID, up *Snapshot, opts SyncOptions, rep *Report) error {
	now := opts.Clock
	if now == nil {
		now = time.Now
	}
	if opts.Rules == (member.Rules{}) {
		opts.Rules = svc.Rules()
	}
	meta := directory.Meta{Actor: opts.Actor, Reason: cmp.Or(opts.Reason, "sync from "+string(up.Platform)), Origin: directory.OriginSync}
	for attempt := 0; ; attempt++ {
		snap, err := svc.Snapshot(ctx, dir)
		if err != nil {
			return err
		}
		t := now()
		plan, err := Plan(ctx, snap, up, opts.PlanOptions)
		rep.Planning += now().Sub(t)
		if plan != nil {
			rep.Plan, rep.Counts, rep.Warnings = plan, plan.Counts(), plan.Warnings
		}
		if err != nil {
			return err
		}
		rep.Version = snap.Version()
		if plan.Empty() || opts.DryRun {
			return nil
		}
		meta.IfVersion = snap.Version()
		t = now()
		res, err := svc.Apply(ctx, dir, meta, plan.Commands()...)
		rep.Apply += now().Sub(t)
		if errors.Is(err, orgkit.ErrConflict) && attempt < 2 {
			continue // the directory moved on: plan again on the fresh state
		}
		if err != nil {
			return fmt.Errorf("connector: applying the sync plan: %w", err)
		}
		if res.ChangeSet != nil {
			rep.Version, rep.Committed = res.ChangeSet.Version, true
		}
		return nil
	}
}

// Fetch reads the whole upstream directory from the source, as Sync does: the
// snapshot's Platform, TenantID and Fields are the source's, and a partial snapshot
// is an error (ErrPartialFetch). Give the result to Plan for a dry run.
func Fetch(ctx context.Context, src Source) (*Snapshot, error) {
	return fetch(ctx, src, SyncOptions{}, &Report{}, nil)
}

// fetch reads the source (a delta from the cursor, some departments' members, or
// everything) and stamps the snapshot with the source's platform, tenant and fields.
// After an expired cursor it reads everything, sets rep.CursorExpired and clears
// rep.Cursor.
func fetch(ctx context.Context, src Source, opts SyncOptions, rep *Report, bound *Fields) (*Snapshot, error) {
	up, err := fetchRaw(ctx, src, opts)
	if err != nil && errors.Is(err, ErrCursorExpired) && len(opts.Departments) == 0 {
		rep.CursorExpired, rep.Cursor = true, ""
		up, err = nilSnapshot(src.Fetch(ctx))
	}
	if err != nil {
		return nil, fmt.Errorf("connector: fetch from %s %q: %w", src.Platform(), src.TenantID(), err)
	}
	if err := stamp(src, up, bound); err != nil {
		return nil, err
	}
	return up, nil
}

// stamp refuses a partial snapshot, gives the snapshot the source's platform and
// tenant, and settles its fields: the source's declared ones, or fewer when the
// snapshot says so (never others); a delta that says nothing keeps bound, the fields
// of the directory's binding to this upstream, when given.
func stamp(src Source, up *Snapshot, bound *Fields) error {
	if up.Partial {
		return fmt.Errorf("connector: %s %q returned a partial snapshot: %w", src.Platform(), src.TenantID(), ErrPartialFetch)
	}
	declared := src.Fields()
	if err := declared.Validate(); err != nil {
		return fmt.Errorf("connector: %s %q: %w", src.Platform(), src.TenantID(), err)
	}
	switch {
	case up.Fields.IsZero() && up.Delta && bound != nil:
		up.Fields = *bound
	case up.Fields.IsZero():
		up.Fields = declared
	}
	if extra := up.Fields.notIn(declared); len(extra) > 0 {
		return fmt.Errorf("connector: %s %q: the snapshot claims %s, which the source does not declare: %w",
			src.Platform(), src.TenantID(), strings.Join(extra, ", "), orgkit.ErrInvalid)
	}
	up.Platform, up.TenantID = src.Platform(), src.TenantID()
	return nil
}

// boundFields returns the fields of the directory's binding when it is bound to the
// source's upstream, else nil.
func boundFields(ctx context.Context, svc *directory.Service, dir orgkit.DirectoryID, src Source) *Fields {
	snap, err := svc.Snapshot(ctx, dir)
	if err != nil {
		return nil
	}
	set := snap.Settings()
	if set.Platform != src.Platform() || set.UpstreamID != src.TenantID() || len(set.SyncedMemberFields)+len(set.SyncedNodeFields) == 0 {
		return nil
	}
	return &Fields{Member: slices.Clone(set.SyncedMemberFields), Node: slices.Clone(set.SyncedNodeFields)}
}

// SyncSnapshot syncs the directory from a snapshot the caller already holds instead
// of fetching one: typically a delta (Snapshot.Delta) that a host's handler of the
// platform's change callbacks built, such as WeCom's change_contact carrying a
// changed userid (Snapshot.RenamedMembers). The snapshot takes the source's platform,
// tenant and fields, and is not modified. Otherwise it plans and applies as Sync
// does; Report.Cursor is the snapshot's cursor once applied (else opts.Cursor).
func SyncSnapshot(ctx context.Context, svc *directory.Service, dir orgkit.DirectoryID, src Source, up *Snapshot, opts SyncOptions) (*Report, error) {
	rep := &Report{Directory: dir, Platform: src.Platform(), TenantID: src.TenantID(), Counts: map[ItemKind]int{}, Cursor: opts.Cursor}
	if up == nil {
		return rep, fmt.Errorf("connector: SyncSnapshot needs a snapshot: %w", orgkit.ErrInvalid)
	}
	c := *up
	if err := stamp(src, &c, boundFields(ctx, svc, dir, src)); err != nil {
		return rep, err
	}
	if err := apply(ctx, svc, dir, &c, opts, rep); err != nil {
		return rep, err
	}
	if !opts.DryRun {
		rep.Cursor = cmp.Or(c.Cursor, rep.Cursor)
	}
	return rep, nil
}

func fetchRaw(ctx context.Context, src Source, opts SyncOptions) (*Snapshot, error) {
	if len(opts.Departments) > 0 {
		df, ok := src.(DepartmentFetcher)
		if !ok {
			return nil, fmt.Errorf("the source cannot fetch single departments: %w", orgkit.ErrInvalid)
		}
		up := &Snapshot{Delta: true}
		seen := map[string]bool{}
		for _, ext := range opts.Departments {
			ms, err := df.FetchDepartment(ctx, ext)
			if err != nil {
				return nil, err
			}
			for _, m := range ms {
				if !seen[m.ExternalID] {
					seen[m.ExternalID] = true
					up.Members = append(up.Members, m)
				}
			}
		}
		return up, nil
	}
	if opts.Cursor != "" {
		ds, ok := src.(DeltaSource)
		if !ok {
			return nil, fmt.Errorf("the source cannot fetch changes since a cursor: %w", orgkit.ErrInvalid)
		}
		up, err := ds.FetchChanges(ctx, opts.Cursor)
		if err == nil && up != nil {
			up.Delta = true
		}
		return nilSnapshot(up, err)
	}
	return nilSnapshot(src.Fetch(ctx))
}

func nilSnapshot(up *Snapshot, err error) (*Snapshot, error) {
	if err == nil && up == nil {
		err = errors.New("the source returned no snapshot")
	}
	return up, err
}

package store

import (
	"context"
	"time"

	"github.com/orgkit/orgkit"
)

// Purger is a Store that can remove a whole directory: every record and change set
// of it, for when a customer leaves. It is the one real deletion a store makes, so it
// is explicit and logged. Users find it by type assertion.
//
// The contract:
//   - Purge(dir, p) removes the directory: afterwards Load, Commit and Changes fail
//     with orgkit.ErrNotFound, Directories no longer lists it, and its ID and key are
//     free again. Other directories are untouched. An unknown directory is
//     orgkit.ErrNotFound.
//   - The store's default directory is refused with orgkit.ErrPrecondition unless
//     p.Force is set.
//   - The store keeps a record of the purge (directory ID and key, head, who, when,
//     why, forced) that outlives the directory.
//   - Services that cached the directory keep their snapshots until they ask the
//     store again: a host purges a directory no instance serves any more.
type Purger interface {
	Store
	// Purge removes the directory and everything in it.
	Purge(ctx context.Context, dir orgkit.DirectoryID, p Purge) error
}

// Purge says who purges a directory, why and when, and whether the default
// directory may go.
type Purge struct {
	Actor  string
	Reason string
	Time   time.Time // the store's clock when zero
	// Force allows purging the store's default directory.
	Force bool
}

// Package storetest is the conformance suite for store.Store: every implementation —
// store/memstore, a database store, a host's own — must pass Run.
//
// # Using it
//
// A host calls Run from one of its tests with a constructor that returns a fresh,
// empty store; Run calls it once per sub-test:
//
//	func TestConformance(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) store.Store {
//			db := openEmptyTestDatabase(t) // dropped by t.Cleanup
//			return mystore.New(db)
//		})
//	}
//
// The sub-tests run one after another, never in parallel, so stores built on one
// shared database only need to start each sub-test empty.
//
// # What it checks
//
// Run checks the contract documented on store.Store: directories (listed by ID; a
// taken ID or key, or a second default directory, refused with orgkit.ErrPrecondition,
// also when the default is created from many goroutines at once); a new directory at
// head 0; orgkit.ErrNotFound for an unknown directory; Commit only at the head
// (orgkit.ErrConflict otherwise, changing nothing; exactly one winner among many
// concurrent writers); empty change sets and change sets without an ID refused with
// orgkit.ErrInvalid; a gap-free, ascending history read in pages, each exactly as
// long as its limit unless the head comes first (limit < 1 refused), also after
// writers raced each other, each change set in it exactly once; change-set IDs kept, and
// a change set whose ID the directory already holds refused with store.ErrDuplicateID
// whatever its base; exact round trips of every record type with every field set, and of sparse
// records with nil slices and maps, through both Load and Changes; the latest image
// of an updated record, retired records kept; settings changes that keep a
// directory's ID, key, default flag and creation time; directories isolated from
// each other; a change set of 20,000 members; cancellation of every method; no
// aliasing: after every record, slice and map given to CreateDirectory and Commit,
// and returned by Load, Changes and Directories, has been modified, the store still
// returns what was committed. When the store implements store.Notifier, Run also
// checks that a subscriber hears of every commit, from many goroutines to several
// directories, never ahead of what Changes returns, and hears nothing once its
// context is done; notices with a zero Directory are allowed at any time. When the store implements store.Eraser, Run also
// checks an erasure (see Erase): no erased value left in anything the store returns,
// the actor and reason of change sets included (where the fixture quotes values in
// other writings), the structure and the other records kept, the erasure recorded as
// its own change set, stale and invalid requests refused. A store's own test can call Erase itself
// and scan its storage for the values it returns. When the store implements store.Purger, Run
// checks that a purged directory is gone (its ID and key free again, other
// directories untouched) and that the default directory needs Force.
//
// Load may return records in any order: the suite sorts them by ID before comparing.
// Times in the fixtures are UTC with microsecond precision, which SQL databases keep.
package storetest

// Package memstore is orgkit's embedded default store: an in-memory implementation of
// store.Store. It suits tests, examples, single-process hosts and hosts that rebuild
// their directories at start-up; a host whose data must outlive the process, or that
// runs several instances of its application, uses a database-backed store instead.
//
// # Behavior
//
// memstore follows the contract documented on store.Store and passes
// store/storetest.Run. Each directory keeps its log of change sets and, beside it,
// the latest after-image of every record, updated as change sets are committed, so a
// commit costs time proportional to its own changes, never to the size of the
// directory. The store shares nothing with its callers: Commit and CreateDirectory
// keep deep copies of what they are given, and Load, Changes and Directories return
// deep copies (Load in no particular order), which callers may modify. Commit never
// returns store.ErrOutcomeUnknown. LoadShared, CommitShared and ChangesShared skip
// the copies for orgkit's own directory.Service, which never modifies a record it
// shares with the store, so that a single-process host keeps one copy of each record
// instead of two; their first argument's type is internal to orgkit, so nothing
// outside it can call them.
//
// # Notifications
//
// Store implements store.Notifier in-process: Watch's notify function is called by
// each committing goroutine, after the commit is visible and before Commit returns,
// so every Service sharing one Store sees the others' commits at once.
//
// # Validation
//
// Commit refuses, with an error matching orgkit.ErrInvalid and without changing
// anything, a change set that is nil, empty or without an ID, and any change whose After is nil or
// not of its Kind's type (*store.DirectoryRecord, *orgtree.Node, *member.Member,
// *role.Role, *role.Group, *role.Assignment), whose record ID is zero, whose Before is
// of another type or another record, or that repeats a record (kind and ID) already
// changed earlier in the same change set. A settings change must carry the settings
// of the directory it is committed to. CreateDirectory refuses a zero ID and an empty
// key with orgkit.ErrInvalid.
//
// # Concurrency
//
// A Store is safe for concurrent use. Every directory has its own lock: commits to
// different directories proceed in parallel, and readers of a directory wait only
// while a commit to it applies its changes. Every method returns ctx.Err() when its
// context is done before it starts.
package memstore

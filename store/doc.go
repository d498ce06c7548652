// Package store defines what a host implements to keep orgkit's directories: the
// Store interface, the records it holds, and the ChangeSet that is the unit of every
// write.
//
// # The log
//
// Every directory is a log of change sets with versions 1, 2, 3…; its head is the
// latest version (0 for a new directory). Each change set holds, per record, the
// before- and after-image, which is enough to show, audit and undo it. Nothing is
// deleted: records end retired or inactive.
//
// # Reading the log
//
// Changes reads the log in pages of at most a given number of change sets, so that
// catching up never holds an unbounded slice. Every change set carries an ID, its
// idempotency key: after a Commit that ended in ErrOutcomeUnknown, reading version
// base+1 tells whether the change set landed.
//
// # Notifications
//
// A store may implement Notifier, found by type assertion, to tell its users of every
// commit — their own and other processes' — so that they serve reads from memory and
// still see other instances' commits at once.
//
// # Implementations
//
// store/memstore keeps everything in memory and is the default. A host that runs many
// instances of its application implements Store over its database and proves it with
// store/storetest.Run, the conformance suite.
package store

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
// # Implementations
//
// store/memstore keeps everything in memory and is the default. A host that runs many
// instances of its application implements Store over its database (or uses the SQL
// store) and proves it with store/storetest.Run, the conformance suite.
package store

// Package zerocopy marks the calls through which orgkit's own packages hand records
// to each other without copying them. store/memstore copies everything it gives to or
// takes from its callers, as the store contract requires; directory.Service, which
// never modifies a record and hands its callers only copies or read-only views, uses
// memstore's zero-copy methods instead, so that a single-process host keeps one copy
// of each record rather than two. Only packages of this module can name Token, so
// only they can make these calls.
package zerocopy

// Token is the first argument of every zero-copy method. Its zero value is the only
// value.
type Token struct{}

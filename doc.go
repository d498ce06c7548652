// Package orgkit is the shared vocabulary of the orgkit library: typed IDs, sentinel
// errors, rule violations, multilingual names, record statuses and the Command
// interface every change request implements.
//
// # The library
//
// orgkit is org-structure domain logic to embed in Go applications: a company tree of
// organizations and departments (package orgtree), members with every field an
// enterprise directory needs (member), roles (role), one validated write path and
// immutable snapshots (directory), and storage behind an interface hosts implement
// (store, with store/memstore as the default).
//
// # IDs
//
// NodeID, MemberID, RoleID, RoleGroupID and DirectoryID are distinct types over a
// time-ordered UUID (version 7). Callers create them (NewNodeID…), so one batch can
// create a department and the members inside it. The zero ID means "none".
//
// # Errors
//
// Failures match sentinels with errors.Is: ErrNotFound, ErrConflict, ErrInvalid,
// ErrReadOnly and ErrPrecondition. Broken rules come back together as an
// *InvalidError listing every Violation with its stable dotted code, the index of the
// command that caused it, the record, field and value, and a message available in
// English, Simplified Chinese and Traditional Chinese.
package orgkit

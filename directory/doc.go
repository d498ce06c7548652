// Package directory is orgkit's one write path and the source of immutable snapshots.
//
// # Directories
//
// A directory is one independent org structure (a tenant, a subsidiary, a business
// line): a company root, organizations and departments, members, roles, and a
// versioned settings record. Service.Create makes one; Service.EnsureDefault makes the
// store's one default directory with its founder as leader and org admin.
//
// # Writing
//
// Every change — a rename, an import of 100,000 rows, a sync pass — is a batch of
// typed commands (orgtree.Create, member.Update, role.Assign, SetLeader, …) given to
// Service.Apply. The batch runs in order against a working copy: structural checks
// (existence, kinds, cycles) run per command, and a command that fails them is skipped
// for the rest of the batch; invariants (uniqueness, posts held by active members,
// reporting lines, the last org admin) are checked once on the final state, so a batch
// may swap two members' mobiles. Every violation is reported with its command's index
// in one *orgkit.InvalidError, and then nothing is written. Otherwise the batch is one
// store.ChangeSet holding every record's before- and after-image. Service.Plan is the
// same without the commit: a dry run.
//
// Callers choose IDs (orgkit.NewNodeID, orgkit.NewMemberID), so one batch can create a
// department and the members in it. Every NodeID given to a command may be the ID of a
// node that was merged away: it is resolved to the node it was merged into.
//
// # Reading
//
// A Snapshot is the directory at one version: Tree, members, roles and settings, all
// in memory and safe for concurrent use. Snapshots share structure with their
// predecessors, so an edit costs time in proportion to the edit, not the directory.
// The service caches one snapshot per directory (bounded, least recently used evicted)
// and catches up from the store's change log rather than reloading.
package directory

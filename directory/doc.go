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
// ChangeSet holding every record's before- and after-image (Change.Before and After,
// read through typed accessors: Image.Node, Image.Member, …), with the Meta the
// caller gave: actor, reason, origin, time and, to pin the write to the version the
// caller saw, IfVersion. Service.Plan is the same without the commit: a dry run.
//
// A host needs only this package and the record packages (orgtree, member, role):
// package store is for those who implement a store. Everything the service returns
// — ChangeSets, Settings, images — is a copy that is the caller's.
//
// Every text that enters — node, directory, role and role-group names in every
// language, codes, keys, external and upstream IDs, permissions, member fields, and
// the name, key and upstream ID given to Service.Create — obeys one rule, whichever
// path it comes by (Apply, an import, a sync): no control characters (C0 and C1, NUL,
// ESC and DEL among them; multi-line member texts may hold tabs and line breaks), no
// invisible formatting characters (bidirectional embeddings, overrides and isolates
// U+202A–U+202E and U+2066–U+2069, the marks U+200E, U+200F and U+061C, zero-width
// space, word joiner, byte order mark, soft hyphen, tag characters), no
// noncharacters. The zero-width joiner and non-joiner and the Mongolian vowel
// separator stay: scripts need them. A text that breaks the rule is an
// orgkit.CodeTextForbidden violation naming the character ("U+202E"), with the value
// shown with U+FFFD in its place.
//
// Callers choose IDs (orgkit.NewNodeID, orgkit.NewMemberID), so one batch can create a
// department and the members in it. Every NodeID given to a command may be the ID of a
// node that was merged away: it is resolved to the node it was merged into.
//
// Set-valued fields have intent commands that add or remove entries and keep the
// others: orgtree.AddAssistants and RemoveAssistants, AddObservers and
// RemoveObservers, AddToWhitelist and RemoveFromWhitelist, role.AddPermissions and
// RemovePermissions, as role.Assign and Unassign are for a member's roles and
// member.SetDepartments' modes for secondary departments. Writers who each add an
// entry all land, however their writes interleave. A command that replaces a whole
// set (orgtree.SetAssistants, SetObservers, SetIsolation, role.Update) states the
// value it replaces in Replacing and is refused when the directory no longer holds
// it, so a write built on an old read never drops a change made since.
//
// # Reading
//
// A Snapshot is the directory at one version: Tree, members, roles and settings, all
// in memory and safe for concurrent use. Snapshots share structure with their
// predecessors, so an edit costs time in proportion to the edit, not the directory.
// Everything a snapshot hands out is a copy (a member.Member, an orgtree.Node, a
// role.Role, a list page, a search hit…): changing it changes nothing shared. The
// one zero-copy path, Snapshot.Shared, is for loops over many records and its records
// must never be modified. MemberBy finds a member by any unique field in every form
// the write path accepts ("139 0000 0001" finds the mobile stored as
// "+8613900000001").
// The service caches one snapshot per directory (bounded by
// Options.MaxCachedDirectories, least recently used evicted; an ID the store does not
// know takes no place) and catches up from the store's change log, page by page,
// rather than reloading.
//
// Reads never wait on writes. Service.Snapshot returns the cached snapshot while it
// is within Options.MaxStaleness, and otherwise asks the store for what changed; when
// the store implements store.Notifier (memstore does), notices of commits — this
// process's and others' — keep the cache current and reads do not touch the store.
// Apply plans on a snapshot without holding anything a reader needs, commits, and
// only then publishes the new snapshot. Service.OnChange tells subscribers of every
// snapshot the service publishes, with the change sets that led to it; the
// visibility package's Keeper uses it to keep each directory's index current.
//
// The service checks what it relies on: a page of the log that is not contiguous from
// the version asked for makes it reload the directory, and a store that still
// contradicts itself gets an error matching store.ErrContract — no write is
// committed on a base the service could not verify. A commit whose outcome the store
// cannot tell (store.ErrOutcomeUnknown) is resolved by reading the log for the change
// set's ID.
//
// Service.History iterates over the change sets that changed a member or a node, by
// an actor, or within a time range.
//
// # People
//
// Member commands cover the quick actions of an employee list: member.Resign,
// Deactivate and Activate, SetLoginBlocked, SetReportingManager and SetDepartments,
// each for one member or many. Leaving active status removes posts, whitelist entries
// and reporting lines in the same change set, and Service.Undo restores any change
// set's before-images where they are still valid, reporting the rest. ResetPasswords
// and RemindActivation pick the eligible members and call host interfaces;
// Service.Join lets a registered user join when the directory allows it.
//
// # Lists, search and cards
//
// Snapshot.List pages through members by scope (a subtree or a node only),
// affiliation (any or primary only), status filters and role, with stable cursors.
// Snapshot.Search finds members and nodes by name in every language, system name,
// employee number, mobile, email and code, ranked exact, prefix, substring, with
// ranges to highlight; given a Transliterator (package pinyin) it also finds Chinese
// names by full pinyin and initials. Snapshot.Card renders a member's hover card or
// profile page by the directory's layout (SetCardLayout).
package directory

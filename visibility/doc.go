// Package visibility answers who may see and change what in a directory: data scope,
// feeds, contacts under isolation, message reception and groups — from an index
// compiled once per directory.Snapshot.
//
// # Keeping an index
//
// A host asks a Keeper: visibility.NewKeeper(svc) follows a directory.Service, and
// keeper.Index(ctx, dir) returns the index of the directory's current snapshot,
// compiled on first use and then updated from every change set the service commits
// or catches up on — the host never builds or updates an index by hand.
//
// # Compiling
//
// Compile(snap) builds an Index: immutable, safe for concurrent use, answering every
// check from memory without allocating. When the directory changes, idx.Update(next)
// derives the index of the new snapshot, sharing everything the change did not
// touch: after a member edit only that member's chunk of records and the lists of
// the nodes it left or joined are copied; renames and other edits that do not bear
// on visibility keep everything derived from the tree; any other change of the tree
// compiles afresh. idx.UpdateWith(next, changeSets...) does the same knowing what
// changed, which spares comparing the snapshots. The old index stays valid, so
// readers are never blocked.
//
// The zero Index knows nobody and answers "no". Checks about an ID that is not in
// the directory answer "no"; the old ID of a
// merged node stands for the node it was merged into. Members with no affiliated
// department have their data owned by the company root. Inactive viewers see no
// node. A feed tagged with no known node is seen by nobody.
//
// # Data scope
//
// CanRead(v, d): v is an org admin, or the manager or an assistant of d or of any
// node above d — managers of parent departments view the data of subordinate
// departments. CanWrite(v, d): v is an org admin, or the manager or an assistant of d
// itself. A member's data belongs to its affiliated department (CanReadMember,
// CanWriteMember). ReadScope lists the subtrees v may read; ReadNodes and
// ReadMembers iterate them, WriteNodes and WriteMembers the nodes and members v may
// change.
//
// # Feeds
//
// CanSeeFeed(v, tags...): v observes one of the tagged nodes (observing is not
// inherited) or may read one of them. FeedAudience lists everyone who may.
//
// # Contacts
//
// A node is isolated when any of its three isolation settings differs from the
// default: hide from outside (with a visibility whitelist), the contact view of its
// people (within the node, or only themselves, with a contact whitelist), and
// reception. A member is inside a node when one of its affiliations (primary or
// secondary) lies in the node's subtree; a member with no affiliation is inside the
// root only. CanSee(v, t): everyone sees themselves; inactive viewers see nobody else;
// org admins see everyone; nobody else sees inactive members; otherwise t is visible
// when (a) through one of t's affiliations every hiding node above it has v inside it
// or on its visibility whitelist, and (b) every contact restriction over v's
// affiliations allows t. CanSeeNode applies (a) to a node; Visible iterates everyone
// v sees.
//
// # Reception and groups
//
// Recipients(n) are the active members with an affiliation in n's subtree that no
// node between n and the affiliation keeps from receiving. GroupMembers(n) are n's
// active direct members, plus, when n's group includes sub-node members, those below
// it not behind an isolated node (or behind one too, when n includes isolated
// sub-node members).
//
// # Explanations
//
// Every check has an Explain twin returning a Decision: the answer, the rule (a
// stable code such as "contacts.hidden"), the node where it applied and the whitelist
// entry that let it pass. Decision.Text says it in English, Simplified or Traditional
// Chinese, in words a directory admin understands.
//
// # Performance
//
// Every check answers in constant time from memory and allocates nothing: a subtree
// is an interval of the tree's pre-order, IDs are resolved through perfect hash
// functions built when the index is compiled, and a check walks a chain of a few
// isolated ancestors at most. Iterators allocate once. The package orgkittest holds a
// slow, literal evaluator of the same rules, and the index is tested to agree with it
// on random directories. How the index is laid out, and what was measured on the way
// there, is written down in the file DESIGN.md beside this package's source.
package visibility

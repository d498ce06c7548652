// Package orgkittest generates realistic directories of any size for tests,
// benchmarks, examples and hosts.
//
// # Shapes
//
// A Shape says how big a directory is and how it is set up: how many departments and
// members, how deep the tree goes, and the shares of members with secondary
// departments, of departments with a manager, assistants or observers, of members
// under isolation, of isolated nodes with whitelists, and of inactive members. Zero
// fields take documented defaults. LargeShape is the directory of the performance
// targets (10,000 departments, 100,000 members); SmallShape(seed) is a varied
// directory of about 30 departments and 200 members for property tests.
//
// # Generating
//
// Generate(shape) builds a Directory deterministically from shape.Seed (math/rand/v2
// PCG): the same shape always gives the same IDs, names and records. It is fast —
// 100,000 members take a fraction of a second — and its records obey every rule the
// directory service enforces: one company root, organizations only in multi-org
// directories, sibling names unique in every language, unique codes and unique
// member keys (system names, employee numbers like "E000123", E.164 mobiles, lower-
// case emails), every member's primary an active department (a few unassigned),
// reporting lines forming a forest of active managers, posts and whitelists held by
// active members, nested isolation below the root, org admins and business roles
// with a primary role among the held ones. Names mix Chinese ("张伟", "研发中心")
// and English ("Li Na", "R&D Center"), some with forms in several languages.
//
// # Loading
//
// Directory.Seed writes the whole directory into a store.Store as its first change
// set; a directory.Service over that store then loads it:
//
//	d := orgkittest.Generate(orgkittest.LargeShape())
//	st := memstore.New()
//	if err := d.Seed(ctx, st); err != nil { … }
//	snap, err := directory.New(directory.Options{Store: st}).Snapshot(ctx, d.ID())
//
// NewService does all of that in one call, over the in-memory store.
//
// To exercise the write path instead, Directory.SeedGenesis writes only what
// directory.Service.Create would (settings, root, org-admin role) and
// Directory.Commands returns the rest of the directory as one batch of commands for
// Service.Apply; append directory.SetLeader{Member: d.Leader()} to set the leader.
// Applied, they give exactly the records Seed writes: the generator's records are
// valid and already in normalized form.
//
// # Accessors
//
// Besides the raw Records, a Directory lists what benchmarks and property tests pick
// from: departments, organizations, isolated nodes, members (all, active, inactive),
// org admins, managers, holders of posts, observers and business roles, with lookups
// by ID, node depths and summary Stats.
//
// # The reference evaluator
//
// Reference answers every visibility check (data scope, feeds, contacts, reception,
// groups) the slow, literal way: sentence by sentence from the rules, walking paths,
// precomputing nothing. The visibility package's compiled index must agree with it on
// every query; hosts can use it the same way to check their own policies.
package orgkittest

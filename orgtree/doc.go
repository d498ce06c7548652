// Package orgtree is the hierarchy of a directory: the company root, organizations and
// departments, with their names, codes, posts, group and isolation settings, the
// commands that change them, and Tree, an immutable indexed view.
//
// # Kinds
//
// A directory has one Company node, its root. An Organization (a subsidiary or branch;
// only while the directory's multi-org is on) sits under the company or another
// organization. A Department sits under any node; departments never host organizations.
//
// # Names and codes
//
// A node has a default name and optional forms per language (BCP 47). Among siblings,
// for every language any of them has a form in, the names as resolved in that language
// must be unique after normalization (Unicode NFKC, case folding, trimmed, inner spaces
// collapsed), so "Sales", " sales " and "Ｓａｌｅｓ" collide. Codes are optional, unique
// case-insensitively in the directory (retired nodes keep theirs reserved) and are the
// key of imports and exports. Names (every form), codes and external IDs hold no
// control characters (NUL, ESC, DEL, …) and no invisible formatting characters
// (bidirectional overrides and isolates, left-to-right and right-to-left marks,
// zero-width spaces, …), so that no name can show as something else than it is: the
// directory refuses them with orgkit.CodeTextForbidden.
//
// # Posts and settings
//
// Each node has one manager and any number of assistants (same rights), observers (not
// on the root) who see feeds tagged with the node, group settings and isolation
// settings with whitelists; the visibility package gives them their effect.
//
// # The Tree
//
// Tree indexes a directory's nodes: ancestor tests in O(1) through pre-order intervals,
// lookups by ID (following merge redirects), code, external ID and path, children in
// sibling order or collated for a language, subtree iteration, paths and depths.
// Every node it returns is a copy the caller may change without changing the tree;
// Tree.Shared is the zero-copy path for loops over many nodes, whose records must
// never be modified.
//
// # Set-valued fields
//
// Assistants, observers and the two whitelists have intent commands that add or
// remove entries and keep the others (AddAssistants, RemoveAssistants, AddObservers,
// RemoveObservers, AddToWhitelist, RemoveFromWhitelist), so that concurrent writers
// never undo each other. SetAssistants, SetObservers and SetIsolation replace a whole
// value and state the value they replace (Replacing): they are refused when it
// changed since the caller read it.
package orgtree

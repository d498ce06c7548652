// Package handoff holds the commands through which orgkit's own packages give the
// directory service records they build and never touch again, so that the service
// can keep them instead of copying them. A host's commands are values the service
// copies before it changes or keeps anything (the host may reuse them); a command of
// this package hands its record over: the batch that runs it normalizes the record in
// place and keeps it as the new record's image, shared with the store (when it shares
// records, as store/memstore's zero-copy path does) and the snapshots.
//
// Only packages of this module can name these types. Whoever builds one gives up the
// record: after handing it to Service.Apply or Service.Plan it must neither read nor
// change it, nor give it to anyone else — not even to a second batch (a batch that
// lost a race and is planned again on fresh state may run it again: running it twice
// gives the same record, since normalizing a normalized member changes nothing).
package handoff

import (
	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/internal/seal"
	"github.com/orgkit/orgkit/member"
)

// MemberCreate is member.Create whose member is handed over: the batch creates M
// itself, normalized in place, rather than a copy of it. It is validated exactly as
// member.Create{...*M} is. A nil M is refused as a nil command.
type MemberCreate struct{ M *member.Member }

// CommandName is member.Create's name: the command creates a member like it.
func (MemberCreate) CommandName() string { return member.Create{}.CommandName() }

// Sealed returns the command itself.
func (c MemberCreate) Sealed(seal.Token) orgkit.Command { return c }

// Package mobiles lends this module's packages the memo behind member.Rules, which
// the public API does not offer: rules that remember the mobile numbers they
// normalize (directory.Service validates with such rules, shared with the importers
// that normalize a file's numbers ahead of its batch), and rules prepared with a
// batch's numbers normalized in parallel.
//
// Package member lends the two functions when it is initialized (Lend).
package mobiles

var remember, prepare any // func(R) R and func(R, []string) R, lent by member

// Lend is called once, by package member.
func Lend[R any](rememberFn func(R) R, prepareFn func(R, []string) R) struct{} {
	remember, prepare = rememberFn, prepareFn
	return struct{}{}
}

// Remember returns rules r that remember the mobile numbers they normalize, up to
// 262,144 of them (then they start afresh), in a memo shared by every copy of the
// returned rules and safe for concurrent use. Rules whose DefaultRegion is changed
// afterwards stop using the memo. Rules that remember already are returned as they
// are: Remember[member.Rules](r).
func Remember[R any](r R) R { return remember.(func(R) R)(r) }

// Prepare returns rules that remember the given mobile numbers normalized, worked out
// in parallel on every processor; numbers remembered already are not parsed again.
// The answers are exactly those of member.Rules.NormalizeMobile.
func Prepare[R any](r R, numbers []string) R { return prepare.(func(R, []string) R)(r, numbers) }

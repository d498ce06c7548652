package directory

import "github.com/orgkit/orgkit"

// SetMidPlan makes s call fn while it plans a batch for a directory, once the batch's
// commands have been validated and before its snapshot is built, so that a test can
// hold a write in the middle of its planning.
func SetMidPlan(s *Service, fn func(orgkit.DirectoryID)) {
	s.ready()
	s.midPlan = fn
}

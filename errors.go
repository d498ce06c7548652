package orgkit

import (
	"errors"
	"fmt"
	"strings"
)

// Sentinel errors name the category of a failure; match them with errors.Is.
var (
	// ErrNotFound: the directory, node, member or role does not exist.
	ErrNotFound = errors.New("orgkit: not found")
	// ErrConflict: the store's head moved past the version the write was based on.
	ErrConflict = errors.New("orgkit: version conflict")
	// ErrInvalid: the input breaks one or more rules; see *InvalidError for the list.
	ErrInvalid = errors.New("orgkit: invalid")
	// ErrReadOnly: a write touched data owned by an upstream platform (a synced field).
	ErrReadOnly = errors.New("orgkit: read-only")
	// ErrPrecondition: the operation is not possible in the current state
	// (for example, a second default directory).
	ErrPrecondition = errors.New("orgkit: precondition failed")
)

// InvalidError carries every rule violation found in a batch, never just the first.
// It matches ErrInvalid with errors.Is, and also ErrReadOnly when any violation is a
// read-only one.
type InvalidError struct {
	Violations []Violation
}

// Error lists the violations in English.
func (e *InvalidError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "orgkit: %d violation(s)", len(e.Violations))
	for i, v := range e.Violations {
		if i == 5 {
			fmt.Fprintf(&b, "; … and %d more", len(e.Violations)-5)
			break
		}
		b.WriteString("; ")
		b.WriteString(v.String())
	}
	return b.String()
}

// Is matches ErrInvalid, and ErrReadOnly when any violation is read-only.
func (e *InvalidError) Is(target error) bool {
	switch target {
	case ErrInvalid:
		return true
	case ErrReadOnly:
		for _, v := range e.Violations {
			if v.Code == CodeFieldReadOnly {
				return true
			}
		}
	}
	return false
}

// Invalid returns an *InvalidError for the violations, or nil when there are none.
func Invalid(vs []Violation) error {
	if len(vs) == 0 {
		return nil
	}
	return &InvalidError{Violations: vs}
}

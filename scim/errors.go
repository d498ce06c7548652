package scim

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"

	"github.com/orgkit/orgkit"
)

// ErrorSchema is the schema URN of a SCIM error response body (RFC 7644 §3.12).
const ErrorSchema = "urn:ietf:params:scim:api:messages:2.0:Error"

// ErrorType is the "scimType" of a SCIM error: the detail error keyword of RFC 7644
// §3.12 that a client reads to tell one 400 (or 409) from another.
type ErrorType string

// The error keywords of RFC 7644 §3.12, table 9.
const (
	// ErrorInvalidFilter: the filter syntax was invalid, or the attribute and comparison
	// combination is not supported (400).
	ErrorInvalidFilter ErrorType = "invalidFilter"
	// ErrorTooMany: the filter yields more results than the server will process (400).
	ErrorTooMany ErrorType = "tooMany"
	// ErrorUniqueness: one or more of the attribute values are already in use (409).
	ErrorUniqueness ErrorType = "uniqueness"
	// ErrorMutability: the change attempts to modify a readOnly or immutable attribute (400).
	ErrorMutability ErrorType = "mutability"
	// ErrorInvalidSyntax: the request body structure was invalid or did not conform to the
	// request schema (400).
	ErrorInvalidSyntax ErrorType = "invalidSyntax"
	// ErrorInvalidPath: the "path" attribute was invalid or malformed (400).
	ErrorInvalidPath ErrorType = "invalidPath"
	// ErrorNoTarget: the "path" did not yield an attribute or attribute value that could be
	// operated on (400).
	ErrorNoTarget ErrorType = "noTarget"
	// ErrorInvalidValue: a required value was missing, or the value specified was not
	// compatible with the operation, attribute type or resource schema (400).
	ErrorInvalidValue ErrorType = "invalidValue"
	// ErrorInvalidVersion: the specified SCIM protocol version is not supported (400).
	ErrorInvalidVersion ErrorType = "invalidVers"
	// ErrorSensitive: the request cannot be completed because of sensitive information in
	// the request URI, such as a filter on a password (403).
	ErrorSensitive ErrorType = "sensitive"
)

// Error is a SCIM protocol error: an HTTP status, an optional scimType keyword and a
// human-readable detail. Its JSON form is the error response body of RFC 7644 §3.12:
//
//	{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],
//	 "status":"400","scimType":"invalidFilter","detail":"…"}
//
// Error matches the orgkit sentinels with errors.Is: a 400 or 409 matches
// orgkit.ErrInvalid (and a Mutability error also orgkit.ErrReadOnly), a 404
// orgkit.ErrNotFound and a 412 orgkit.ErrPrecondition.
type Error struct {
	// Status is the HTTP status code (400, 404, 409, 412, 413, 500, …).
	Status int
	// ScimType is the detail keyword; empty for statuses that have none (404, 413, …).
	ScimType ErrorType
	// Detail is a human-readable message naming what was wrong (the attribute, path,
	// filter position or value). It is meant for the identity provider's logs.
	Detail string
}

// Errorf returns an *Error with the given status and scimType and a detail formatted
// with fmt.Sprintf.
func Errorf(status int, scimType ErrorType, format string, args ...any) *Error {
	return &Error{Status: status, ScimType: scimType, Detail: fmt.Sprintf(format, args...)}
}

// badRequest is Errorf with status 400.
func badRequest(scimType ErrorType, format string, args ...any) *Error {
	return Errorf(http.StatusBadRequest, scimType, format, args...)
}

// Error renders the status, the scimType and the detail on one line.
func (e *Error) Error() string {
	if e.ScimType != "" {
		return fmt.Sprintf("scim: %d %s: %s", e.Status, e.ScimType, e.Detail)
	}
	return fmt.Sprintf("scim: %d: %s", e.Status, e.Detail)
}

// Is matches the orgkit sentinel errors that correspond to the status (see Error).
func (e *Error) Is(target error) bool {
	switch target {
	case orgkit.ErrInvalid:
		return e.Status == http.StatusBadRequest || e.Status == http.StatusConflict
	case orgkit.ErrReadOnly:
		return e.ScimType == ErrorMutability
	case orgkit.ErrNotFound:
		return e.Status == http.StatusNotFound
	case orgkit.ErrPrecondition:
		return e.Status == http.StatusPreconditionFailed
	}
	return false
}

// errorBody is the wire form of an Error.
type errorBody struct {
	Schemas  []string  `json:"schemas"`
	Status   string    `json:"status"`
	ScimType ErrorType `json:"scimType,omitempty"`
	Detail   string    `json:"detail,omitempty"`
}

// MarshalJSON encodes the RFC 7644 §3.12 error body; the status is a JSON string.
func (e *Error) MarshalJSON() ([]byte, error) {
	return json.Marshal(errorBody{
		Schemas:  []string{ErrorSchema},
		Status:   strconv.Itoa(e.Status),
		ScimType: e.ScimType,
		Detail:   e.Detail,
	})
}

// UnmarshalJSON decodes an RFC 7644 §3.12 error body. The status may be a JSON string
// (as the RFC requires) or a number (as some servers send).
func (e *Error) UnmarshalJSON(b []byte) error {
	var raw struct {
		Status   json.RawMessage `json:"status"`
		ScimType ErrorType       `json:"scimType"`
		Detail   string          `json:"detail"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	var s string
	if err := json.Unmarshal(raw.Status, &s); err != nil {
		s = string(raw.Status)
	}
	status, err := strconv.Atoi(s)
	if err != nil {
		return fmt.Errorf("scim: error body status %q is not a number", s)
	}
	*e = Error{Status: status, ScimType: raw.ScimType, Detail: raw.Detail}
	return nil
}

// ContentType is the media type of SCIM request and response bodies (RFC 7644 §8.1).
const ContentType = "application/scim+json"

// writeError writes err as a SCIM error response. An *Error anywhere in err's chain
// (errors.As) gives the status and body; any other error is answered 500 with a
// generic detail, so internal messages never reach the client.
func writeError(w http.ResponseWriter, err error) {
	var se *Error
	if !errors.As(err, &se) {
		se = &Error{Status: http.StatusInternalServerError, Detail: "internal server error"}
	}
	body, _ := se.MarshalJSON() // cannot fail: strings and a string slice
	w.Header().Set("Content-Type", ContentType)
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(se.Status)
	_, _ = w.Write(body)
}

// DefaultMaxBodyBytes is the request body limit readBody applies when given a limit of
// zero or less: 1 MiB, far above any single-resource request an identity provider sends.
const DefaultMaxBodyBytes = 1 << 20

// readBody reads a request body of at most limit bytes (DefaultMaxBodyBytes when limit
// ≤ 0). A body over the limit is refused with a 413 *Error before any of it is parsed:
// at once when the declared Content-Length is over the limit, otherwise as soon as
// the limit is crossed while reading, so at most limit+1 bytes are ever held. A read
// failure is a 400 invalidSyntax *Error.
func readBody(r *http.Request, limit int64) ([]byte, error) {
	if limit <= 0 {
		limit = DefaultMaxBodyBytes
	}
	tooLarge := Errorf(http.StatusRequestEntityTooLarge, "",
		"request body is larger than the limit of %d bytes", limit)
	if r.ContentLength > limit {
		return nil, tooLarge
	}
	if r.Body == nil {
		return nil, nil
	}
	var buf bytes.Buffer
	if r.ContentLength > 0 {
		buf.Grow(int(r.ContentLength))
	}
	n, err := buf.ReadFrom(io.LimitReader(r.Body, limit+1))
	if err != nil {
		return nil, badRequest(ErrorInvalidSyntax, "reading the request body: %v", err)
	}
	if n > limit {
		return nil, tooLarge
	}
	return buf.Bytes(), nil
}

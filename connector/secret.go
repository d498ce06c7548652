package connector

import (
	"fmt"
	"io"
	"log/slog"
)

// redacted is what a Secret shows of itself.
const redacted = "[redacted]"

// Secret is a credential (an app secret, a client secret, an access token). It never
// shows itself: String, every fmt verb, JSON and text encoding and slog all give
// "[redacted]", and because the value sits behind a pointer, even printing a struct
// that holds a Secret in an unexported field shows an address, not the value. Reveal
// returns the value, for the one place that sends it upstream. The zero Secret is
// empty.
type Secret struct{ v *string }

// NewSecret wraps a value.
func NewSecret(value string) Secret { return Secret{v: &value} }

// Reveal returns the secret's value.
func (s Secret) Reveal() string {
	if s.v == nil {
		return ""
	}
	return *s.v
}

// IsZero reports whether the secret is empty.
func (s Secret) IsZero() bool { return s.Reveal() == "" }

// UnmarshalText sets the secret from text (a configuration file, say); only output
// is redacted.
func (s *Secret) UnmarshalText(b []byte) error {
	*s = NewSecret(string(b))
	return nil
}

// String returns "[redacted]".
func (s Secret) String() string { return redacted }

// GoString returns "[redacted]", so %#v does not show the value either.
func (s Secret) GoString() string { return redacted }

// Format writes "[redacted]" whatever the verb and flags.
func (s Secret) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, redacted) }

// MarshalText returns "[redacted]" (JSON, XML and YAML encoders use it too).
func (s Secret) MarshalText() ([]byte, error) { return []byte(redacted), nil }

// LogValue returns "[redacted]" for log/slog.
func (s Secret) LogValue() slog.Value { return slog.StringValue(redacted) }

// Credentials are what a connector logs in with: an application or client ID (not a
// secret) and its secret. Like Secret, they never show the secret.
type Credentials struct {
	// ID is the app key (DingTalk), corp ID (WeCom) or client ID (Microsoft Graph).
	ID string
	// Secret is the app secret or client secret.
	Secret Secret
}

// String shows the ID and hides the secret.
func (c Credentials) String() string { return "credentials{" + c.ID + " " + redacted + "}" }

// GoString shows the ID and hides the secret.
func (c Credentials) GoString() string { return c.String() }

// Format shows the ID and hides the secret whatever the verb.
func (c Credentials) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, c.String()) }

// LogValue shows the ID and hides the secret in log/slog.
func (c Credentials) LogValue() slog.Value {
	return slog.GroupValue(slog.String("id", c.ID), slog.String("secret", redacted))
}

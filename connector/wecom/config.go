package wecom

import (
	"fmt"
	"log/slog"

	"github.com/orgkit/orgkit/connector"
	"github.com/orgkit/orgkit/connector/internal/apicall"
)

// Config holds a WeCom self-built app's credentials: the enterprise's corp ID, the
// app's agent ID and its secret (or the contacts-sync secret, whose token reads the
// whole directory). The secret never shows: String, every fmt verb, JSON and slog
// redact it.
type Config struct {
	// CorpID is the enterprise's ID ("ww…").
	CorpID string `json:"corp_id"`
	// AgentID is the app's agent ID (digits); QR-code login needs it.
	AgentID string `json:"agent_id"`
	// Secret is the app's secret.
	Secret connector.Secret `json:"secret"`
}

// Validate checks the configuration up front: a corp ID, an agent ID of digits, a
// secret, none with spaces or control characters. The error matches
// orgkit.ErrInvalid and names every field at fault.
func (c Config) Validate() error {
	check := apicall.ConfigCheck{Prefix: "wecom"}
	check.Word("CorpID", c.CorpID)
	check.Digits("AgentID", c.AgentID)
	check.Word("Secret", c.Secret.Reveal())
	return check.Err()
}

// String shows the corp and agent IDs and hides the secret.
func (c Config) String() string {
	return fmt.Sprintf("wecom.Config{CorpID: %s, AgentID: %s, Secret: %s}", c.CorpID, c.AgentID, c.Secret)
}

// GoString is String, so %#v hides the secret too.
func (c Config) GoString() string { return c.String() }

// Format writes String whatever the verb.
func (c Config) Format(f fmt.State, _ rune) { _, _ = fmt.Fprint(f, c.String()) }

// LogValue hides the secret in log/slog.
func (c Config) LogValue() slog.Value {
	return slog.GroupValue(slog.String("corp_id", c.CorpID), slog.String("agent_id", c.AgentID), slog.String("secret", "[redacted]"))
}

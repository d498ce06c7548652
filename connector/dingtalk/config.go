package dingtalk

import (
	"fmt"
	"log/slog"

	"github.com/orgkit/orgkit/connector"
	"github.com/orgkit/orgkit/connector/internal/apicall"
)

// Config holds a DingTalk self-built internal app's credentials: its AppKey and
// AppSecret (the Client ID and Client Secret of the developer console), its agent ID
// and the organization's corp ID. The secret never shows: String, every fmt verb,
// JSON and slog redact it, and no error carries it.
type Config struct {
	// AppKey is the app's key ("ding…"), also its OAuth client ID.
	AppKey string `json:"app_key"`
	// AppSecret is the app's secret.
	AppSecret connector.Secret `json:"app_secret"`
	// AgentID is the app's agent ID (digits).
	AgentID string `json:"agent_id"`
	// CorpID is the organization's corp ID ("ding…"): the tenant a directory is
	// bound to.
	CorpID string `json:"corp_id"`
}

// Validate checks the configuration up front: an AppKey, an AppSecret and a CorpID
// without spaces or control characters, and an AgentID of digits. The error matches
// orgkit.ErrInvalid and names every field at fault.
func (c Config) Validate() error {
	check := apicall.ConfigCheck{Prefix: "dingtalk"}
	check.Word("AppKey", c.AppKey)
	check.Word("AppSecret", c.AppSecret.Reveal())
	check.Word("CorpID", c.CorpID)
	check.Digits("AgentID", c.AgentID)
	return check.Err()
}

// String shows the IDs and hides the secret.
func (c Config) String() string {
	return fmt.Sprintf("dingtalk.Config{AppKey: %s, AgentID: %s, CorpID: %s, AppSecret: %s}", c.AppKey, c.AgentID, c.CorpID, c.AppSecret)
}

// GoString is String, so %#v hides the secret too.
func (c Config) GoString() string { return c.String() }

// Format writes String whatever the verb.
func (c Config) Format(f fmt.State, _ rune) { _, _ = fmt.Fprint(f, c.String()) }

// LogValue hides the secret in log/slog.
func (c Config) LogValue() slog.Value {
	return slog.GroupValue(slog.String("app_key", c.AppKey), slog.String("agent_id", c.AgentID), slog.String("corp_id", c.CorpID),
		slog.String("app_secret", "[redacted]"))
}

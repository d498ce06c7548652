package connector_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgkit/orgkit/connector"
)

func TestSecretsNeverShow(t *testing.T) {
	const value = "hunter2-app-secret"
	s := connector.NewSecret(value)
	c := connector.Credentials{ID: "ding123", Secret: s}
	var out bytes.Buffer
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%10.3s"} {
		fmt.Fprintf(&out, verb+" "+verb+"\n", s, c)
	}
	fmt.Fprintln(&out, s, c, s.String(), c.String(), []connector.Secret{s}, map[string]connector.Credentials{"k": c}, &c)
	fmt.Fprintln(&out, fmt.Errorf("login with %v failed", c))
	type client struct {
		creds connector.Credentials
		token connector.Secret
	}
	fmt.Fprintf(&out, "%v %+v %#v\n", client{c, s}, client{c, s}, &client{c, s})
	j, err := json.Marshal(struct {
		C connector.Credentials
		S connector.Secret
		P *connector.Secret
	}{c, s, &s})
	require.NoError(t, err)
	out.Write(j)
	log := slog.New(slog.NewJSONHandler(&out, nil))
	log.Info("token", "secret", s, "credentials", c)
	log2 := slog.New(slog.NewTextHandler(&out, nil))
	log2.Info("token", "secret", s, "credentials", c)

	assert.NotContains(t, out.String(), value)
	assert.NotContains(t, out.String(), fmt.Sprintf("%x", value))
	assert.Contains(t, out.String(), "ding123")
	assert.Contains(t, out.String(), "[redacted]")
	assert.Equal(t, value, s.Reveal())
	assert.False(t, s.IsZero())
	assert.True(t, connector.Secret{}.IsZero())

	var cfg struct{ Secret connector.Secret }
	require.NoError(t, json.Unmarshal([]byte(`{"Secret":"from-config"}`), &cfg))
	assert.Equal(t, "from-config", cfg.Secret.Reveal())
}

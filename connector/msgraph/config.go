package msgraph

import (
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/connector"
)

// Config holds a Microsoft Entra app registration's credentials for the client
// credentials flow: the tenant, the application (client) ID, and either a client
// secret or a certificate (Certificate, from ParseCertificate), never both. Neither
// ever shows: String, every fmt verb, JSON and slog redact them, and errors never
// carry them.
type Config struct {
	// TenantID is the directory (tenant) ID, a GUID, or a verified domain
	// ("contoso.onmicrosoft.com").
	TenantID string `json:"tenant_id"`
	// ClientID is the application (client) ID, a GUID.
	ClientID string `json:"client_id"`
	// ClientSecret is the app's client secret.
	ClientSecret connector.Secret `json:"client_secret"`
	// Certificate is the app's certificate with its private key: the client signs
	// a short-lived assertion with it instead of sending a secret.
	Certificate *Certificate `json:"certificate,omitempty"`
}

// Validate checks the configuration up front: a tenant ID (a GUID or a domain name),
// a client ID (a GUID), and exactly one of a client secret and a certificate, none
// with spaces or control characters. The error matches orgkit.ErrInvalid and names
// every field at fault.
func (c Config) Validate() error {
	var errs []error
	bad := func(field, why string) {
		errs = append(errs, fmt.Errorf("msgraph: config %s %s: %w", field, why, orgkit.ErrInvalid))
	}
	switch {
	case c.TenantID == "":
		bad("TenantID", "is empty")
	case !isGUID(c.TenantID) && !isDomain(c.TenantID):
		bad("TenantID", "is neither a GUID nor a domain name")
	case c.TenantID == "common" || c.TenantID == "organizations" || c.TenantID == "consumers":
		bad("TenantID", "must name one tenant, not "+c.TenantID)
	}
	switch {
	case c.ClientID == "":
		bad("ClientID", "is empty")
	case !isGUID(c.ClientID):
		bad("ClientID", "is not a GUID")
	}
	switch {
	case c.ClientSecret.IsZero() && c.Certificate == nil:
		bad("ClientSecret", "is empty and there is no Certificate (give one of them)")
	case !c.ClientSecret.IsZero() && c.Certificate != nil:
		bad("ClientSecret", "and Certificate are both set (give one of them)")
	case !c.ClientSecret.IsZero() && !printable(c.ClientSecret.Reveal()):
		bad("ClientSecret", "has control characters or surrounding spaces")
	case c.Certificate != nil && (c.Certificate.cert == nil || c.Certificate.key == nil):
		bad("Certificate", "is not a certificate from ParseCertificate or NewCertificate")
	}
	return errors.Join(errs...)
}

// isGUID reports whether s is a GUID in its 8-4-4-4-12 hex form.
func isGUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < len(s); i++ {
		switch {
		case i == 8 || i == 13 || i == 18 || i == 23:
			if s[i] != '-' {
				return false
			}
		case !strings.ContainsRune("0123456789abcdefABCDEF", rune(s[i])):
			return false
		}
	}
	return true
}

// isDomain reports whether s looks like a DNS name with at least one dot.
func isDomain(s string) bool {
	if len(s) > 253 || !strings.Contains(s, ".") {
		return false
	}
	for _, label := range strings.Split(s, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for i := 0; i < len(label); i++ {
			ch := label[i]
			if !(ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' || ch >= '0' && ch <= '9' || ch == '-') {
				return false
			}
		}
	}
	return true
}

// printable reports whether s has no control characters and no surrounding spaces
// (client secrets may hold "~", "." and "_", but nothing invisible).
func printable(s string) bool {
	if strings.TrimSpace(s) != s {
		return false
	}
	for _, r := range s {
		if r < ' ' || r == 0x7f {
			return false
		}
	}
	return true
}

// String shows the tenant and client IDs and hides the credential.
func (c Config) String() string {
	cred := "ClientSecret: " + c.ClientSecret.String()
	if c.Certificate != nil {
		cred = "Certificate: " + c.Certificate.String()
	}
	return fmt.Sprintf("msgraph.Config{TenantID: %s, ClientID: %s, %s}", c.TenantID, c.ClientID, cred)
}

// GoString is String, so %#v hides the credential too.
func (c Config) GoString() string { return c.String() }

// Format writes String whatever the verb.
func (c Config) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, c.String()) }

// LogValue hides the credential in log/slog.
func (c Config) LogValue() slog.Value {
	attrs := []slog.Attr{slog.String("tenant_id", c.TenantID), slog.String("client_id", c.ClientID)}
	if c.Certificate != nil {
		attrs = append(attrs, slog.String("certificate", c.Certificate.String()))
	} else {
		attrs = append(attrs, slog.String("client_secret", "[redacted]"))
	}
	return slog.GroupValue(attrs...)
}

// Certificate is an app's X.509 certificate with its RSA private key, for the
// certificate credential: the client signs each token request's assertion with the
// key, and Microsoft Entra checks it against the certificate uploaded to the app
// registration. It shows only the certificate's SHA-256 thumbprint (String, fmt,
// JSON, slog), never the key.
type Certificate struct {
	cert *x509.Certificate
	key  *rsa.PrivateKey
}

// NewCertificate pairs a certificate with its RSA private key; the key must match
// the certificate's public key.
func NewCertificate(cert *x509.Certificate, key crypto.Signer) (*Certificate, error) {
	if cert == nil || key == nil {
		return nil, fmt.Errorf("msgraph: certificate and key are both required: %w", orgkit.ErrInvalid)
	}
	rk, ok := key.(*rsa.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("msgraph: the certificate's key is %T; Microsoft Entra certificate credentials need an RSA key: %w", key, orgkit.ErrInvalid)
	}
	pub, ok := cert.PublicKey.(*rsa.PublicKey)
	if !ok || !pub.Equal(&rk.PublicKey) {
		return nil, fmt.Errorf("msgraph: the private key does not match the certificate: %w", orgkit.ErrInvalid)
	}
	return &Certificate{cert: cert, key: rk}, nil
}

// ParseCertificate reads a PEM bundle holding the certificate ("CERTIFICATE") and
// its RSA private key ("PRIVATE KEY" in PKCS #8 or "RSA PRIVATE KEY" in PKCS #1), in
// any order — the form the Azure portal and openssl produce. Encrypted keys are
// refused.
func ParseCertificate(pemBundle []byte) (*Certificate, error) {
	var cert *x509.Certificate
	var key crypto.Signer
	for rest := pemBundle; ; {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil {
			break
		}
		switch b.Type {
		case "CERTIFICATE":
			if cert != nil {
				continue // a chain: the first is the app's own
			}
			c, err := x509.ParseCertificate(b.Bytes)
			if err != nil {
				return nil, fmt.Errorf("msgraph: the certificate does not parse: %v: %w", err, orgkit.ErrInvalid)
			}
			cert = c
		case "PRIVATE KEY":
			k, err := x509.ParsePKCS8PrivateKey(b.Bytes)
			if err != nil {
				return nil, fmt.Errorf("msgraph: the private key does not parse (PKCS #8): %w", orgkit.ErrInvalid)
			}
			s, ok := k.(crypto.Signer)
			if !ok {
				return nil, fmt.Errorf("msgraph: the private key is %T, not a signing key: %w", k, orgkit.ErrInvalid)
			}
			key = s
		case "RSA PRIVATE KEY":
			if _, encrypted := b.Headers["DEK-Info"]; encrypted {
				return nil, fmt.Errorf("msgraph: the private key is encrypted; decrypt it first: %w", orgkit.ErrInvalid)
			}
			k, err := x509.ParsePKCS1PrivateKey(b.Bytes)
			if err != nil {
				return nil, fmt.Errorf("msgraph: the private key does not parse (PKCS #1): %w", orgkit.ErrInvalid)
			}
			key = k
		case "ENCRYPTED PRIVATE KEY":
			return nil, fmt.Errorf("msgraph: the private key is encrypted; decrypt it first: %w", orgkit.ErrInvalid)
		}
	}
	switch {
	case cert == nil && key == nil:
		return nil, fmt.Errorf("msgraph: no certificate and no private key in the PEM data: %w", orgkit.ErrInvalid)
	case cert == nil:
		return nil, fmt.Errorf("msgraph: no certificate in the PEM data: %w", orgkit.ErrInvalid)
	case key == nil:
		return nil, fmt.Errorf("msgraph: no private key in the PEM data: %w", orgkit.ErrInvalid)
	}
	return NewCertificate(cert, key)
}

// Thumbprint is the certificate's SHA-256 thumbprint in hex, as the Azure portal
// shows it.
func (c *Certificate) Thumbprint() string {
	if c == nil || c.cert == nil {
		return ""
	}
	sum := sha256.Sum256(c.cert.Raw)
	return strings.ToUpper(hex.EncodeToString(sum[:]))
}

// x5tS256 is the certificate's SHA-256 thumbprint, base64url-encoded, for the
// assertion's header.
func (c *Certificate) x5tS256() string {
	sum := sha256.Sum256(c.cert.Raw)
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// String shows the thumbprint and hides the key.
func (c *Certificate) String() string {
	if c == nil {
		return "<nil>"
	}
	return "certificate{SHA-256 " + c.Thumbprint() + ", key [redacted]}"
}

// GoString is String.
func (c *Certificate) GoString() string { return c.String() }

// Format writes String whatever the verb.
func (c *Certificate) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, c.String()) }

// MarshalText gives String (JSON shows no key either).
func (c *Certificate) MarshalText() ([]byte, error) { return []byte(c.String()), nil }

// LogValue hides the key in log/slog.
func (c *Certificate) LogValue() slog.Value { return slog.StringValue(c.String()) }

// UnmarshalText reads the certificate and its key from a PEM bundle
// (ParseCertificate), so that a configuration file can hold them; only output is
// redacted.
func (c *Certificate) UnmarshalText(b []byte) error {
	p, err := ParseCertificate(b)
	if err != nil {
		return err
	}
	*c = *p
	return nil
}

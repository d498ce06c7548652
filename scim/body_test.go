package scim

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type protoErrWrap struct{ err error }

func (e protoErrWrap) Error() string { return "wrapped: " + e.err.Error() }
func (e protoErrWrap) Unwrap() error { return e.err }

func protoRecorder() *httptest.ResponseRecorder { return httptest.NewRecorder() }

// protoCountingReader counts the bytes read from it.
type protoCountingReader struct {
	r io.Reader
	n int
}

func (c *protoCountingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}

func TestReadBody(t *testing.T) {
	req := httptest.NewRequest(http.MethodPost, "/Users", strings.NewReader(`{"userName":"a"}`))
	b, err := readBody(req, 100)
	require.NoError(t, err)
	assert.Equal(t, `{"userName":"a"}`, string(b))

	// declared too large: refused without reading
	body := &protoCountingReader{r: strings.NewReader(strings.Repeat("x", 200))}
	req = httptest.NewRequest(http.MethodPost, "/Users", body)
	req.ContentLength = 200
	_, err = readBody(req, 100)
	var se *Error
	require.ErrorAs(t, err, &se)
	assert.Equal(t, http.StatusRequestEntityTooLarge, se.Status)
	assert.Equal(t, 0, body.n)

	// undeclared (chunked) and too large: refused after limit+1 bytes
	body = &protoCountingReader{r: strings.NewReader(strings.Repeat("x", 1<<20))}
	req = httptest.NewRequest(http.MethodPost, "/Users", body)
	req.ContentLength = -1
	_, err = readBody(req, 100)
	require.ErrorAs(t, err, &se)
	assert.Equal(t, http.StatusRequestEntityTooLarge, se.Status)
	assert.LessOrEqual(t, body.n, 100+1+512, "reads stop just past the limit")

	// exactly at the limit is fine; zero means the default
	req = httptest.NewRequest(http.MethodPost, "/Users", strings.NewReader(strings.Repeat("x", 100)))
	_, err = readBody(req, 100)
	assert.NoError(t, err)
	req = httptest.NewRequest(http.MethodPost, "/Users", strings.NewReader(strings.Repeat("x", DefaultMaxBodyBytes+1)))
	_, err = readBody(req, 0)
	require.ErrorAs(t, err, &se)
	assert.Equal(t, http.StatusRequestEntityTooLarge, se.Status)
}

package member

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
	"strconv"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgkit/orgkit"
)

// testPicture returns a small real picture encoded by the standard library.
func testPicture(t testing.TB, format string) []byte {
	t.Helper()
	img := image.NewPaletted(image.Rect(0, 0, 16, 16), color.Palette{color.White, color.Black})
	for i := range 16 {
		img.SetColorIndex(i, i, 1)
	}
	var b bytes.Buffer
	var err error
	switch format {
	case "png":
		err = png.Encode(&b, img)
	case "gif":
		err = gif.Encode(&b, img, nil)
	case "jpeg":
		err = jpeg.Encode(&b, img, nil)
	}
	require.NoError(t, err)
	return b.Bytes()
}

func sha256Hex(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

func TestCheckAvatarAccepts(t *testing.T) {
	cases := []struct {
		format, mime string
		data         []byte
	}{
		{"png", "image/png", testPicture(t, "png")},
		{"gif", "image/gif", testPicture(t, "gif")},
		{"jpeg", "image/jpeg", testPicture(t, "jpeg")},
		{"gif87a", "image/gif", []byte("GIF87a\x01\x00\x01\x00\x00\x00\x00;")},
		{"png over 512 bytes", "image/png", append(testPicture(t, "png"), make([]byte, 2000)...)},
	}
	for _, c := range cases {
		t.Run(c.format, func(t *testing.T) {
			// One byte at a time: the upload streams.
			a, err := CheckAvatar(iotest.OneByteReader(bytes.NewReader(c.data)))
			require.NoError(t, err)
			assert.Equal(t, Avatar{MIMEType: c.mime, Size: int64(len(c.data)), SHA256: sha256Hex(c.data)}, a)

			// The description passes Normalize once the host sets the URI.
			m := validMember()
			m.Avatar = a
			m.Avatar.URI = "https://cdn.example.com/" + a.SHA256
			assert.Empty(t, Rules{}.Normalize(m, []Field{AvatarField}))
		})
	}
}

func TestCheckAvatarRefuses(t *testing.T) {
	pngData := testPicture(t, "png")
	cases := []struct {
		name, detected string
		data           []byte
	}{
		{"PDF named .png", "application/pdf", []byte("%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n")},
		{"HTML named .png", "text/html; charset=utf-8", []byte("<html><script>alert(1)</script></html>")},
		{"SVG", "text/xml; charset=utf-8", []byte(`<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>`)},
		{"WebP", "image/webp", []byte("RIFF\x24\x00\x00\x00WEBPVP8 \x18\x00\x00\x00")},
		{"BMP", "image/bmp", []byte("BM\x3a\x00\x00\x00\x00\x00\x00\x00\x36\x00\x00\x00")},
		{"PNG after a space", "application/octet-stream", append([]byte(" "), pngData...)},
		{"truncated PNG signature", "text/plain; charset=utf-8", pngData[:6]},
		{"empty", "text/plain; charset=utf-8", nil},
		{"zip", "application/zip", []byte("PK\x03\x04\x14\x00\x00\x00")},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a, err := CheckAvatar(bytes.NewReader(c.data))
			require.Error(t, err)
			assert.Zero(t, a)
			assert.ErrorIs(t, err, orgkit.ErrInvalid)
			var inv *orgkit.InvalidError
			require.True(t, errors.As(err, &inv))
			require.Len(t, inv.Violations, 1)
			v := inv.Violations[0]
			assert.Equal(t, orgkit.CodeMemberAvatarType, v.Code)
			assert.Equal(t, orgkit.FieldName("avatar"), v.Field)
			assert.Equal(t, c.detected, v.Value)
			assert.Contains(t, v.Message(), "not JPEG, GIF or PNG")
		})
	}
}

// pngStream yields a PNG signature followed by zeros, n bytes in all, without
// holding them in memory, and counts what was read.
type pngStream struct {
	n, read int64
}

func (s *pngStream) Read(p []byte) (int, error) {
	if s.read >= s.n {
		return 0, io.EOF
	}
	p = p[:min(int64(len(p)), s.n-s.read)]
	clear(p)
	const sig = "\x89PNG\r\n\x1a\n"
	if s.read < int64(len(sig)) {
		copy(p, sig[s.read:])
	}
	s.read += int64(len(p))
	return len(p), nil
}

func TestCheckAvatarSize(t *testing.T) {
	cases := []struct {
		name string
		n    int64
		ok   bool
	}{
		{"at the limit", MaxAvatarSize, true},
		{"one byte over", MaxAvatarSize + 1, false},
		{"far over", 10 * MaxAvatarSize, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := &pngStream{n: c.n}
			a, err := CheckAvatar(s)
			assert.LessOrEqual(t, s.read, int64(MaxAvatarSize+1), "reads at most the limit plus one byte")
			if c.ok {
				require.NoError(t, err)
				assert.Equal(t, int64(MaxAvatarSize), a.Size)
				assert.Equal(t, "image/png", a.MIMEType)
				assert.Len(t, a.SHA256, 64)
				return
			}
			require.Error(t, err)
			assert.ErrorIs(t, err, orgkit.ErrInvalid)
			var inv *orgkit.InvalidError
			require.True(t, errors.As(err, &inv))
			require.Len(t, inv.Violations, 1)
			v := inv.Violations[0]
			assert.Equal(t, orgkit.CodeMemberAvatarTooLarge, v.Code)
			assert.Equal(t, ">"+strconv.Itoa(MaxAvatarSize), v.Value)
			assert.Equal(t, strconv.Itoa(MaxAvatarSize), v.Detail)
			assert.Equal(t, "avatar: >20971520 bytes is over the limit of 20971520 bytes", v.Message())
		})
	}
}

func TestCheckAvatarReadError(t *testing.T) {
	boom := errors.New("connection reset")
	cases := []struct {
		name string
		r    io.Reader
	}{
		{"in the head", iotest.ErrReader(boom)},
		{"after the head", io.MultiReader(bytes.NewReader(append(testPicture(t, "png"), make([]byte, 1000)...)), iotest.ErrReader(boom))},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := CheckAvatar(c.r)
			require.Error(t, err)
			assert.ErrorIs(t, err, boom)
			assert.NotErrorIs(t, err, orgkit.ErrInvalid)
		})
	}
}

func FuzzCheckAvatar(f *testing.F) {
	f.Add(testPicture(f, "png"))
	f.Add(testPicture(f, "gif"))
	f.Add(testPicture(f, "jpeg"))
	f.Add([]byte("GIF87a"))
	f.Add([]byte("\xff\xd8\xff"))
	f.Add([]byte("%PDF-1.4"))
	f.Add([]byte("<html>"))
	f.Add([]byte(strings.Repeat(" ", 600) + "\x89PNG\r\n\x1a\n"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		a, err := CheckAvatar(bytes.NewReader(data))
		if err != nil {
			if !errors.Is(err, orgkit.ErrInvalid) {
				t.Fatalf("CheckAvatar error %v does not match ErrInvalid", err)
			}
			return
		}
		switch a.MIMEType {
		case "image/jpeg", "image/gif", "image/png":
		default:
			t.Fatalf("CheckAvatar accepted type %q", a.MIMEType)
		}
		if a.Size != int64(len(data)) || a.SHA256 != sha256Hex(data) || a.URI != "" {
			t.Fatalf("CheckAvatar = %+v for %d bytes", a, len(data))
		}
	})
}

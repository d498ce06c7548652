package member

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"

	"github.com/orgkit/orgkit"
)

// MaxAvatarSize is the largest avatar accepted, in bytes (20 MiB).
const MaxAvatarSize = 20 << 20

// The picture types an avatar may have.
const (
	avatarJPEG = "image/jpeg"
	avatarGIF  = "image/gif"
	avatarPNG  = "image/png"
)

// sniffLen is how many leading bytes http.DetectContentType looks at.
const sniffLen = 512

// avatarType reports whether mime is a picture type an avatar may have.
func avatarType(mime string) bool {
	switch mime {
	case avatarJPEG, avatarGIF, avatarPNG:
		return true
	}
	return false
}

// magicOK confirms the signature of a detected picture type at the start of head.
func magicOK(mime string, head []byte) bool {
	switch mime {
	case avatarJPEG:
		return bytes.HasPrefix(head, []byte{0xFF, 0xD8, 0xFF})
	case avatarGIF:
		return bytes.HasPrefix(head, []byte("GIF87a")) || bytes.HasPrefix(head, []byte("GIF89a"))
	case avatarPNG:
		return bytes.HasPrefix(head, []byte("\x89PNG\r\n\x1a\n"))
	}
	return false
}

// CheckAvatar validates an uploaded avatar as it streams from r and describes it:
// the type is decided by the content, never by a file name or a declared type (JPEG,
// GIF or PNG, confirmed by its signature), the size is at most MaxAvatarSize, and the
// SHA-256 of the content is returned in hex. It never reads more than MaxAvatarSize+1
// bytes; on success r has been read to its end. The URI is left for the host to set
// once it has stored the picture.
//
// A refused upload is an *orgkit.InvalidError (errors.Is(err, orgkit.ErrInvalid))
// with code orgkit.CodeMemberAvatarType (Value the detected type) or
// orgkit.CodeMemberAvatarTooLarge (Value ">20971520", Detail the limit). An error
// reading r is returned as is, wrapped.
func CheckAvatar(r io.Reader) (Avatar, error) {
	head := make([]byte, sniffLen)
	n, err := io.ReadFull(r, head)
	head = head[:n]
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
		return Avatar{}, fmt.Errorf("member: reading avatar: %w", err)
	}
	mime := http.DetectContentType(head)
	if !avatarType(mime) || !magicOK(mime, head) {
		return Avatar{}, avatarInvalid(orgkit.CodeMemberAvatarType, mime, "")
	}

	h := sha256.New()
	h.Write(head)
	size := int64(n)
	if n == sniffLen {
		rest, err := io.Copy(h, io.LimitReader(r, MaxAvatarSize+1-sniffLen))
		size += rest
		if err != nil {
			return Avatar{}, fmt.Errorf("member: reading avatar: %w", err)
		}
	}
	if size > MaxAvatarSize {
		return Avatar{}, avatarInvalid(orgkit.CodeMemberAvatarTooLarge, ">"+strconv.Itoa(MaxAvatarSize), strconv.Itoa(MaxAvatarSize))
	}
	return Avatar{MIMEType: mime, Size: size, SHA256: hex.EncodeToString(h.Sum(nil))}, nil
}

func avatarInvalid(code, value, detail string) error {
	return orgkit.Invalid([]orgkit.Violation{{Code: code, Command: -1, Record: orgkit.Ref{Kind: orgkit.KindAvatar},
		Field: orgkit.FieldName(AvatarField.String()), Value: value, Detail: detail}})
}

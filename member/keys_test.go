package member

import (
	"testing"
)

// FuzzKeyOf checks KeyOf against the write path: whatever value a unique field is
// written with, when Normalize accepts it, the key the stored member gets
// (UniqueKey) is the key KeyOf gives the value as written; and keying a key again
// changes nothing.
func FuzzKeyOf(f *testing.F) {
	for _, s := range []string{
		"13900000000", "139 0000 0000", "+86-139-0000-0000", "１３９００００００００", "+852 1234 5678",
		"Alice@Example.COM", " ａｌｉｃｅ＠ｅｘａｍｐｌｅ.com ", "Alice  Wang", "Ｅ-００１", " ext-001\t",
		"", "abc", "İ", "\u212a@x.com",
	} {
		f.Add(s)
	}
	rules := Rules{}.remember()
	f.Fuzz(func(t *testing.T, s string) {
		for _, fd := range UniqueFields {
			key := rules.KeyOf(fd, s)
			if again := rules.KeyOf(fd, key); again != key {
				t.Fatalf("KeyOf(%s, %q) = %q, but KeyOf of that is %q", fd, s, key, again)
			}
			m := &Member{LoginMethod: LoginByPlatform, ExternalID: "x"}
			set(fd, m, s)
			if vs := rules.Normalize(m, []Field{fd}); len(vs) > 0 {
				continue // refused: never stored, nothing to find
			}
			if stored := UniqueKey(fd, m); stored != key {
				t.Fatalf("%s written as %q is stored under key %q, but KeyOf gives %q", fd, s, stored, key)
			}
		}
	})
}

// set writes value into the unique field f of m.
func set(f Field, m *Member, value string) {
	switch f {
	case SystemNameField:
		m.SystemName.Default = value
	case EmployeeNumberField:
		m.EmployeeNumber = value
	case MobileField:
		m.Mobile = value
	case EmailField:
		m.Email = value
	case LoginAccountField:
		m.LoginAccount = value
	case SSOAccountField:
		m.SSOAccount = value
	case ExternalIDField:
		m.ExternalID = value
	}
}

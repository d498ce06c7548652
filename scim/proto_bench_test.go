package scim

import (
	"fmt"
	"testing"
)

// BenchmarkParseFilter parses the lookup Microsoft Entra ID makes before each create.
func BenchmarkParseFilter(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := parseFilter(`userName eq "Test_User_dfeef4c5-5681-4387-b016-bdf221e82081"`); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMatch evaluates a filter with a value path against one user.
func BenchmarkMatch(b *testing.B) {
	f, err := parseFilter(`userName eq "alice@example.com" and emails[type eq "work"].value ew "@example.com"`)
	if err != nil {
		b.Fatal(err)
	}
	alice := protoFuzzAlice(b)
	users := newUserResourceType()
	b.ReportAllocs()
	for b.Loop() {
		if !matchFilter(f, alice, users) {
			b.Fatal("no match")
		}
	}
}

// BenchmarkPatchGroupMembers applies Entra's Add of one member and Remove of another to
// a group of 10,000 members (decode, apply, member delta).
func BenchmarkPatchGroupMembers(b *testing.B) {
	members := make([]any, 10000)
	for i := range members {
		members[i] = map[string]any{"value": fmt.Sprintf("u%05d", i), "display": fmt.Sprintf("User %d", i)}
	}
	g := map[string]any{"schemas": []any{GroupSchema}, "id": "g-1", "displayName": "All", "members": members}
	groups := newGroupResourceType()
	body := []byte(protoOps(`[{"op":"Add","path":"members","value":[{"$ref":null,"value":"new"}]},{"op":"Remove","path":"members","value":[{"value":"u00042"}]}]`))
	b.ReportAllocs()
	for b.Loop() {
		req, err := decodePatch(body)
		if err != nil {
			b.Fatal(err)
		}
		out, err := req.Apply(g, groups)
		if err != nil {
			b.Fatal(err)
		}
		if c, _ := out.Changed("members"); len(c.AddedValues()) != 1 || len(c.RemovedValues()) != 1 {
			b.Fatal("wrong delta")
		}
	}
}

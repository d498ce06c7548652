package scim

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

// FuzzParseFilter: any input either parses, renders back to a filter that parses to the
// same tree, and evaluates without panicking; or is refused with an invalidFilter *Error.
// Seeds (testdata/fuzz/FuzzParseFilter) include the filters Microsoft Entra ID and Okta
// send during provisioning.
func FuzzParseFilter(f *testing.F) {
	for _, s := range []string{
		`userName eq "a@b.com"`,
		`externalId eq "3f8f4e5a-7f0e-4b8e-9f0a-0d1b2c3d4e5f"`,
		`displayName eq "Sales"`,
		`emails[type eq "work"].value eq "x@y.com"`,
		`userName eq "test.user@okta.local"`,
		`id eq "2819c223-7f76-453a-919d-413861904646" and members[value eq "u1"]`,
		`title pr and (emails co "@example.com" or not (active eq false))`,
		`meta.lastModified ge "2011-05-13T04:42:34Z" and x lt -1.5e3`,
		`urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value eq null`,
	} {
		f.Add(s)
	}
	alice := map[string]any{}
	if err := json.Unmarshal([]byte(protoAliceJSON), &alice); err != nil {
		f.Fatal(err)
	}
	users := newUserResourceType()
	f.Fuzz(func(t *testing.T, s string) {
		flt, err := parseFilter(s)
		if err != nil {
			var se *Error
			if !errors.As(err, &se) || se.Status != 400 || se.ScimType != ErrorInvalidFilter {
				t.Fatalf("ParseFilter(%q): error %v is not a 400 invalidFilter *Error", s, err)
			}
			return
		}
		out := flt.String()
		again, err := parseFilter(out)
		if err != nil {
			if strings.Contains(err.Error(), "limit") {
				return // rendering may add parentheses past the bounds
			}
			t.Fatalf("ParseFilter(%q).String() = %q does not parse: %v", s, out, err)
		}
		if again.String() != out {
			t.Fatalf("round trip of %q: %q then %q", s, out, again.String())
		}
		matchFilter(flt, alice, users)
		matchFilter(flt, alice, nil)
	})
}

// FuzzParsePath: any input either parses and renders back to a path that parses to the
// same value, or is refused with an invalidPath *Error. Seeds include the PATCH paths
// Microsoft Entra ID and Okta send.
func FuzzParsePath(f *testing.F) {
	for _, s := range []string{
		`members`,
		`name.givenName`,
		`emails[type eq "work"].value`,
		`members[value eq "2819c223-7f76-453a-919d-413861904646"]`,
		`urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager`,
		`phoneNumbers[type eq "mobile"].value`,
		`addresses[type eq "work"].formatted`,
		`active`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := parsePath(s)
		if err != nil {
			var se *Error
			if !errors.As(err, &se) || se.Status != 400 || se.ScimType != ErrorInvalidPath {
				t.Fatalf("ParsePath(%q): error %v is not a 400 invalidPath *Error", s, err)
			}
			return
		}
		out := p.String()
		again, err := parsePath(out)
		if err != nil {
			if strings.Contains(err.Error(), "limit") {
				return
			}
			t.Fatalf("ParsePath(%q).String() = %q does not parse: %v", s, out, err)
		}
		if again.String() != out {
			t.Fatalf("round trip of %q: %q then %q", s, out, again.String())
		}
	})
}

// FuzzApplyPatch: any body either decodes and applies, or is refused with a 400 *Error;
// Apply never modifies its input and never panics. Seeds are the PATCH bodies Microsoft
// Entra ID and Okta send.
func FuzzApplyPatch(f *testing.F) {
	for _, s := range []string{
		protoOps(`[{"op":"Replace","path":"active","value":"False"}]`),
		protoOps(`[{"op":"replace","value":{"displayName":"Pvlo","emails[type eq \"work\"].value":"a@b.c","name.givenName":"G","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber":"E"}}]`),
		protoOps(`[{"op":"Add","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager","value":"m-2"}]`),
		protoOps(`[{"op":"Add","path":"phoneNumbers[type eq \"mobile\"].value","value":"+1 555"}]`),
		protoOps(`[{"op":"Add","path":"members","value":[{"$ref":null,"value":"u4"}]}]`),
		protoOps(`[{"op":"Remove","path":"members","value":[{"value":"u1"}]}]`),
		protoOps(`[{"op":"replace","value":{"id":"g-1","displayName":"Sales"}}]`),
		protoOps(`[{"op":"remove","path":"members[value eq \"u2\"]"}]`),
		protoOps(`[{"op":"replace","value":{"active":false}}]`),
	} {
		f.Add([]byte(s))
	}
	users, groups := newUserResourceType(), newGroupResourceType()
	f.Fuzz(func(t *testing.T, body []byte) {
		req, err := decodePatch(body)
		if err != nil {
			var se *Error
			if !errors.As(err, &se) || se.Status != 400 {
				t.Fatalf("DecodePatch: %v is not a 400 *Error", err)
			}
			return
		}
		for _, c := range []struct {
			res map[string]any
			rt  *resourceDef
		}{{protoFuzzAlice(t), users}, {protoFuzzGroup(), groups}, {protoFuzzAlice(t), nil}} {
			before, _ := json.Marshal(c.res)
			out, err := req.Apply(c.res, c.rt)
			after, _ := json.Marshal(c.res)
			if string(before) != string(after) {
				t.Fatalf("Apply modified its input")
			}
			if err != nil {
				var se *Error
				if !errors.As(err, &se) || se.Status != 400 {
					t.Fatalf("Apply: %v is not a 400 *Error", err)
				}
				continue
			}
			if _, err := json.Marshal(out.Resource); err != nil {
				t.Fatalf("patched resource does not encode: %v", err)
			}
			if c.rt != nil {
				protoCheckShape(t, out.Resource, c.rt)
			}
		}
	})
}

// protoCheckShape fails when an attribute's value does not have the shape its
// definition says: a list for multi-valued attributes, an object for single complex
// ones, a bool for booleans.
func protoCheckShape(t *testing.T, res map[string]any, rt *resourceDef) {
	t.Helper()
	for k, v := range res {
		if strings.EqualFold(k, "schemas") {
			continue
		}
		if ext := rt.Extension(k); ext != nil {
			m, ok := v.(map[string]any)
			if !ok {
				t.Fatalf("extension %s is %T", k, v)
			}
			for sk, sv := range m {
				protoCheckValue(t, k+":"+sk, ext.Attribute(sk), sv)
			}
			continue
		}
		protoCheckValue(t, k, rt.Attribute(k), v)
	}
}

func protoCheckValue(t *testing.T, name string, def *Attribute, v any) {
	t.Helper()
	if def == nil {
		return
	}
	vals := []any{v}
	if def.MultiValued {
		l, ok := v.([]any)
		if !ok {
			t.Fatalf("multi-valued %s is %T", name, v)
		}
		vals = l
	}
	for _, e := range vals {
		switch def.Type {
		case Complex:
			m, ok := e.(map[string]any)
			if !ok {
				t.Fatalf("complex %s holds %T", name, e)
			}
			for sk, sv := range m {
				protoCheckValue(t, name+"."+sk, def.Sub(sk), sv)
			}
		case Boolean:
			if _, ok := e.(bool); !ok {
				t.Fatalf("boolean %s holds %T", name, e)
			}
		}
	}
}

func protoFuzzAlice(t testing.TB) map[string]any {
	d := json.NewDecoder(strings.NewReader(protoAliceJSON))
	d.UseNumber()
	var m map[string]any
	if err := d.Decode(&m); err != nil {
		t.Fatal(err)
	}
	return m
}

func protoFuzzGroup() map[string]any {
	return map[string]any{"schemas": []any{GroupSchema}, "id": "g-1", "displayName": "Sales",
		"members": []any{map[string]any{"value": "u1"}, map[string]any{"value": "u2", "display": "Two"}}}
}

// FuzzReplace: any JSON object either replaces a resource or is refused with a 400
// *Error; neither input is modified. Seeds are user and group bodies Okta and
// Microsoft Entra ID send with POST and PUT.
func FuzzReplace(f *testing.F) {
	for _, s := range []string{
		`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"test.user@okta.local","name":{"givenName":"Test","familyName":"User"},"emails":[{"primary":true,"value":"test.user@okta.local","type":"work"}],"displayName":"Test User","locale":"en-US","externalId":"00ujl29u0le5T6Aj10h7","groups":[],"password":"1mz050nq","active":true}`,
		`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],"externalId":"0a21f0f2","userName":"Test_User_ab6490ee","active":true,"emails":[{"primary":true,"type":"work","value":"Test_User_fd0ea19b@testuser.com"}],"meta":{"resourceType":"User"},"name":{"formatted":"givenName familyName","familyName":"familyName","givenName":"givenName"},"roles":[],"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":"Sales","manager":"m-1"}}`,
		`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"externalId":"8aa1a0c0","displayName":"displayName","meta":{"resourceType":"Group"},"members":[{"value":"u1"}]}`,
	} {
		f.Add([]byte(s))
	}
	users, groups := newUserResourceType(), newGroupResourceType()
	f.Fuzz(func(t *testing.T, body []byte) {
		d := json.NewDecoder(bytes.NewReader(body))
		d.UseNumber()
		var in map[string]any
		if d.Decode(&in) != nil || in == nil {
			return
		}
		inBefore, _ := json.Marshal(in)
		for _, c := range []struct {
			cur map[string]any
			rt  *resourceDef
		}{{nil, users}, {protoFuzzAlice(t), users}, {protoFuzzGroup(), groups}, {protoFuzzAlice(t), nil}} {
			curBefore, _ := json.Marshal(c.cur)
			out, err := replaceResource(c.cur, in, c.rt)
			if after, _ := json.Marshal(in); string(after) != string(inBefore) {
				t.Fatalf("Replace modified the request")
			}
			if after, _ := json.Marshal(c.cur); string(after) != string(curBefore) {
				t.Fatalf("Replace modified the current resource")
			}
			if err != nil {
				var se *Error
				if !errors.As(err, &se) || se.Status != 400 {
					t.Fatalf("Replace: %v is not a 400 *Error", err)
				}
				continue
			}
			if _, err := json.Marshal(out.Resource); err != nil {
				t.Fatalf("replaced resource does not encode: %v", err)
			}
			if c.rt != nil {
				protoCheckShape(t, out.Resource, c.rt)
			}
		}
	})
}

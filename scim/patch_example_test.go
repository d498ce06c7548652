package scim

import (
	"encoding/json"
	"fmt"
)

// Example_patch applies a PATCH as Microsoft Entra ID sends it to a group:
// capitalized op names and a Remove on "members" with a value list. The result lists
// the member IDs added and removed, for intent commands.
func Example_patch() {
	group := map[string]any{
		"schemas": []any{GroupSchema}, "id": "g-1", "displayName": "Sales",
		"members": []any{map[string]any{"value": "u1"}, map[string]any{"value": "u2"}},
	}
	req, err := decodePatch([]byte(`{
	  "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
	  "Operations": [
	    {"op": "Add", "path": "members", "value": [{"$ref": null, "value": "u3"}]},
	    {"op": "Remove", "path": "members", "value": [{"value": "u1"}]}
	  ]}`))
	if err != nil {
		panic(err)
	}
	res, err := req.Apply(group, newGroupResourceType())
	if err != nil {
		panic(err)
	}
	c, _ := res.Changed("members")
	fmt.Println("added:", c.AddedValues(), "removed:", c.RemovedValues())
	b, _ := json.Marshal(res.Resource["members"])
	fmt.Println(string(b))

	// a change to a read-only attribute is refused, and nothing is changed
	req, _ = decodePatch([]byte(`{"Operations":[{"op":"replace","value":{"id":"other"}}]}`))
	_, err = req.Apply(group, newGroupResourceType())
	fmt.Println(err)
	// Output:
	// added: [u3] removed: [u1]
	// [{"value":"u2"},{"value":"u3"}]
	// scim: 400 mutability: id is readOnly
}

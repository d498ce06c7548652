package scim

import (
	"encoding/json"
	"fmt"
)

// Example_projection reads groups the way Microsoft Entra ID does, with
// excludedAttributes=members, and answers with one page of a ListResponse.
func Example_projection() {
	groups := newGroupResourceType()
	proj, err := parseProjection("", "members")
	if err != nil {
		panic(err)
	}
	fmt.Println("compute members:", proj.Returns(groups, "members"))

	all := []map[string]any{
		{"schemas": []any{GroupSchema}, "id": "g-1", "displayName": "Sales", "members": []any{map[string]any{"value": "u1"}}},
		{"schemas": []any{GroupSchema}, "id": "g-2", "displayName": "R&D"},
	}
	page, err := parsePage("2", "10", 100)
	if err != nil {
		panic(err)
	}
	lo, hi := page.Bounds(len(all))
	resp := listResponse{TotalResults: len(all), StartIndex: page.StartIndex}
	for _, g := range all[lo:hi] {
		resp.Resources = append(resp.Resources, proj.Apply(g, groups))
	}
	b, _ := json.Marshal(resp)
	fmt.Println(string(b))
	// Output:
	// compute members: false
	// {"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":2,"startIndex":2,"itemsPerPage":1,"Resources":[{"displayName":"R\u0026D","id":"g-2","schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"]}]}
}

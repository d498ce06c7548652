package scim

import (
	"encoding/json"
	"fmt"
)

// Example_filter parses the lookup Microsoft Entra ID makes before creating a user,
// answers it from an index when the filter allows, and evaluates the whole filter.
func Example_filter() {
	f, err := parseFilter(`userName eq "Alice@Example.com" and emails[type eq "work"].value pr`)
	if err != nil {
		panic(err)
	}
	if v, ok := equalityValue(f, "userName"); ok {
		fmt.Println("look up userName", v, "in the index")
	}
	var alice map[string]any
	_ = json.Unmarshal([]byte(`{"userName":"alice@example.com","emails":[{"type":"work","value":"alice@example.com"}]}`), &alice)
	fmt.Println("matches:", matchFilter(f, alice, newUserResourceType())) // userName is not case-exact
	fmt.Println(f)

	_, err = parseFilter(`userName eq bob`)
	fmt.Println(err)
	// Output:
	// look up userName Alice@Example.com in the index
	// matches: true
	// userName eq "Alice@Example.com" and emails[type eq "work" and value pr]
	// scim: 400 invalidFilter: invalid filter "userName eq bob": at offset 12: invalid comparison value "bob" (strings need double quotes)
}

// Example_path parses the PATCH path Microsoft Entra ID sends to change a user's
// work email.
func Example_path() {
	p, err := parsePath(`emails[type eq "work"].value`)
	if err != nil {
		panic(err)
	}
	fmt.Printf("attribute %s, values where %s, sub-attribute %s\n", p.Attr, p.Filter, p.Sub)
	// Output:
	// attribute emails, values where type eq "work", sub-attribute value
}

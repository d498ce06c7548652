package orgtree_test

import (
	"fmt"

	"golang.org/x/text/language"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/orgtree"
)

func ExampleTree() {
	root := &orgtree.Node{ID: orgkit.NewNodeID(), Kind: orgtree.Company, Name: orgkit.Name("Acme")}
	rd := &orgtree.Node{ID: orgkit.NewNodeID(), Kind: orgtree.Department, Parent: root.ID, Code: "RD",
		Name: orgkit.Names{Default: "R&D", ByLang: map[string]string{"zh-Hans": "研发部"}}}
	product := &orgtree.Node{ID: orgkit.NewNodeID(), Kind: orgtree.Department, Parent: rd.ID, Name: orgkit.Name("Product")}
	tr, err := orgtree.Build([]*orgtree.Node{root, rd, product})
	if err != nil {
		panic(err)
	}
	fmt.Println(tr.IsAncestor(root.ID, product.ID), tr.Depth(product.ID))
	fmt.Println(tr.PathString(product.ID, language.SimplifiedChinese))
	n, _ := tr.ByCode("rd")
	fmt.Println(n.Name.Default)
	n, _ = tr.ByPath("Acme/研发部/Product", language.SimplifiedChinese)
	fmt.Println(n.ID == product.ID)
	// Output:
	// true 2
	// Acme/研发部/Product
	// R&D
	// true
}

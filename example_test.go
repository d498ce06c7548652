package orgkit_test

import (
	"errors"
	"fmt"

	"golang.org/x/text/language"

	"github.com/orgkit/orgkit"
)

func ExampleNames_In() {
	n := orgkit.Names{Default: "R&D", ByLang: map[string]string{"zh-Hans": "研发部", "zh-Hant": "研發部"}}
	fmt.Println(n.In(language.SimplifiedChinese))
	fmt.Println(n.In(language.MustParse("zh-TW"))) // finds zh-Hant
	fmt.Println(n.In(language.German))             // falls back to the default
	// Output:
	// 研发部
	// 研發部
	// R&D
}

func ExampleInvalidError() {
	rd, qa := orgkit.NewNodeID(), orgkit.NewNodeID()
	err := orgkit.Invalid([]orgkit.Violation{{
		Code: orgkit.CodeTreeCycle, Command: 2,
		Record: orgkit.Ref{Kind: orgkit.KindDepartment, ID: rd.UUID(), Name: "R&D"}, Field: "parent",
		Related: []orgkit.Ref{{Kind: orgkit.KindDepartment, ID: qa.UUID(), Name: "QA"}},
	}})
	var inv *orgkit.InvalidError
	if errors.As(err, &inv) && errors.Is(err, orgkit.ErrInvalid) {
		v := inv.Violations[0]
		node, _ := v.Record.NodeID()
		fmt.Println(v.Command, v.Code, v.Field, node == rd)
		fmt.Println(v.Message())
		fmt.Println(v.Text(language.SimplifiedChinese))
	}
	// Output:
	// 2 tree.cycle parent true
	// department "R&D": moving under department "QA" would make a cycle
	// 部门「R&D」：移动到部门「QA」之下会形成循环
}

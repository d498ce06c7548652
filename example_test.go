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
	err := orgkit.Invalid([]orgkit.Violation{
		orgkit.NewViolation(orgkit.CodeTreeCycle, 2, `department "R&D"`, "parent", `department "QA"`, ""),
	})
	var inv *orgkit.InvalidError
	if errors.As(err, &inv) && errors.Is(err, orgkit.ErrInvalid) {
		v := inv.Violations[0]
		fmt.Println(v.Command, v.Code)
		fmt.Println(v.Text(language.English))
		fmt.Println(v.Text(language.SimplifiedChinese))
	}
	// Output:
	// 2 tree.cycle
	// department "R&D": moving under department "QA" would make a cycle
	// department "R&D"：移动到 department "QA" 之下会形成循环
}

package orgkit

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"golang.org/x/text/language"

	"github.com/orgkit/orgkit/internal/i18n"
)

// Every message is fully localized: rendered with arguments in Chinese only, the
// Simplified and Traditional Chinese messages hold no Latin word but the few with no
// Chinese name (ID, SSO, QQ, …). Kinds, fields and the words of closed sets are
// named in Chinese too.
func TestMessagesAreFullyLocalized(t *testing.T) {
	chinese := []language.Tag{language.SimplifiedChinese, language.TraditionalChinese}
	for _, e := range violationTexts.Entries() {
		for kind := KindDirectory; kind < recordKindCount; kind++ {
			v := Violation{Code: e.Key, Command: 1, Record: Ref{Kind: kind, Name: "张伟", Row: 3}, Field: "system_name",
				Value: "销售部", Detail: "十二", Related: []Ref{{Kind: KindDepartment, Name: "销售"}, {Kind: KindMember, Name: "王芳"}}}
			for _, tag := range chinese {
				text := v.Text(tag)
				assert.Empty(t, i18n.LatinWords(text), "%s in %s: %s", e.Key, tag, text)
				assert.NotContains(t, text, "%!", "%s in %s: %s", e.Key, tag, text)
			}
			assert.NotContains(t, v.Message(), "%!", e.Key)
		}
	}
	for kind := KindDirectory; kind < recordKindCount; kind++ {
		for _, tag := range chinese {
			assert.Empty(t, i18n.LatinWords(kind.Label(tag)), "kind %s", kind)
		}
	}
}

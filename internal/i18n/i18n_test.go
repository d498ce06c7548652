package i18n

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// Every label and term has its three forms, and the Chinese ones hold no Latin word
// but the few LatinAllowed.
func TestLabelsAreLocalized(t *testing.T) {
	check := func(what string, forms [3]string) {
		for li, f := range forms {
			assert.NotEmpty(t, f, "%s in language %d", what, li)
		}
		assert.Empty(t, LatinWords(forms[1]), what)
		assert.Empty(t, LatinWords(forms[2]), what)
	}
	for name, l := range fieldLabels {
		check("field "+name, l)
	}
	for word, forms := range terms {
		check("term "+word, forms)
	}
	assert.Equal(t, "mobile", Term("mobile", 0), "a field's label as a word")
	assert.Equal(t, "手机号", Term("mobile", 1))
	assert.Equal(t, "不存在的词", Term("不存在的词", 1), "anything else as it is")
	assert.Equal(t, []string{"Sales"}, LatinWords("部门「Sales」的 ID"))
}

func TestLanguagesAreACopy(t *testing.T) {
	l := Languages()
	l[0] = l[1]
	assert.Equal(t, "en", Languages()[0].String())
	assert.Equal(t, 1, Match(Languages()[1]))
}

package visibility

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// Every explanation is fully localized: rendered with Chinese names, its Chinese
// forms hold no Latin word.
func TestExplanationsAreLocalized(t *testing.T) {
	assert.Empty(t, texts.LatinInChinese("张伟", "销售部", "研发部", "王芳"))
}

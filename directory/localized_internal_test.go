package directory

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// The reasons of people actions are fully localized.
func TestReasonsAreLocalized(t *testing.T) {
	assert.Empty(t, reasonTexts.LatinInChinese())
}

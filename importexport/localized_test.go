package importexport

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// importexport's own messages are fully localized: rendered with Chinese arguments,
// their Chinese forms hold no Latin word but the few allowed (ID, CSV, …).
func TestMessagesAreLocalized(t *testing.T) {
	assert.Empty(t, messages.LatinInChinese("第三行", "手机号", "张伟", "十二"))
}

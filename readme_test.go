package orgkit_test

import (
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestReadmeShowsARunnableProgram keeps the README's first program and examples/readme, which CI
// runs, the same code: the README shows nothing that does not compile and run.
func TestReadmeShowsARunnableProgram(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	require.NoError(t, err)
	program, err := os.ReadFile("examples/readme/main.go")
	require.NoError(t, err)

	_, rest, ok := strings.Cut(string(readme), "```go\n")
	require.True(t, ok, "README.md has no Go block")
	shown, _, ok := strings.Cut(rest, "```")
	require.True(t, ok)

	_, body, ok := strings.Cut(string(program), "\t// README begin\n")
	require.True(t, ok, "examples/readme/main.go has no README begin marker")
	body, _, ok = strings.Cut(body, "\t// README end\n")
	require.True(t, ok, "examples/readme/main.go has no README end marker")
	var lines []string
	for l := range strings.Lines(body) {
		lines = append(lines, strings.TrimPrefix(l, "\t"))
	}
	assert.Equal(t, shown, strings.Join(lines, ""), "the README's first Go block must be the body of examples/readme/main.go")
}

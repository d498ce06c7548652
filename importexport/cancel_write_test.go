package importexport

import (
	"bytes"
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/language"
)

// Every call that writes takes a context: a template or an error workbook asked for
// with a cancelled context is not written.
func TestWritesHonourCancellation(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var buf bytes.Buffer
	assert.ErrorIs(t, WriteTemplate(ctx, &buf, TemplateOptions{}), context.Canceled)
	assert.Zero(t, buf.Len(), "nothing written")

	fx := newFixture(t)
	upload := makeXLSX(t, false, sheetSpec{name: "Members", rows: [][]any{
		{"Employee number", "System name", "Mobile"},
		{"E1", "a1", "bad phone"},
	}})
	rep, err := Import(fx.ctx, fx.svc, fx.dir, bytes.NewReader(upload), ImportOptions{Language: language.English})
	require.Error(t, err)
	require.NotEmpty(t, rep.Problems)
	assert.ErrorIs(t, WriteErrorWorkbook(ctx, &buf, bytes.NewReader(upload), rep), context.Canceled)
	assert.Zero(t, buf.Len(), "nothing written")
	require.NoError(t, WriteErrorWorkbook(context.Background(), &buf, bytes.NewReader(upload), rep))
	assert.NotZero(t, buf.Len())
}

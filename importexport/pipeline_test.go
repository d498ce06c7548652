package importexport

import (
	"bytes"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

	"github.com/orgkit/orgkit/member"
)

// readXLSXRows yields every row, numbered, as excelize's iterator does; closing it
// early ends its goroutine.
func TestXLSXRowsAhead(t *testing.T) {
	var rows [][]any
	for i := range 1000 { // several chunks
		rows = append(rows, []any{"r" + strconv.Itoa(i), nil, i})
	}
	data := makeXLSX(t, false, sheetSpec{name: "S", rows: rows})
	f, err := excelize.OpenReader(bytes.NewReader(data))
	require.NoError(t, err)
	defer f.Close()
	want, err := f.GetRows("S")
	require.NoError(t, err)

	it, err := f.Rows("S")
	require.NoError(t, err)
	src := readXLSXRows(it)
	for i := range want {
		num, cells, ok, err := src.next()
		require.NoError(t, err)
		require.True(t, ok)
		require.Equal(t, i+1, num)
		require.Equal(t, want[i], cells)
	}
	_, _, ok, err := src.next()
	require.NoError(t, err)
	require.False(t, ok)
	src.close()
	require.NoError(t, it.Close())

	it, err = f.Rows("S")
	require.NoError(t, err)
	src = readXLSXRows(it)
	_, _, ok, _ = src.next()
	require.True(t, ok)
	src.close() // the reader stops after one row
	select {
	case <-src.a.done:
	default:
		t.Fatal("the decoding goroutine still runs")
	}
	require.NoError(t, it.Close())
}

// rowsAhead yields each item's row in order, also when row reuses its slice, and ends its
// goroutine when the caller stops early.
func TestRowsAhead(t *testing.T) {
	items := make([]int, 1000)
	for i := range items {
		items[i] = i
	}
	var buf []string
	row := func(i int) []string {
		buf = append(buf[:0], strconv.Itoa(i), fmt.Sprint(i*i))
		return buf
	}
	n := 0
	for i, cells := range rowsAhead(items, row) {
		require.Equal(t, n, i)
		require.Equal(t, []string{strconv.Itoa(i), fmt.Sprint(i * i)}, cells)
		n++
	}
	require.Equal(t, len(items), n)
	for i := range rowsAhead(items, row) {
		if i == 300 {
			break // the deferred stop waits for the goroutine: no leak, no hang
		}
	}
}

// The mobile warmer never holds the reader up, and stops at once when asked.
func TestMobileWarmerNeverBlocks(t *testing.T) {
	w := newMobileWarmer(member.Rules{}.Remember())
	if w == nil {
		t.Skip("one processor: no warmer")
	}
	start := time.Now()
	for i := range 400_000 { // far more than it can parse meanwhile
		w.add(fmt.Sprintf("139%08d", i))
	}
	w.finish()
	w.finish() // twice is fine
	assert.Less(t, time.Since(start), 5*time.Second)
	var nilWarmer *mobileWarmer
	nilWarmer.add("13900000000")
	nilWarmer.finish()
}

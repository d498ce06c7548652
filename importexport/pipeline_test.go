package importexport

import (
	"bytes"
	"fmt"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

	"github.com/orgkit/orgkit/internal/mobiles"
	"github.com/orgkit/orgkit/member"
)

// readXLSXRows yields every row, numbered, as excelize reads them; closing it early
// ends its goroutine.
func TestXLSXRowsAhead(t *testing.T) {
	var rows [][]any
	for i := range 1000 { // several chunks
		rows = append(rows, []any{"r" + strconv.Itoa(i), nil, i})
	}
	data := makeXLSX(t, false, sheetSpec{name: "S", rows: rows})
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{RawCellValue: true})
	require.NoError(t, err)
	defer f.Close()
	want, err := f.GetRows("S", excelize.Options{RawCellValue: true})
	require.NoError(t, err)

	book := openBook(t, data)
	require.Len(t, book.sheets, 1)
	src := readXLSXRows(book, book.sheets[0])
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

	book = openBook(t, data)
	src = readXLSXRows(book, book.sheets[0])
	_, _, ok, _ = src.next()
	require.True(t, ok)
	src.close() // the reader stops after one row
	select {
	case <-src.a.done:
	default:
		t.Fatal("the decoding goroutine still runs")
	}
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

// The mobile warmer never holds the reader up: with its goroutine not even running,
// adding far more numbers than its queue holds returns at once, the surplus left to
// the batch. Asked to stop, it stops without working through its queue. (Nothing here
// depends on timing: a blocking add or a stop that drained the queue would hang or
// fail the test on any machine.)
func TestMobileWarmerNeverBlocks(t *testing.T) {
	w := idleMobileWarmer(mobiles.Remember(member.Rules{}))
	for i := range (cap(w.ch) + 10) * warmChunk {
		w.add(fmt.Sprintf("139%08d", i))
	}
	require.Equal(t, cap(w.ch), len(w.ch), "the queue is full; the rest was dropped, not waited for")

	quit := w.quit
	finished := make(chan struct{})
	go func() {
		w.finish()
		close(finished)
	}()
	<-quit // finish asked the warmer to stop
	go w.run()
	<-finished
	assert.GreaterOrEqual(t, len(w.ch), cap(w.ch)-1, "it stopped with its queue still full")
	w.finish() // twice is fine

	var nilWarmer *mobileWarmer
	nilWarmer.add("13900000000")
	nilWarmer.finish()
}

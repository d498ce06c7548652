package importexport

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// readAllCSV reads every record with the given limits: line numbers and raw fields
// (the formula escape is not undone, to compare with encoding/csv).
func readAllCSV(t testing.TB, in string, sep byte, lim Limits) ([]int, [][]string, error) {
	c := newCSVReader(context.Background(), iotestOneByte(strings.NewReader(in), len(in)%3 == 0), sep, lim.withDefaults(), "f.csv")
	var lines []int
	var recs [][]string
	for {
		fields, err := c.read()
		if err != nil {
			return lines, recs, err
		}
		if fields == nil {
			return lines, recs, nil
		}
		lines = append(lines, c.recordLine)
		recs = append(recs, fields)
	}
}

// iotestOneByte reads one byte at a time when slow is set, to cross every buffer
// boundary.
func iotestOneByte(r io.Reader, slow bool) io.Reader {
	if !slow {
		return r
	}
	return oneByte{r}
}

type oneByte struct{ r io.Reader }

func (o oneByte) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	return o.r.Read(p[:1])
}

func TestCSVReaderQuotingAndLineEnds(t *testing.T) {
	cases := []struct {
		in    string
		lines []int
		recs  [][]string
	}{
		{"a,b\nc,d\n", []int{1, 2}, [][]string{{"a", "b"}, {"c", "d"}}},
		{"a,b\r\nc,d", []int{1, 2}, [][]string{{"a", "b"}, {"c", "d"}}},
		{"a,b\rc,d\r", []int{1, 2}, [][]string{{"a", "b"}, {"c", "d"}}},  // bare CR (classic Mac)
		{"a,b\n\n\r\n\rc\n", []int{1, 5}, [][]string{{"a", "b"}, {"c"}}}, // empty lines skipped, counted
		{`"a,b","c""d"` + "\n", []int{1}, [][]string{{"a,b", `c"d`}}},
		{"\"two\r\nlines\",x\ny\n", []int{1, 3}, [][]string{{"two\nlines", "x"}, {"y"}}},
		{"\"cr\rinside\"\rnext", []int{1, 3}, [][]string{{"cr\rinside"}, {"next"}}},
		{"a,,\n", []int{1}, [][]string{{"a", "", ""}}},
		{"a,", []int{1}, [][]string{{"a", ""}}},
		{`ab"c,"d"e"f` + "\n", []int{1}, [][]string{{`ab"c`, "d\"e\"f\n"}}}, // lazy quotes
		{`"unclosed,x` + "\ny", []int{1}, [][]string{{"unclosed,x\ny"}}},
		{"长,値\n", []int{1}, [][]string{{"长", "値"}}},
	}
	for _, tc := range cases {
		lines, recs, err := readAllCSV(t, tc.in, ',', Limits{})
		require.NoError(t, err, "%q", tc.in)
		assert.Equal(t, tc.recs, recs, "%q", tc.in)
		assert.Equal(t, tc.lines, lines, "%q", tc.in)
	}
	_, recs, err := readAllCSV(t, "a;b\tc\n", ';', Limits{})
	require.NoError(t, err)
	assert.Equal(t, [][]string{{"a", "b\tc"}}, recs)
}

// Without bare carriage returns, records read as encoding/csv reads them with
// LazyQuotes (the reader it replaces).
func TestCSVReaderMatchesEncodingCSV(t *testing.T) {
	for _, in := range []string{
		"System name,Mobile\nx,13800000001\n",
		"a,\"b\nc\",d\r\ne,f",
		"\"\"\"\",\"\",x\n\n\n\"a\"\"b\",c",
		"a\"b,c\n\"x\"y,z\n",
		"  \"a\",b\n",
	} {
		_, got, err := readAllCSV(t, in, ',', Limits{})
		require.NoError(t, err)
		want := encodingCSV(t, in, ',')
		assert.Equal(t, want, got, "%q", in)
	}
}

func encodingCSV(t testing.TB, in string, sep byte) [][]string {
	cr := csv.NewReader(strings.NewReader(in))
	cr.Comma, cr.FieldsPerRecord, cr.LazyQuotes = rune(sep), -1, true
	recs, err := cr.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

func TestCSVReaderLimits(t *testing.T) {
	t.Run("fields counted before they are built", func(t *testing.T) {
		in := "a,b\n" + strings.Repeat(",", 10_000) + "\n"
		_, _, err := readAllCSV(t, in, ',', Limits{MaxColumns: 16})
		var le *LimitError
		require.ErrorAs(t, err, &le)
		assert.Equal(t, LimitColumns, le.Limit)
		assert.Equal(t, 2, le.Row)
		assert.EqualValues(t, 16, le.Max)
	})
	for name, in := range map[string]string{
		"unquoted": "a\n" + strings.Repeat("x", 5000),
		"quoted":   "a\n\"" + strings.Repeat("x\n", 2500),
	} {
		t.Run("record size "+name, func(t *testing.T) {
			_, _, err := readAllCSV(t, in, ',', Limits{MaxRecordSize: 4096})
			var le *LimitError
			require.ErrorAs(t, err, &le)
			assert.Equal(t, LimitRecordSize, le.Limit)
			assert.Equal(t, 2, le.Row)
		})
	}
	t.Run("cancelled within a record", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		src := &cancelAfter{n: 200 << 10, cancel: cancel}
		c := newCSVReader(ctx, src, ',', Limits{MaxRecordSize: 1 << 30}.withDefaults(), "")
		_, _, _, err := c.next()
		require.ErrorIs(t, err, context.Canceled)
		assert.Less(t, src.read, 400<<10, "stopped at the next refill")
	})
}

// cancelAfter yields one endless record of x and cancels once n bytes are read.
type cancelAfter struct {
	n, read int
	cancel  func()
}

func (c *cancelAfter) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 'x'
	}
	c.read += len(p)
	if c.read >= c.n {
		c.cancel()
	}
	return len(p), nil
}

// FuzzCSVReader reads random text (seeds in testdata/fuzz/FuzzCSVReader): never more
// fields or bytes than the limits, and without bare carriage returns the records
// encoding/csv reads.
func FuzzCSVReader(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		in := string(data)
		lim := Limits{MaxColumns: 32, MaxRecordSize: 512}
		_, recs, err := readAllCSV(t, in, ',', lim)
		var le *LimitError
		if err != nil {
			if !errors.As(err, &le) {
				t.Fatalf("%q: %v", in, err)
			}
			return
		}
		for _, r := range recs {
			if len(r) > 32 {
				t.Fatalf("%q: %d fields", in, len(r))
			}
		}
		if strings.Contains(in, "\r") {
			return
		}
		cr := csv.NewReader(bytes.NewReader(data))
		cr.FieldsPerRecord, cr.LazyQuotes = -1, true
		want, werr := cr.ReadAll()
		if werr != nil {
			return
		}
		if len(want) == 0 {
			want = nil
		}
		if !equalRecords(want, recs) {
			t.Fatalf("%q:\n got %q\nwant %q", in, recs, want)
		}
	})
}

func equalRecords(a, b [][]string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if len(a[i]) != len(b[i]) {
			return false
		}
		for j := range a[i] {
			if a[i][j] != b[i][j] {
				return false
			}
		}
	}
	return true
}

package importexport

import (
	"bytes"
	"io"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// BenchmarkDecodeCSV measures the decoder in front of the CSV reader on 100,000
// member rows (about 9 MB): UTF-8 with CRLF line ends passes through, checked; GBK
// is decoded as it is read.
func BenchmarkDecodeCSV(b *testing.B) {
	var sb strings.Builder
	for i := 0; i < 100000; i++ {
		sb.WriteString("E000123,user000123,13800001234,张伟 Number 123,Beijing R&D/Product,工程师,2024-03-01\r\n")
	}
	utf8Data := []byte(sb.String())
	gbk, err := simplifiedchinese.GBK.NewEncoder().Bytes(utf8Data)
	if err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct {
		name string
		data []byte
	}{{"utf-8", utf8Data}, {"gbk", gbk}} {
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(len(c.data)))
			b.ReportAllocs()
			for b.Loop() {
				t, err := decodeCSV(bytes.NewReader(c.data), EncodingAuto, "")
				if err != nil {
					b.Fatal(err)
				}
				if _, err := io.Copy(io.Discard, t); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

package importexport

import (
	"bytes"
	"runtime"
	"runtime/metrics"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The hostile-file suite: files built to exhaust memory or time, each refused with
// the error kind it deserves while the heap stays small. Each case asserts the error,
// a bound on the peak heap in use (sampled through runtime/metrics while the import
// runs) and a bound on the bytes allocated in all (/gc/heap/allocs:bytes); none
// asserts time. BenchmarkHostile runs the same cases and reports time, peak heap and
// how quickly a cancellation is honoured.

// spend is what one run cost: the peak of the heap in use above the heap before it,
// and the bytes allocated meanwhile.
type spend struct {
	peak, allocs uint64
}

var spendMetrics = []string{"/memory/classes/heap/objects:bytes", "/gc/heap/allocs:bytes"}

// spendOf runs f, sampling the heap in use every millisecond or so.
func spendOf(f func()) spend {
	runtime.GC()
	s := make([]metrics.Sample, len(spendMetrics))
	for i, n := range spendMetrics {
		s[i].Name = n
	}
	metrics.Read(s)
	base, alloc0 := s[0].Value.Uint64(), s[1].Value.Uint64()
	var peak uint64
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		s := []metrics.Sample{{Name: spendMetrics[0]}}
		for {
			metrics.Read(s)
			peak = max(peak, s[0].Value.Uint64())
			select {
			case <-done:
				return
			case <-time.After(time.Millisecond):
			}
		}
	})
	f()
	close(done)
	wg.Wait()
	metrics.Read(s)
	peak = max(peak, s[0].Value.Uint64())
	out := spend{allocs: s[1].Value.Uint64() - alloc0}
	if peak > base {
		out.peak = peak - base
	}
	return out
}

// hostileCase is one hostile file and what refusing it must cost at most.
type hostileCase struct {
	name      string
	file      func(t testing.TB) []byte
	limits    Limits
	kind      error  // ErrTooLarge or ErrFormat
	limit     string // the LimitError's Limit, for ErrTooLarge
	row       int    // the LimitError's Row, when it names one
	peak      uint64 // bound on the peak heap above the start
	allocated uint64 // bound on the bytes allocated
}

const mib = 1 << 20

// hostileCases: each quoted failure of the limits issue, and the further cases found.
func hostileCases() []hostileCase {
	return []hostileCase{
		{
			name: "csv line of 32 MiB of commas",
			file: func(testing.TB) []byte {
				return []byte("System name,Mobile\n" + strings.Repeat(",", 32*mib) + "\n")
			},
			kind: ErrTooLarge, limit: LimitColumns, row: 2, peak: 16 * mib, allocated: 16 * mib,
		},
		{
			name: "csv record of 8 MiB in quotes",
			file: func(testing.TB) []byte {
				return []byte("System name,Mobile\n\"" + strings.Repeat("x,\n", 8*mib/3) + "\n")
			},
			kind: ErrTooLarge, limit: LimitRecordSize, row: 2, peak: 16 * mib, allocated: 16 * mib,
		},
	}
}

func TestHostileFiles(t *testing.T) {
	for _, hc := range hostileCases() {
		t.Run(hc.name, func(t *testing.T) {
			fx := newFixture(t)
			data := hc.file(t)
			var err error
			sp := spendOf(func() {
				_, err = Import(fx.ctx, fx.svc, fx.dir, bytes.NewReader(data), ImportOptions{Limits: hc.limits})
			})
			require.ErrorIs(t, err, hc.kind)
			if hc.kind == ErrTooLarge {
				var le *LimitError
				require.ErrorAs(t, err, &le)
				assert.Equal(t, hc.limit, le.Limit)
				if hc.row != 0 {
					assert.Equal(t, hc.row, le.Row)
				}
			}
			assert.Less(t, sp.peak, hc.peak, "peak heap")
			assert.Less(t, sp.allocs, hc.allocated, "allocated")
			t.Logf("%d KiB file: %v; peak heap +%.1f MiB, %.1f MiB allocated", len(data)>>10, err,
				float64(sp.peak)/mib, float64(sp.allocs)/mib)
		})
	}
}

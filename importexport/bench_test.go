package importexport

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/language"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/directory"
	"github.com/orgkit/orgkit/internal/heappeak"
	"github.com/orgkit/orgkit/member"
	"github.com/orgkit/orgkit/orgkittest"
	"github.com/orgkit/orgkit/store"
	"github.com/orgkit/orgkit/store/memstore"
)

// The benchmarks of DESIGN §4 on the large generated directory (10,000 departments,
// 100,000 members): import of a 100,000 × 15 workbook with a full Apply against
// excelize reading the same file (Rows + Columns, same options), and export against
// excelize's StreamWriter writing the same cells and styles. Each iteration times both
// sides back to back and reports their ratio and peak heap; the goals are read on the
// medians of five runs. Skipped with -short; they take minutes:
// go test -run '^$' -bench 'Import100k|Export100k' -benchtime 5x ./importexport/

// benchColumns are the 15 columns of the benchmark sheets.
var benchColumns = []Column{
	FieldColumn(member.SystemNameField), FieldColumn(member.FullNameField), FieldColumn(member.EmployeeNumberField),
	FieldColumn(member.MobileField), FieldColumn(member.EmailField), FieldColumn(member.GenderField),
	FieldColumn(member.LoginMethodField), FieldColumn(member.StatusField), FieldColumn(member.PrimaryDepartmentField),
	FieldColumn(member.SecondaryDepartmentsField), FieldColumn(member.JobTitleField), FieldColumn(member.ReportingManagerField),
	FieldColumn(member.HireDateField), FieldColumn(member.WorkPlaceField), ColRoles,
}

type largeFixture struct {
	gen    *orgkittest.Directory
	snap   *directory.Snapshot
	file   []byte           // the 100,000-row member workbook
	cells  [][]string       // its cells, header first
	target *store.ChangeSet // the directory without members: settings, nodes, roles
}

var (
	largeOnce sync.Once
	large     *largeFixture
)

func largeData(b *testing.B) *largeFixture {
	if testing.Short() {
		b.Skip("large benchmark")
	}
	largeOnce.Do(func() {
		ctx := context.Background()
		gen := orgkittest.Generate(orgkittest.LargeShape())
		st := memstore.New()
		if err := gen.Seed(ctx, st); err != nil {
			b.Fatal(err)
		}
		snap, err := directory.New(directory.Options{Store: st}).Snapshot(ctx, gen.ID())
		if err != nil {
			b.Fatal(err)
		}
		var buf bytes.Buffer
		if err := Export(ctx, &buf, snap, ExportOptions{Columns: benchColumns}); err != nil {
			b.Fatal(err)
		}
		lf := &largeFixture{gen: gen, snap: snap, file: buf.Bytes()}
		f, err := excelize.OpenReader(bytes.NewReader(lf.file))
		if err != nil {
			b.Fatal(err)
		}
		rows, _ := f.Rows("Members")
		for rows.Next() {
			cols, _ := rows.Columns()
			lf.cells = append(lf.cells, cols)
		}
		_ = rows.Close()
		_ = f.Close()
		// The import's target: the same directory without members (posts and
		// whitelists of members cleared), its roles kept.
		rec := gen.Records.Directory
		rec.Leader = orgkit.MemberID{}
		cs := &store.ChangeSet{ID: store.NewChangeSetID(), Meta: store.Meta{Origin: store.OriginAPI, Time: rec.CreatedAt}}
		cs.Changes = append(cs.Changes, store.Change{Kind: store.KindSettings, After: &rec})
		for _, n := range gen.Records.Nodes {
			c := n.Clone()
			c.Manager, c.Assistants, c.Observers = orgkit.MemberID{}, nil, nil
			c.Isolation.VisibilityWhitelist.Members, c.Isolation.ContactWhitelist.Members = nil, nil
			cs.Changes = append(cs.Changes, store.Change{Kind: store.KindNode, After: c})
		}
		for _, g := range gen.Records.RoleGroups {
			cs.Changes = append(cs.Changes, store.Change{Kind: store.KindRoleGroup, After: g})
		}
		for _, r := range gen.Records.Roles {
			cs.Changes = append(cs.Changes, store.Change{Kind: store.KindRole, After: r})
		}
		lf.target = cs
		large = lf
	})
	if large == nil {
		b.Fatal("large fixture failed")
	}
	return large
}

// emptyTarget makes a fresh store holding the directory without members, and a
// service that has it loaded.
func (lf *largeFixture) emptyTarget(b *testing.B) (*directory.Service, orgkit.DirectoryID) {
	ctx := context.Background()
	st := memstore.New()
	rec := *lf.target.Changes[0].After.(*store.DirectoryRecord)
	if err := st.CreateDirectory(ctx, rec); err != nil {
		b.Fatal(err)
	}
	cs := *lf.target
	if _, err := st.Commit(ctx, rec.ID, 0, &cs); err != nil {
		b.Fatal(err)
	}
	svc := directory.New(directory.Options{Store: st})
	if _, err := svc.Snapshot(ctx, rec.ID); err != nil {
		b.Fatal(err)
	}
	return svc, rec.ID
}

// cost is what one run of one side took: wall time, CPU time of the process (user +
// system, all threads, the garbage collector's included) and peak heap, raw (the
// benchmark's own data included) and above the heap live when the run began.
type cost struct {
	wall, cpu time.Duration
	peak      uint64 // highest heap in use during the run
	base      uint64 // heap in use at its start, after a collection
}

// above is the peak heap above the heap live when the run began: what the run itself
// held at its worst.
func (c cost) above() uint64 { return c.peak - min(c.base, c.peak) }

// measure runs f and returns its cost. CPU time is immune to other processes' load on
// a shared machine; wall time is not.
func measure(f func()) cost {
	var r0, r1 syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &r0)
	t0 := time.Now()
	peak, base := heappeak.Of(f)
	wall := time.Since(t0)
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &r1)
	cpu := time.Duration(r1.Utime.Nano()-r0.Utime.Nano()) + time.Duration(r1.Stime.Nano()-r0.Stime.Nano())
	return cost{wall, cpu, peak, base}
}

// costs accumulates the costs of one side over the iterations.
type costs struct {
	sum, min cost
	maxAbove uint64 // the highest peak above the baseline
	n        int
	runs     []cost
}

func (c *costs) add(x cost) {
	if c.n == 0 || x.wall < c.min.wall {
		c.min.wall = x.wall
	}
	if c.n == 0 || x.cpu < c.min.cpu {
		c.min.cpu = x.cpu
	}
	c.sum.wall += x.wall
	c.sum.cpu += x.cpu
	c.sum.peak = max(c.sum.peak, x.peak)
	c.maxAbove = max(c.maxAbove, x.above())
	c.n++
	c.runs = append(c.runs, x)
}

// medianRatio is the median over the runs of ours/base by f.
func medianRatio(base, ours *costs, f func(cost) float64) float64 {
	r := make([]float64, len(base.runs))
	for i := range r {
		r[i] = f(ours.runs[i]) / f(base.runs[i])
	}
	slices.Sort(r)
	if len(r)%2 == 1 {
		return r[len(r)/2]
	}
	return (r[len(r)/2-1] + r[len(r)/2]) / 2
}

// report reports both sides' mean wall and CPU times, peaks, the ratios of the means
// and of the minimums (the least disturbed runs), and the medians over the runs of
// the ratios of wall time, CPU time and peak heap (each run times both sides back
// to back, so the pair shares the machine's load). Peaks are reported twice: raw
// (peak-MB, med-peak-ratio: the heap in use, the benchmark's own fixture of about
// 250 MB included) and above the heap live just before each run (above-MB,
// med-above-ratio: what the run itself held at its worst).
func report(b *testing.B, name string, base, ours *costs) {
	n := float64(base.n)
	ms := func(d time.Duration) float64 { return float64(d.Milliseconds()) / n }
	b.ReportMetric(ms(base.sum.wall), "excelize-ms/op")
	b.ReportMetric(ms(ours.sum.wall), name+"-ms/op")
	b.ReportMetric(ms(base.sum.cpu), "excelize-cpu-ms/op")
	b.ReportMetric(ms(ours.sum.cpu), name+"-cpu-ms/op")
	b.ReportMetric(float64(ours.sum.wall)/float64(base.sum.wall), "ratio")
	b.ReportMetric(float64(ours.sum.cpu)/float64(base.sum.cpu), "cpu-ratio")
	b.ReportMetric(float64(ours.min.wall)/float64(base.min.wall), "min-ratio")
	b.ReportMetric(float64(base.sum.peak)/(1<<20), "excelize-peak-MB")
	b.ReportMetric(float64(ours.sum.peak)/(1<<20), name+"-peak-MB")
	b.ReportMetric(medianRatio(base, ours, func(c cost) float64 { return float64(c.wall) }), "med-ratio")
	b.ReportMetric(medianRatio(base, ours, func(c cost) float64 { return float64(c.cpu) }), "med-cpu-ratio")
	b.ReportMetric(medianRatio(base, ours, func(c cost) float64 { return float64(c.peak) }), "med-peak-ratio")
	b.ReportMetric(float64(base.maxAbove)/(1<<20), "excelize-above-MB")
	b.ReportMetric(float64(ours.maxAbove)/(1<<20), name+"-above-MB")
	b.ReportMetric(medianRatio(base, ours, func(c cost) float64 { return float64(c.above()) }), "med-above-ratio")
}

// xlsxOptions are the options excelize reads the baseline with: raw cell values (as
// the import reads them) and the import's unzip limit.
func xlsxOptions(lim Limits) excelize.Options {
	return excelize.Options{RawCellValue: true, UnzipSizeLimit: lim.MaxUnzipSize}
}

func BenchmarkImport100k(b *testing.B) {
	lf := largeData(b)
	ctx := context.Background()
	var base, imp costs
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		svc, dir := lf.emptyTarget(b)
		runtime.GC()
		b.StartTimer()

		base.add(measure(func() {
			f, err := excelize.OpenReader(bytes.NewReader(lf.file), xlsxOptions(DefaultLimits()))
			if err != nil {
				b.Fatal(err)
			}
			rows, err := f.Rows("Members")
			if err != nil {
				b.Fatal(err)
			}
			n := 0
			for rows.Next() {
				cols, err := rows.Columns()
				if err != nil {
					b.Fatal(err)
				}
				n += len(cols)
			}
			_ = rows.Close()
			_ = f.Close()
			if n < 100_000 {
				b.Fatalf("excelize read %d cells", n)
			}
		}))

		var rep *Report
		imp.add(measure(func() {
			var err error
			rep, err = Import(ctx, svc, dir, bytes.NewReader(lf.file), ImportOptions{})
			if err != nil {
				b.Fatalf("%v\n%s", err, dumpProblems(rep))
			}
		}))
		if !rep.Committed || rep.Members.Created != lf.snap.MemberCount() {
			b.Fatalf("imported %+v of %d", rep.Members, lf.snap.MemberCount())
		}
	}
	report(b, "import", &base, &imp)
}

func BenchmarkExport100k(b *testing.B) {
	lf := largeData(b)
	ctx := context.Background()
	var base, exp costs
	var out bytes.Buffer
	b.ResetTimer()
	for range b.N {
		out.Reset()
		runtime.GC()
		base.add(measure(func() {
			f := excelize.NewFile()
			defer f.Close()
			_ = f.SetDocProps(fixedDocProps)
			hs, _ := headerStyle(f)
			_ = f.SetSheetName("Sheet1", "Members")
			sw, err := f.NewStreamWriter("Members")
			if err != nil {
				b.Fatal(err)
			}
			if err := startSheet(sw, lf.cells[0], hs); err != nil {
				b.Fatal(err)
			}
			row := make([]any, len(lf.cells[0]))
			for i, cells := range lf.cells[1:] {
				clear(row)
				for k, s := range cells {
					row[k] = s
				}
				if err := sw.SetRow(cellName(1, i+2), row); err != nil {
					b.Fatal(err)
				}
			}
			if err := sw.Flush(); err != nil {
				b.Fatal(err)
			}
			if _, err := f.WriteTo(&out); err != nil {
				b.Fatal(err)
			}
		}))
		baseLen := out.Len()

		out.Reset()
		runtime.GC()
		exp.add(measure(func() {
			if err := Export(ctx, &out, lf.snap, ExportOptions{Columns: benchColumns}); err != nil {
				b.Fatal(err)
			}
		}))
		if out.Len() < baseLen*9/10 {
			b.Fatalf("export wrote %d bytes, excelize %d", out.Len(), baseLen)
		}
	}
	report(b, "export", &base, &exp)
}

// BenchmarkCancel100k cancels the 100,000-row import after a delay — a fraction of
// how long one import takes on this machine, timed first: while it reads the file
// (20%), while it resolves the rows (50%), while the service validates and commits
// (80%) — and reports how long Import took to return after the cancellation
// (cancel-ms, the worst of the runs; the goal is 100 ms), and whether it was
// cancelled at all (cancelled, a fraction).
func BenchmarkCancel100k(b *testing.B) {
	lf := largeData(b)
	svc, dir := lf.emptyTarget(b)
	t0 := time.Now()
	if _, err := Import(context.Background(), svc, dir, bytes.NewReader(lf.file), ImportOptions{}); err != nil {
		b.Fatal(err)
	}
	whole := time.Since(t0)
	for _, pct := range []int{20, 50, 80} {
		delay := whole * time.Duration(pct) / 100
		b.Run(fmt.Sprintf("%d%%", pct), func(b *testing.B) {
			var worst time.Duration
			cancelled := 0
			for range b.N {
				b.StopTimer()
				svc, dir := lf.emptyTarget(b)
				runtime.GC()
				b.StartTimer()
				ctx, cancel := context.WithCancel(context.Background())
				var at time.Time
				timer := time.AfterFunc(delay, func() {
					at = time.Now()
					cancel()
				})
				_, err := Import(ctx, svc, dir, bytes.NewReader(lf.file), ImportOptions{})
				end := time.Now()
				if !timer.Stop() && errors.Is(err, context.Canceled) {
					cancelled++
					worst = max(worst, end.Sub(at))
				}
				cancel()
			}
			b.ReportMetric(float64(worst.Microseconds())/1000, "cancel-ms")
			b.ReportMetric(float64(cancelled)/float64(b.N), "cancelled")
		})
	}
}

// BenchmarkImport100kServiceShare tells the directory service's share of the
// 100,000-row import: the same import's commands (built by the importer, outside the
// measure) given to Service.Apply alone, against the whole Import, each on a fresh
// target. It reports both sides' peak heap and CPU time, as BenchmarkImport100k
// measures them, and the ratios whole/service.
//
//	go test -run '^$' -bench Import100kServiceShare -benchtime 3x ./importexport/
func BenchmarkImport100kServiceShare(b *testing.B) {
	lf := largeData(b)
	ctx := context.Background()
	var svcOnly, whole costs
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		svc, dir := lf.emptyTarget(b)
		cmds := lf.commands(b, svc, dir)
		runtime.GC()
		b.StartTimer()
		svcOnly.add(measure(func() {
			if _, err := svc.Apply(ctx, dir, directory.Meta{}, cmds...); err != nil {
				b.Fatal(err)
			}
		}))
		b.StopTimer()
		cmds = nil
		svc, dir = lf.emptyTarget(b)
		runtime.GC()
		b.StartTimer()
		whole.add(measure(func() {
			if _, err := Import(ctx, svc, dir, bytes.NewReader(lf.file), ImportOptions{}); err != nil {
				b.Fatal(err)
			}
		}))
	}
	n := float64(b.N)
	b.ReportMetric(float64(svcOnly.sum.cpu.Milliseconds())/n, "service-cpu-ms/op")
	b.ReportMetric(float64(whole.sum.cpu.Milliseconds())/n, "import-cpu-ms/op")
	b.ReportMetric(float64(svcOnly.sum.peak)/(1<<20), "service-peak-MB")
	b.ReportMetric(float64(whole.sum.peak)/(1<<20), "import-peak-MB")
	b.ReportMetric(medianRatio(&svcOnly, &whole, func(c cost) float64 { return float64(c.peak) }), "med-peak-ratio")
	b.ReportMetric(medianRatio(&svcOnly, &whole, func(c cost) float64 { return float64(c.cpu) }), "med-cpu-ratio")
}

// commands builds the commands the import of the large workbook gives the service.
func (lf *largeFixture) commands(b *testing.B, svc *directory.Service, dir orgkit.DirectoryID) []orgkit.Command {
	ctx := context.Background()
	im := &importer{ctx: ctx, svc: svc, dir: dir, lim: DefaultLimits(), tag: language.English, rules: svc.Rules()}
	if err := im.read(0, Input{R: bytes.NewReader(lf.file)}); err != nil {
		b.Fatal(err)
	}
	im.mobiles.finish()
	snap, err := svc.Snapshot(ctx, dir)
	if err != nil {
		b.Fatal(err)
	}
	im.snap, im.rep = snap, &Report{}
	im.key = im.chooseKey()
	im.markReadOnly()
	im.res = newResolver(im)
	im.plan()
	if len(im.problems) > 0 {
		b.Fatalf("%d problems", len(im.problems))
	}
	return im.cmds
}

package sqlstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"runtime"
	"strings"
	"sync"

	"github.com/google/uuid"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/member"
	"github.com/orgkit/orgkit/orgtree"
	"github.com/orgkit/orgkit/role"
	"github.com/orgkit/orgkit/store"
)

// encodedChange is one change ready for the database.
type encodedChange struct {
	kind   store.RecordKind
	id     uuid.UUID
	before []byte // nil for a creation
	after  []byte
	bin    []byte // the after-image's compact form; nil when its kind has none
}

// encoded is a change set ready for the database.
type encoded struct {
	meta    []byte
	changes []encodedChange
}

// encodeChangeSet validates cs and encodes its metadata and images, the images on
// every processor when there are many.
func encodeChangeSet(ctx context.Context, dir orgkit.DirectoryID, cs *store.ChangeSet) (*encoded, error) {
	if err := cs.Validate(dir); err != nil {
		return nil, err
	}
	meta, err := json.Marshal(cs.Meta)
	if err != nil {
		return nil, fmt.Errorf("encode meta: %w", err)
	}
	out := &encoded{meta: meta, changes: make([]encodedChange, len(cs.Changes))}
	err = parallel(ctx, len(cs.Changes), func(i int) error {
		c := cs.Changes[i]
		e := encodedChange{kind: c.Kind}
		e.id = c.ID()
		var err error
		if e.after, err = encodeRecord(c.After); err != nil {
			return fmt.Errorf("change %d (%s %s): encode after-image: %w", i, c.Kind, e.id, err)
		}
		e.bin = encodeBinary(c.Kind, c.After)
		if _, _, ok := store.Identify(c.Before); ok { // nil, or a nil pointer: a creation
			if e.before, err = encodeRecord(c.Before); err != nil {
				return fmt.Errorf("change %d (%s %s): encode before-image: %w", i, c.Kind, e.id, err)
			}
		}
		out.changes[i] = e
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// parallelMin is the number of items below which parallel runs on one goroutine.
const parallelMin = 256

// parallel calls f(0) … f(n-1) on every processor and returns the first error.
func parallel(ctx context.Context, n int, f func(i int) error) error {
	workers := min(runtime.GOMAXPROCS(0), (n+parallelMin-1)/parallelMin)
	if workers <= 1 {
		for i := range n {
			if i%1024 == 0 {
				if err := ctx.Err(); err != nil {
					return err
				}
			}
			if err := f(i); err != nil {
				return err
			}
		}
		return nil
	}
	var (
		wg    sync.WaitGroup
		once  sync.Once
		first error
		next  = make(chan int, workers)
	)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	const chunk = 128
	for range workers {
		wg.Go(func() {
			for start := range next {
				for i := start; i < min(start+chunk, n); i++ {
					if err := f(i); err != nil {
						once.Do(func() { first = err; cancel() })
						return
					}
				}
			}
		})
	}
feed:
	for start := 0; start < n; start += chunk {
		select {
		case next <- start:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	if first != nil {
		return first
	}
	return ctx.Err()
}

// records collects decoded records into store.Records.
func (r *recordsBuilder) add(v any) {
	switch v := v.(type) {
	case *orgtree.Node:
		r.Nodes = append(r.Nodes, v)
	case *member.Member:
		r.Members = append(r.Members, v)
	case *role.Role:
		r.Roles = append(r.Roles, v)
	case *role.Group:
		r.RoleGroups = append(r.RoleGroups, v)
	case *role.Assignment:
		r.Assignments = append(r.Assignments, v)
	}
}

// recordsBuilder builds a store.Records.
type recordsBuilder struct{ store.Records }

// rawRecord is a record read from the database, not yet decoded: its compact form,
// or its JSON when the compact form is missing or not this program's.
type rawRecord struct {
	kind store.RecordKind
	bin  string // the compact form, one copy that the decoded strings share
	data []byte // the JSON; nil when the compact form is read
}

// decode decodes the record from its compact form, or else its JSON; the compact
// form's records come from the slabs.
func (r rawRecord) decode(sl *slabs) (any, error) {
	if r.data != nil {
		return decodeImage(r.kind, r.data)
	}
	c := codec()
	p, ok := c.plans[r.kind]
	if !ok || !strings.HasPrefix(r.bin, c.header) {
		return nil, fmt.Errorf("decode %s: neither JSON nor this program's compact form: %w", r.kind, errBinary)
	}
	v, err := sl.image(r.kind)
	if err != nil {
		return nil, err
	}
	return v, p.decodeRecord(r.kind, r.bin, reflect.ValueOf(v).UnsafePointer())
}

// slabs hands out the bulk records (members, nodes) from arrays allocated a batch at
// a time: one allocation for many records.
type slabs struct {
	members []member.Member
	nodes   []orgtree.Node
}

// image returns a fresh, empty record of kind k.
func (s *slabs) image(k store.RecordKind) (any, error) {
	switch k {
	case store.KindMember:
		if len(s.members) == 0 {
			s.members = make([]member.Member, streamBatch)
		}
		m := &s.members[0]
		s.members = s.members[1:]
		return m, nil
	case store.KindNode:
		if len(s.nodes) == 0 {
			s.nodes = make([]orgtree.Node, streamBatch/4)
		}
		n := &s.nodes[0]
		s.nodes = s.nodes[1:]
		return n, nil
	}
	return newImage(k)
}

// streamBatch is how many records a decoding worker takes at a time.
const streamBatch = 256

// decodeStream decodes the records produce emits while it is still reading them:
// parts goroutines read rows from the database (produce(part, emit) for part 0 …
// parts-1, each with its own emit), the others decode them as they come.
func decodeStream(ctx context.Context, parts int, produce func(part int, emit func(rawRecord)) error) (*recordsBuilder, error) {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	batches := make(chan []rawRecord, 8)
	results := make(chan []any, 8)
	var wg sync.WaitGroup
	for range max(1, runtime.GOMAXPROCS(0)) {
		wg.Go(func() {
			var sl slabs
			for batch := range batches {
				imgs := make([]any, len(batch))
				for i, r := range batch {
					v, err := r.decode(&sl)
					if err != nil {
						cancel(err)
						break
					}
					imgs[i] = v
				}
				select {
				case results <- imgs:
				case <-ctx.Done():
				}
			}
		})
	}
	b := &recordsBuilder{}
	collected := make(chan struct{})
	go func() {
		defer close(collected)
		for imgs := range results {
			for _, v := range imgs {
				b.add(v)
			}
		}
	}()
	errs := make([]error, parts)
	var readers sync.WaitGroup
	for part := range parts {
		readers.Go(func() {
			batch := make([]rawRecord, 0, streamBatch)
			send := func() {
				select {
				case batches <- batch:
				case <-ctx.Done():
				}
				batch = make([]rawRecord, 0, streamBatch)
			}
			errs[part] = produce(part, func(r rawRecord) {
				if batch = append(batch, r); len(batch) == streamBatch {
					send()
				}
			})
			if errs[part] != nil {
				cancel(errs[part])
			}
			if len(batch) > 0 {
				send()
			}
		})
	}
	readers.Wait()
	err := errors.Join(errs...)
	close(batches)
	wg.Wait()
	close(results)
	<-collected
	if err != nil {
		return nil, err
	}
	if err := context.Cause(ctx); err != nil {
		return nil, err
	}
	return b, nil
}

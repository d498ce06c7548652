package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/store"
)

// errClosed is returned by Watch on a closed store.
var errClosed = errors.New("the store is closed")

// hub fans commit notices out to the store's subscribers. The store's own commits
// are announced at once; a listener goroutine, started by the first Watch and
// stopped by Close, announces other processes' commits.
type hub struct {
	listen func(ctx context.Context, h *hub, ready chan<- struct{}) // runs until ctx is done

	mu      sync.Mutex // guards the fields below and serializes edits of subs
	started bool
	closed  bool
	stop    context.CancelFunc
	done    chan struct{}
	subs    atomic.Pointer[[]*subscriber] // copied on change, read without a lock
}

// subscriber is one Watch registration.
type subscriber struct {
	ctx    context.Context
	notify func(store.Notice)
}

func newHub(listen func(ctx context.Context, h *hub, ready chan<- struct{})) *hub {
	return &hub{listen: listen}
}

// watch registers notify until ctx is done, starting the listener on first use and
// waiting (within ctx) until it listens, so that no commit after Watch returns is
// missed.
func (h *hub) watch(ctx context.Context, notify func(store.Notice)) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if notify == nil {
		return fmt.Errorf("watch with a nil notify function: %w", orgkit.ErrInvalid)
	}
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		return errClosed
	}
	s := &subscriber{ctx: ctx, notify: notify}
	h.edit(func(ss []*subscriber) []*subscriber { return append(ss, s) })
	var ready chan struct{}
	if !h.started {
		h.started = true
		lctx, stop := context.WithCancel(context.Background())
		h.stop, h.done = stop, make(chan struct{})
		ready = make(chan struct{})
		go func() {
			defer close(h.done)
			h.listen(lctx, h, ready)
		}()
	}
	h.mu.Unlock()
	context.AfterFunc(ctx, func() {
		h.mu.Lock()
		defer h.mu.Unlock()
		h.edit(func(ss []*subscriber) []*subscriber {
			return slices.DeleteFunc(ss, func(x *subscriber) bool { return x == s })
		})
	})
	if ready != nil {
		select {
		case <-ready:
		case <-ctx.Done():
		}
	}
	return nil
}

// edit replaces the subscribers with edit's result on a copy of them; h.mu is held.
func (h *hub) edit(edit func([]*subscriber) []*subscriber) {
	var cur []*subscriber
	if p := h.subs.Load(); p != nil {
		cur = slices.Clone(*p)
	}
	next := edit(cur)
	h.subs.Store(&next)
}

// send tells every subscriber whose context is not done about n.
func (h *hub) send(n store.Notice) {
	p := h.subs.Load()
	if p == nil {
		return
	}
	for _, s := range *p {
		if s.ctx.Err() == nil {
			s.notify(n)
		}
	}
}

// committed announces one of the store's own commits.
func (h *hub) committed(dir orgkit.DirectoryID, head uint64) {
	h.send(store.Notice{Directory: dir, Head: head})
}

// close stops the listener and refuses further subscriptions.
func (h *hub) close() {
	h.mu.Lock()
	h.closed = true
	stop, done := h.stop, h.done
	h.mu.Unlock()
	if stop != nil {
		stop()
		<-done
	}
}

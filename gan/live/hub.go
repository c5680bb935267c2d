package live

import (
	"encoding/json"
	"sync"
)

// frame is one published snapshot and, encoded on first demand by
// whichever handler needs it first, its JSON: the training goroutine only
// swaps a pointer, and every client of a frame shares one encoding.
type frame struct {
	snap *Snapshot
	once sync.Once
	body []byte
}

func (f *frame) json() []byte {
	f.once.Do(func() {
		b, err := json.Marshal(f.snap)
		if err != nil { // cannot happen: Numbers writes non-finite values as null
			b, _ = json.Marshal(map[string]string{"error": "live: encoding the snapshot: " + err.Error()})
		}
		f.body = b
	})
	return f.body
}

// hub holds the latest frame and wakes the clients waiting for the next
// one. A client that was busy when several frames were published sees only
// the latest: there is never a backlog, so a slow browser costs the
// training goroutine nothing.
type hub struct {
	mu     sync.Mutex
	cur    *frame
	wake   chan struct{} // closed, and replaced, at every publication
	done   chan struct{} // closed when the run has stopped
	closed bool
}

func newHub() *hub { return &hub{wake: make(chan struct{}), done: make(chan struct{})} }

// publish makes s the latest snapshot and wakes the waiting clients.
func (h *hub) publish(s *Snapshot) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return
	}
	h.cur = &frame{snap: s}
	close(h.wake)
	h.wake = make(chan struct{})
}

// latest returns the latest frame (nil before the first publication) and a
// channel that is closed at the next publication.
func (h *hub) latest() (*frame, <-chan struct{}) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.cur, h.wake
}

// close marks the run stopped: done is closed, and handlers that watch it
// return.
func (h *hub) close() {
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.closed {
		h.closed = true
		close(h.done)
	}
}

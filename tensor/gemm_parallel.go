package tensor

// Sharing a product's work between the calling goroutine and helpers.
//
// A product big enough to split (see worthSplitting) is cut into items:
// packing a group of panels, or computing a block of C. The caller and any
// helpers that join take items from a shared counter until none are left,
// so whoever runs faster does more of them, and the caller never waits
// for a helper to wake up: a helper that arrives late finds fewer items,
// or none. The caller waits only for items a helper has already taken.
//
// Helpers are goroutines kept alive between calls (up to GOMAXPROCS − 1 of
// them), blocked on an unbuffered channel. A job is offered to a helper
// only if one is idle at that moment, so two goroutines multiplying at the
// same time do not queue behind each other. Which goroutine computes an
// item changes nothing in the result: every item is computed the same way
// (see gemm), so the bits are the same for any GOMAXPROCS.

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// sharedWork is a job that helpers can join. run must be safe to call
// from several goroutines at once, and must finish the whole job when the
// caller runs it alone.
type sharedWork struct {
	// state counts the helpers inside run, plus closedBit once the caller
	// has finished: after that no helper may join.
	state atomic.Int64
	run   func()
}

const closedBit = 1 << 40

// helperCh hands jobs to idle helpers.
var helperCh = make(chan *sharedWork)

// helpersStarted counts the helper goroutines started so far.
var (
	helpersMu      sync.Mutex
	helpersStarted int
)

// helper runs jobs until the program ends.
func helper() {
	for w := range helperCh {
		if w.join() {
			w.run()
			w.state.Add(-1)
		}
	}
}

// join enters the job unless the caller has already closed it.
func (w *sharedWork) join() bool {
	for {
		s := w.state.Load()
		if s&closedBit != 0 {
			return false
		}
		if w.state.CompareAndSwap(s, s+1) {
			return true
		}
	}
}

// helpersWanted returns how many helpers a job may use: GOMAXPROCS − 1,
// starting helper goroutines as needed.
func helpersWanted() int {
	n := runtime.GOMAXPROCS(0) - 1
	if n <= 0 {
		return 0
	}
	helpersMu.Lock()
	for helpersStarted < n {
		go helper()
		helpersStarted++
	}
	helpersMu.Unlock()
	return n
}

// share runs w.run on the calling goroutine, offering it to at most
// helpers idle helpers first, and returns once the caller's run has
// returned and every helper that joined has left.
func share(w *sharedWork, helpers int) {
	w.state.Store(0)
offer:
	for range helpers {
		select {
		case helperCh <- w:
		default:
			break offer // none idle
		}
	}
	w.run()
	// Close the job, then wait for the helpers inside it: they are running
	// (they joined), and leave as soon as they find no item left.
	for {
		s := w.state.Load()
		if w.state.CompareAndSwap(s, s|closedBit) {
			break
		}
	}
	for w.state.Load() != closedBit {
		runtime.Gosched()
	}
}

// workCounter hands out the items 0, 1, ..., total−1 of one phase of a
// job and counts those finished.
type workCounter struct {
	next, done atomic.Int64
	_          [48]byte // keep counters of different phases on separate cache lines
}

// take returns the next item, or false if all have been taken.
func (c *workCounter) take(total int) (int, bool) {
	i := int(c.next.Add(1) - 1)
	return i, i < total
}

// wait returns once total items are finished, by any goroutine.
func (c *workCounter) wait(total int) {
	for spins := 0; int(c.done.Load()) < total; spins++ {
		if spins > 64 {
			runtime.Gosched()
		}
	}
}

// itemJob runs fn(0), ..., fn(count−1) shared between the caller and idle
// helpers; see shareItems.
type itemJob struct {
	sharedWork
	items workCounter
	count int
	fn    func(i int)
}

var itemJobPool = sync.Pool{New: func() any {
	j := new(itemJob)
	j.run = func() {
		for {
			i, ok := j.items.take(j.count)
			if !ok {
				break
			}
			j.fn(i)
			j.items.done.Add(1)
		}
		j.items.wait(j.count)
	}
	return j
}}

// shareItems calls fn(i) once for every i in [0, count), on the calling
// goroutine and on helpers that are idle, and returns when all calls have
// returned.
func shareItems(count int, fn func(i int)) {
	helpers := min(helpersWanted(), count-1)
	if helpers <= 0 {
		for i := range count {
			fn(i)
		}
		return
	}
	j := itemJobPool.Get().(*itemJob)
	j.items.next.Store(0)
	j.items.done.Store(0)
	j.count, j.fn = count, fn
	share(&j.sharedWork, helpers)
	j.fn = nil
	itemJobPool.Put(j)
}

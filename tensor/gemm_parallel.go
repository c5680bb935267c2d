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
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// sharedWork is a job that helpers can join. run must be safe to call
// from several goroutines at once, and must finish the whole job when the
// caller runs it alone.
type sharedWork struct {
	// state counts the helpers inside run, plus closedBit once the caller
	// has finished: after that no helper may join.
	state atomic.Int64
	run   func()

	// A goroutine that has to wait for others (for the items they are
	// working on, or for helpers to leave) spins briefly, then sleeps on
	// cond until whoever finishes the awaited work broadcasts. Sleeping
	// matters on a busy machine: spinning would take the CPU from the very
	// goroutine being waited for.
	mu   sync.Mutex
	cond sync.Cond
}

// broadcast wakes every goroutine sleeping in w's waits.
func (w *sharedWork) broadcast() {
	w.mu.Lock()
	w.cond.Broadcast()
	w.mu.Unlock()
}

// waitUntil returns once done reports true; done must become true only
// through work whose finisher calls broadcast afterwards.
func (w *sharedWork) waitUntil(done func() bool) {
	if done() {
		return
	}
	// Spin for up to spinLimit: a phase normally ends within one item of
	// work (tens of µs), and falling asleep and being woken costs about
	// as much again. Only a goroutine descheduled by the operating system
	// keeps us waiting longer, and then sleeping frees the CPU for it.
	start := time.Now()
	for i := 1; !done(); i++ {
		if i%64 == 0 && time.Since(start) > spinLimit {
			break
		}
	}
	w.mu.Lock()
	if w.cond.L == nil {
		w.cond.L = &w.mu
	}
	for !done() {
		w.cond.Wait()
	}
	w.mu.Unlock()
}

const closedBit = 1 << 40

// spinLimit is how long a goroutine waiting for others spins before it
// sleeps.
const spinLimit = 50 * time.Microsecond

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
			if w.state.Add(-1) == closedBit { // the caller is waiting for us
				w.broadcast()
			}
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
// but no more than the physical cores − 1, starting helper goroutines as
// needed.
func helpersWanted() int {
	n := runtime.GOMAXPROCS(0) - 1
	if c := physicalCores(); c > 0 {
		n = min(n, c-1)
	}
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

// physicalCores returns how many cores the logical CPUs 0 ... NumCPU−1
// belong to, as Linux reports it (CPUs that are hyperthreads of one core
// list each other in thread_siblings_list), or 0 where that is unknown.
//
// Two hyperthreads of one core share its FMA units and its caches: one
// thread running the vector kernel already keeps the FMA units busy, so a
// second gains nothing and costs the hand-off and cache space. This is
// the likely reason why, on a 2-vCPU Intel host, the portable kernel ran
// 512³ at 5.4 GFLOP/s on two goroutines against 6.6 on one (see
// docs/performance.md). So products are split only across cores.
func physicalCores() int {
	coresOnce.Do(func() {
		groups := make(map[string]bool)
		for i := range runtime.NumCPU() {
			b, err := os.ReadFile("/sys/devices/system/cpu/cpu" + strconv.Itoa(i) + "/topology/thread_siblings_list")
			if err != nil {
				return // not Linux, or not told: cores stays 0
			}
			groups[strings.TrimSpace(string(b))] = true
		}
		cores = len(groups)
	})
	return cores
}

var (
	coresOnce sync.Once
	cores     int
)

// share runs w.run on the calling goroutine, offering it to at most
// helpers idle helpers first, and returns once the caller's run has
// returned and every helper that joined has left.
func share(w *sharedWork, helpers int) {
	w.state.Store(0)
	w.cond.L = &w.mu
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
	w.waitUntil(func() bool { return w.state.Load() == closedBit })
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

// finish records an item of a phase of w as done, waking the waiters
// when it is the last of total.
func (c *workCounter) finish(w *sharedWork, total int) {
	if int(c.done.Add(1)) == total {
		w.broadcast()
	}
}

// wait returns once all total items of a phase of w are finished.
func (c *workCounter) wait(w *sharedWork, total int) {
	w.waitUntil(func() bool { return int(c.done.Load()) >= total })
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
			j.items.finish(&j.sharedWork, j.count)
		}
		j.items.wait(&j.sharedWork, j.count)
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

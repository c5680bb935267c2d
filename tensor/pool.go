package tensor

import (
	"math"
	"sync"
	"unsafe"
)

// ---- Storage reuse ----------------------------------------------------------------
//
// A training loop makes tensors of the same few sizes step after step, and
// most of them live only until the backward pass has used them. Handing
// such storage back for reuse, instead of leaving it to the garbage
// collector, saves the allocation, the zeroing of fresh memory and the
// collector's work. Recycle hands storage back; every operation of this
// package takes its results' storage from the recycled slices of the
// right length first.
//
// Reuse never changes a value: an operation either writes every element of
// its result or starts from zeros (Zeros clears recycled storage), so the
// same program gives the same bits whether or not storage was recycled.

// poolLimit bounds the recycled storage kept at once (in float64s, 256 MB):
// past it, Recycle leaves the slice to the garbage collector.
const poolLimit = 32 << 20

var pool = struct {
	sync.Mutex
	free  map[int][][]float64 // by length
	held  map[*float64]bool   // the first element of every slice in free
	count int                 // float64s in free
}{free: map[int][][]float64{}, held: map[*float64]bool{}}

// Recycle hands t's storage back to the package for reuse by later
// operations. After it, t and every tensor sharing its storage (Reshape)
// must not be used again: their values will be overwritten. Only code that
// owns t exclusively may call it; autograd's backward pass does so for the
// gradients it makes and consumes itself. Recycling storage that is
// already recycled panics with ErrArgument: two tensors would share it.
func Recycle(t *Tensor) {
	if t == nil || cap(t.data) == 0 {
		return
	}
	data := t.data[:cap(t.data)]
	t.data = nil // a later use of t fails loudly rather than reading reused values
	n := len(data)
	p := unsafe.SliceData(data)
	pool.Lock()
	defer pool.Unlock()
	if pool.held[p] {
		panicf(ErrArgument, "Recycle", "storage of %d values recycled twice", n)
	}
	if pool.count+n > poolLimit {
		return
	}
	pool.free[n] = append(pool.free[n], data)
	pool.held[p] = true
	pool.count += n
}

// poison makes newData fill all storage it hands out with NaN, as if it
// were recycled: the package's tests switch it on, so that an operation
// that relies on fresh storage being zero, or leaves an element unwritten,
// shows NaN and fails.
var poison = false

// newData returns storage for n values: recycled if a slice of that
// length is free (its contents arbitrary), fresh and zeroed otherwise.
// fresh reports which.
func newData(n int) (data []float64, fresh bool) {
	data, fresh = takeData(n)
	if poison {
		for i := range data {
			data[i] = math.NaN()
		}
		fresh = false
	}
	return data, fresh
}

// takeData is newData without the poison.
func takeData(n int) (data []float64, fresh bool) {
	if n == 0 {
		return []float64{}, true
	}
	pool.Lock()
	if list := pool.free[n]; len(list) > 0 {
		data = list[len(list)-1]
		list[len(list)-1] = nil
		pool.free[n] = list[:len(list)-1]
		delete(pool.held, unsafe.SliceData(data))
		pool.count -= n
		pool.Unlock()
		return data, false
	}
	pool.Unlock()
	return make([]float64, n), true
}

// zeroData returns zeroed storage for n values.
func zeroData(n int) []float64 {
	data, fresh := newData(n)
	if !fresh {
		clear(data)
	}
	return data
}

// empty returns a tensor of the given shape whose values the caller will
// overwrite, every one of them.
func empty(shape []int) *Tensor {
	n := checkShape("empty", shape)
	data, _ := newData(n)
	return &Tensor{shape: append([]int(nil), shape...), data: data}
}

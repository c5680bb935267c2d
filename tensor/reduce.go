package tensor

import (
	"math"
	"slices"
)

// ---- Reductions ---------------------------------------------------------------
//
// A reduction over one axis views the tensor as (outer, n, inner) around that
// axis and sums (or maxes) over n. The inner loop runs along contiguous
// memory, and every output element is accumulated in the order k = 0..n−1.
// Reductions over several axes reduce one axis at a time, from the last.
//
// The Keep variants keep each reduced axis as a dimension of size 1, so the
// result broadcasts against the input; the plain ones drop it. With no axes,
// every axis is reduced.

// SumKeep returns the sum over the given axes, keeping them with size 1.
// It panics with ErrAxis on an axis out of range or repeated.
func SumKeep(t *Tensor, axes ...int) *Tensor {
	axes = reduceAxes("Sum", t, axes)
	if len(axes) == len(t.shape) && len(axes) > 0 { // everything: one loop
		s := 0.0
		for _, v := range t.data {
			s += v
		}
		out := Full(s, ones(len(t.shape))...)
		return out
	}
	out := t
	for i := len(axes) - 1; i >= 0; i-- {
		out = sumAxis(out, axes[i])
	}
	if out == t {
		out = t.Clone()
	}
	return out
}

// Sum returns the sum over the given axes (all when none are given),
// dropping them: Sum of a (2,3) over axis 1 has shape (2). It panics with
// ErrAxis on an axis out of range or repeated.
func Sum(t *Tensor, axes ...int) *Tensor {
	return dropAxes(SumKeep(t, axes...), reduceAxes("Sum", t, axes))
}

// MeanKeep returns the mean over the given axes, keeping them. It panics
// as SumKeep does (the message names Sum).
func MeanKeep(t *Tensor, axes ...int) *Tensor {
	out := SumKeep(t, axes...)
	n := len(t.data) / max(len(out.data), 1)
	return Scale(out, 1/float64(n))
}

// Mean returns the mean over the given axes (all when none are given). It
// panics as SumKeep does (the message names Sum).
func Mean(t *Tensor, axes ...int) *Tensor {
	return dropAxes(MeanKeep(t, axes...), reduceAxes("Mean", t, axes))
}

// VarianceKeep returns the biased variance (1/n)·Σ(x − x̄)² over the given axes,
// keeping them. Batch normalisation uses this form. It panics as SumKeep
// does (the message names Sum).
func VarianceKeep(t *Tensor, axes ...int) *Tensor {
	d := Sub(t, MeanKeep(t, axes...))
	return MeanKeep(Mul(d, d), axes...)
}

// Variance returns the biased variance over the given axes (all when none
// given). It panics as SumKeep does (the message names Sum).
func Variance(t *Tensor, axes ...int) *Tensor {
	return dropAxes(VarianceKeep(t, axes...), reduceAxes("Variance", t, axes))
}

// MaxKeep returns the maximum along one axis, keeping it with size 1. It
// panics with ErrAxis if the axis is out of range and with ErrShape if it
// has size 0 (the message names Max).
func MaxKeep(t *Tensor, axis int) *Tensor {
	v, _ := maxAxis("Max", t, axis)
	return v
}

// Max returns the maximum along one axis, dropping it. It panics as
// MaxKeep does.
func Max(t *Tensor, axis int) *Tensor {
	v, _ := maxAxis("Max", t, axis)
	return dropAxes(v, []int{normAxis("Max", axis, len(t.shape))})
}

// ArgMax returns, for every position of the reduced shape (in row-major
// order), the index along axis of the first maximum. It panics with ErrAxis
// if the axis is out of range and with ErrShape if it has size 0.
func ArgMax(t *Tensor, axis int) []int {
	_, idx := maxAxis("ArgMax", t, axis)
	return idx
}

// LogSumExp returns log Σₖ exp(xₖ) along axis, keeping it with size 1. It
// subtracts the maximum first, so it neither overflows nor underflows to −Inf
// for finite inputs. It panics as MaxKeep does.
func LogSumExp(t *Tensor, axis int) *Tensor {
	m := MaxKeep(t, axis)
	s := SumKeep(Exp(Sub(t, m)), axis)
	return Add(m, Log(s))
}

// Softmax returns exp(xₖ)/Σⱼ exp(xⱼ) along axis, computed as exp(x − max).
// It panics as MaxKeep does.
func Softmax(t *Tensor, axis int) *Tensor {
	e := Exp(Sub(t, MaxKeep(t, axis)))
	return Div(e, SumKeep(e, axis))
}

// ---- Broadcasting and its adjoint ----------------------------------------------

// BroadcastTo returns t repeated to the given shape under the broadcasting
// rule. It panics with ErrShape if t's shape cannot broadcast to it.
func BroadcastTo(t *Tensor, shape ...int) *Tensor {
	if !broadcastsTo(t.shape, shape) {
		panicf(ErrShape, "BroadcastTo", "%s to %s", FormatShape(t.shape), FormatShape(shape))
	}
	if slices.Equal(t.shape, shape) {
		return t.Clone()
	}
	out := empty(shape)
	broadcastLoop(out, t, out, func(dst, x, _ []float64, xs, _ int) {
		if xs == 1 {
			copy(dst, x)
			return
		}
		c := x[0]
		for i := range dst {
			dst[i] = c
		}
	})
	return out
}

// SumTo sums t down to the given shape, the adjoint of BroadcastTo: every
// axis along which shape broadcasts to t's shape is summed. It is how the
// gradient of a broadcasting operation returns to its input's shape.
// It panics with ErrShape if shape does not broadcast to t's shape.
func SumTo(t *Tensor, shape ...int) *Tensor {
	if !broadcastsTo(shape, t.shape) {
		panicf(ErrShape, "SumTo", "%s to %s", FormatShape(t.shape), FormatShape(shape))
	}
	if slices.Equal(t.shape, shape) {
		return t.Clone()
	}
	lead := len(t.shape) - len(shape)
	var axes []int
	for i := range t.shape {
		if i < lead || (shape[i-lead] == 1 && t.shape[i] != 1) {
			axes = append(axes, i)
		}
	}
	s := SumKeep(t, axes...)
	return &Tensor{shape: append([]int{}, shape...), data: s.data}
}

// broadcastsTo reports whether from broadcasts to exactly to.
func broadcastsTo(from, to []int) bool {
	if len(from) > len(to) {
		return false
	}
	lead := len(to) - len(from)
	for i, d := range from {
		if d != 1 && d != to[lead+i] {
			return false
		}
	}
	return true
}

// ---- Helpers --------------------------------------------------------------------

// reduceAxes normalises axes (all of them when none are given), sorted,
// panicking with ErrAxis on a repeat or an axis out of range.
func reduceAxes(op string, t *Tensor, axes []int) []int {
	if len(axes) == 0 {
		all := make([]int, len(t.shape))
		for i := range all {
			all[i] = i
		}
		return all
	}
	out := make([]int, len(axes))
	for i, a := range axes {
		out[i] = normAxis(op, a, len(t.shape))
	}
	slices.Sort(out)
	for i := 1; i < len(out); i++ {
		if out[i] == out[i-1] {
			panicf(ErrAxis, op, "axis %d repeated in %v", out[i], axes)
		}
	}
	return out
}

// dropAxes reshapes a keep-dims result to drop the (sorted) reduced axes.
func dropAxes(t *Tensor, axes []int) *Tensor {
	shape := make([]int, 0, len(t.shape))
	for i, d := range t.shape {
		if _, found := slices.BinarySearch(axes, i); !found {
			shape = append(shape, d)
		}
	}
	return &Tensor{shape: shape, data: t.data}
}

func sumAxis(t *Tensor, axis int) *Tensor {
	outer, n, inner := aroundAxis(t.shape, axis)
	shape := append([]int(nil), t.shape...)
	shape[axis] = 1
	out := Zeros(shape...)
	if inner == 1 { // rows: one running sum each
		for o := range outer {
			s := 0.0
			for _, v := range t.data[o*n : (o+1)*n] {
				s += v
			}
			out.data[o] = s
		}
		return out
	}
	for o := 0; o < outer; o++ {
		dst := out.data[o*inner : (o+1)*inner]
		for k := 0; k < n; k++ {
			src := t.data[(o*n+k)*inner : (o*n+k+1)*inner]
			for i := range dst {
				dst[i] += src[i]
			}
		}
	}
	return out
}

func maxAxis(op string, t *Tensor, axis int) (*Tensor, []int) {
	axis = normAxis(op, axis, len(t.shape))
	outer, n, inner := aroundAxis(t.shape, axis)
	if n == 0 {
		panicf(ErrShape, op, "empty axis %d of %s", axis, FormatShape(t.shape))
	}
	shape := append([]int(nil), t.shape...)
	shape[axis] = 1
	out := empty(shape)
	idx := make([]int, outer*inner)
	if inner == 1 { // contiguous slices, such as a maxout unit's pieces
		maxRows(out.data, idx, t.data, outer, n)
		return out, idx
	}
	for o := 0; o < outer; o++ {
		dst := out.data[o*inner : (o+1)*inner]
		arg := idx[o*inner : (o+1)*inner]
		copy(dst, t.data[o*n*inner:(o*n+1)*inner])
		for k := 1; k < n; k++ {
			src := t.data[(o*n+k)*inner : (o*n+k+1)*inner]
			for i, v := range src {
				if v > dst[i] || (math.IsNaN(v) && !math.IsNaN(dst[i])) {
					dst[i] = v
					arg[i] = k
				}
			}
		}
	}
	return out, idx
}

// maxRows writes the maximum of each of the rows consecutive slices of n
// values of src to best, and the position of its first occurrence to arg.
// A NaN wins over every number, and arg points at the first NaN.
//
// Which piece wins is random, so a branch per comparison would be
// mispredicted half the time: each comparison is a select the compiler
// turns into a conditional move, and max is the builtin. Both depend on
// the previous comparison, so four rows are walked side by side, four
// independent chains the processor overlaps.
func maxRows(best []float64, arg []int, src []float64, rows, n int) {
	r := 0
	for ; r+4 <= rows; r += 4 {
		s0 := src[r*n : (r+1)*n]
		s1 := src[(r+1)*n : (r+2)*n][:len(s0)]
		s2 := src[(r+2)*n : (r+3)*n][:len(s0)]
		s3 := src[(r+3)*n : (r+4)*n][:len(s0)]
		b0, b1, b2, b3 := s0[0], s1[0], s2[0], s3[0]
		a0, a1, a2, a3 := 0, 0, 0, 0
		for k := 1; k < len(s0); k++ {
			v0, v1, v2, v3 := s0[k], s1[k], s2[k], s3[k]
			if v0 > b0 {
				a0 = k
			}
			if v1 > b1 {
				a1 = k
			}
			if v2 > b2 {
				a2 = k
			}
			if v3 > b3 {
				a3 = k
			}
			b0, b1, b2, b3 = max(b0, v0), max(b1, v1), max(b2, v2), max(b3, v3)
		}
		best[r], best[r+1], best[r+2], best[r+3] = b0, b1, b2, b3
		arg[r], arg[r+1], arg[r+2], arg[r+3] = a0, a1, a2, a3
	}
	for ; r < rows; r++ {
		s := src[r*n : (r+1)*n]
		b, a := s[0], 0
		for k := 1; k < len(s); k++ {
			if s[k] > b {
				a = k
			}
			b = max(b, s[k])
		}
		best[r], arg[r] = b, a
	}
	for r, b := range best[:rows] {
		if b != b { // a NaN, which max keeps: point at the first
			for k, v := range src[r*n : (r+1)*n] {
				if v != v {
					arg[r] = k
					break
				}
			}
		}
	}
}

func ones(n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = 1
	}
	return s
}

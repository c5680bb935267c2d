package tensor

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
)

// Tensor is an n-dimensional array of float64, stored contiguously in
// row-major order: the last index varies fastest. A Tensor with an empty
// shape is a scalar holding one value.
//
// Operations return new tensors and never modify their operands, except the
// functions whose names end in Into or Inplace, which say what they overwrite.
// Reshape is the one operation whose result shares storage with its operand.
type Tensor struct {
	shape []int
	data  []float64
}

// New wraps data in a tensor of the given shape, without copying: the tensor
// owns data from now on. It panics with ErrShape if len(data) is not the
// product of the shape, and with ErrArgument on a negative dimension.
func New(data []float64, shape ...int) *Tensor {
	n := checkShape("New", shape)
	if len(data) != n {
		panicf(ErrShape, "New", "%d values for shape %s", len(data), FormatShape(shape))
	}
	return &Tensor{shape: append([]int{}, shape...), data: data}
}

// FromRows builds a 2-D tensor from equal-length rows, copying them.
// It panics with ErrShape on ragged rows.
func FromRows(rows [][]float64) *Tensor {
	if len(rows) == 0 {
		return Zeros(0, 0)
	}
	m := len(rows[0])
	data := make([]float64, 0, len(rows)*m)
	for i, r := range rows {
		if len(r) != m {
			panicf(ErrShape, "FromRows", "row %d has %d values, row 0 has %d", i, len(r), m)
		}
		data = append(data, r...)
	}
	return &Tensor{shape: []int{len(rows), m}, data: data}
}

// Scalar returns a 0-dimensional tensor holding v.
func Scalar(v float64) *Tensor { return &Tensor{shape: []int{}, data: []float64{v}} }

// Zeros returns a tensor of the given shape filled with 0. It panics with
// ErrArgument if a dimension is negative.
func Zeros(shape ...int) *Tensor { return zeros("Zeros", shape) }

// zeros is Zeros for the constructor op, which its panic names.
func zeros(op string, shape []int) *Tensor {
	n := checkShape(op, shape)
	return &Tensor{shape: append([]int{}, shape...), data: zeroData(n)}
}

// Ones returns a tensor of the given shape filled with 1. It panics with
// ErrArgument if a dimension is negative.
func Ones(shape ...int) *Tensor { return full("Ones", 1, shape) }

// Full returns a tensor of the given shape filled with v. It panics with
// ErrArgument if a dimension is negative.
func Full(v float64, shape ...int) *Tensor { return full("Full", v, shape) }

// full is Full for the constructor op, which its panic names.
func full(op string, v float64, shape []int) *Tensor {
	t := zeros(op, shape)
	if v != 0 {
		for i := range t.data {
			t.data[i] = v
		}
	}
	return t
}

// ZerosLike returns zeros with t's shape.
func ZerosLike(t *Tensor) *Tensor { return Zeros(t.shape...) }

// Arange returns the 1-D tensor [0, 1, ..., n-1]. It panics with
// ErrArgument if n < 0.
func Arange(n int) *Tensor {
	t := zeros("Arange", []int{n})
	for i := range t.data {
		t.data[i] = float64(i)
	}
	return t
}

// Eye returns the n×n identity matrix. It panics with ErrArgument if
// n < 0.
func Eye(n int) *Tensor {
	t := zeros("Eye", []int{n, n})
	for i := 0; i < n; i++ {
		t.data[i*n+i] = 1
	}
	return t
}

// RandN returns a tensor of independent standard normal samples drawn from r.
// It panics with ErrArgument if a dimension is negative.
func RandN(r *rand.Rand, shape ...int) *Tensor {
	t := zeros("RandN", shape)
	for i := range t.data {
		t.data[i] = r.NormFloat64()
	}
	return t
}

// RandU returns a tensor of independent samples uniform on [lo, hi) drawn from r.
// It panics with ErrArgument if a dimension is negative.
func RandU(r *rand.Rand, lo, hi float64, shape ...int) *Tensor {
	t := zeros("RandU", shape)
	for i := range t.data {
		t.data[i] = lo + (hi-lo)*r.Float64()
	}
	return t
}

// Shape returns a copy of the tensor's shape.
func (t *Tensor) Shape() []int { return append(make([]int, 0, len(t.shape)), t.shape...) }

// Dims returns the number of dimensions (0 for a scalar).
func (t *Tensor) Dims() int { return len(t.shape) }

// Dim returns the size of dimension i; negative i counts from the end.
// It panics with ErrAxis if i is out of range.
func (t *Tensor) Dim(i int) int { return t.shape[normAxis("Dim", i, len(t.shape))] }

// Len returns the number of elements.
func (t *Tensor) Len() int { return len(t.data) }

// Data returns the underlying storage, row-major. Writing to it changes the
// tensor (and every tensor that shares its storage through Reshape).
func (t *Tensor) Data() []float64 { return t.data }

// Item returns the value of a one-element tensor. It panics with ErrShape
// if the tensor has more or fewer elements.
func (t *Tensor) Item() float64 {
	if len(t.data) != 1 {
		panicf(ErrShape, "Item", "tensor of shape %s is not a single value", FormatShape(t.shape))
	}
	return t.data[0]
}

// At returns the element at the given index (one integer per dimension).
// It panics with ErrIndex on a wrong number of indices or an index out of range.
func (t *Tensor) At(index ...int) float64 { return t.data[t.offset("At", index)] }

// Set stores v at the given index (one integer per dimension). It panics
// with ErrIndex on a wrong number of indices or an index out of range.
func (t *Tensor) Set(v float64, index ...int) { t.data[t.offset("Set", index)] = v }

func (t *Tensor) offset(op string, index []int) int {
	if len(index) != len(t.shape) {
		panicf(ErrIndex, op, "%d indices for shape %s", len(index), FormatShape(t.shape))
	}
	off := 0
	for i, ix := range index {
		if ix < 0 || ix >= t.shape[i] {
			panicf(ErrIndex, op, "index %v for shape %s", index, FormatShape(t.shape))
		}
		off = off*t.shape[i] + ix
	}
	return off
}

// Clone returns a deep copy.
func (t *Tensor) Clone() *Tensor {
	out := empty(t.shape)
	copy(out.data, t.data)
	return out
}

// SameShape reports whether a and b have identical shapes.
func SameShape(a, b *Tensor) bool { return slices.Equal(a.shape, b.shape) }

// CopyFrom overwrites t's values with src's. It panics with ErrShape unless
// the two have the same number of elements.
func (t *Tensor) CopyFrom(src *Tensor) {
	if len(t.data) != len(src.data) {
		panicf(ErrShape, "CopyFrom", "%s from %s", FormatShape(t.shape), FormatShape(src.shape))
	}
	copy(t.data, src.data)
}

// HasNaNOrInf reports whether any element is NaN or ±Inf.
func (t *Tensor) HasNaNOrInf() bool {
	for _, v := range t.data {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return true
		}
	}
	return false
}

// String formats small tensors in full and large ones by shape only.
func (t *Tensor) String() string {
	if len(t.data) > 64 {
		return fmt.Sprintf("Tensor%s", FormatShape(t.shape))
	}
	var b strings.Builder
	var rec func(dim, off int)
	rec = func(dim, off int) {
		if dim == len(t.shape) {
			fmt.Fprintf(&b, "%.6g", t.data[off])
			return
		}
		b.WriteByte('[')
		stride := 1
		for _, d := range t.shape[dim+1:] {
			stride *= d
		}
		for i := 0; i < t.shape[dim]; i++ {
			if i > 0 {
				b.WriteByte(' ')
			}
			rec(dim+1, off+i*stride)
		}
		b.WriteByte(']')
	}
	rec(0, 0)
	return b.String()
}

// checkShape returns the number of elements of shape, panicking with
// ErrArgument on a negative dimension.
func checkShape(op string, shape []int) int {
	n := 1
	for _, d := range shape {
		if d < 0 {
			panicf(ErrArgument, op, "negative dimension in shape %s", FormatShape(shape))
		}
		n *= d
	}
	return n
}

// normAxis maps a possibly negative axis into [0, dims), panicking with ErrAxis.
func normAxis(op string, axis, dims int) int {
	if axis < -dims || axis >= dims {
		panicf(ErrAxis, op, "axis %d for %d dimensions", axis, dims)
	}
	if axis < 0 {
		axis += dims
	}
	return axis
}

// numel returns the product of a shape's dimensions.
func numel(shape []int) int {
	n := 1
	for _, d := range shape {
		n *= d
	}
	return n
}

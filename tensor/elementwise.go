package tensor

import (
	"math"
	"slices"
)

// ---- Broadcasting -----------------------------------------------------------
//
// Binary operations follow NumPy's broadcasting rule: shapes are aligned at
// their last dimension, and two dimensions fit if they are equal or one of
// them is 1 (a missing leading dimension counts as 1). The result takes the
// larger size in every dimension.
//
// Internally a broadcast is described by, for each input, a per-dimension
// flag "this input repeats along this dimension". Adjacent dimensions whose
// flags agree for both inputs are merged, so that the innermost loop runs
// over one long contiguous (or constant) row and costs no index arithmetic.

// BroadcastShapes returns the broadcast shape of a and b, panicking with
// ErrShape (naming op) if they do not fit.
func BroadcastShapes(op string, a, b []int) []int {
	n := max(len(a), len(b))
	out := make([]int, n)
	for i := 0; i < n; i++ {
		da, db := dimFromEnd(a, n-1-i), dimFromEnd(b, n-1-i)
		switch {
		case da == db, db == 1:
			out[i] = da
		case da == 1:
			out[i] = db
		default:
			panicf(ErrShape, op, "%s and %s do not broadcast", FormatShape(a), FormatShape(b))
		}
	}
	return out
}

// dimFromEnd returns shape[len-1-k] read as if shape were left-padded with 1s.
func dimFromEnd(shape []int, k int) int {
	i := len(shape) - 1 - k
	if i < 0 {
		return 1
	}
	return shape[i]
}

// loopPlan is a broadcast binary loop after dimension merging: out has
// shape dims; for input a, stride[d] is its element stride along d (0 where
// it repeats); likewise b.
type loopPlan struct {
	dims             []int
	aStride, bStride []int
}

func planBinary(out, a, b []int) loopPlan {
	n := len(out)
	var p loopPlan
	// Walk from the innermost dimension outwards, merging dimensions whose
	// repeat flags agree for both inputs.
	type dim struct {
		size       int
		aRep, bRep bool
	}
	var merged []dim
	for i := n - 1; i >= 0; i-- {
		size := out[i]
		if size == 1 {
			continue // size-1 dimensions change nothing
		}
		aRep := dimFromEnd(a, n-1-i) == 1
		bRep := dimFromEnd(b, n-1-i) == 1
		if k := len(merged) - 1; k >= 0 && merged[k].aRep == aRep && merged[k].bRep == bRep {
			merged[k].size *= size
			continue
		}
		merged = append(merged, dim{size, aRep, bRep})
	}
	if len(merged) == 0 {
		merged = append(merged, dim{1, false, false})
	}
	// Reverse to outer-first order and compute strides.
	m := len(merged)
	p.dims = make([]int, m)
	p.aStride = make([]int, m)
	p.bStride = make([]int, m)
	as, bs := 1, 1
	for k := 0; k < m; k++ {
		d := merged[k]
		j := m - 1 - k
		p.dims[j] = d.size
		if !d.aRep {
			p.aStride[j] = as
			as *= d.size
		}
		if !d.bRep {
			p.bStride[j] = bs
			bs *= d.size
		}
	}
	return p
}

// rowFunc computes one innermost row: dst[i] = f(x[i·xs], y[i·ys]) where the
// strides xs, ys are each 0 or 1.
type rowFunc func(dst, x, y []float64, xs, ys int)

// binary applies row over the broadcast of a and b into a new tensor.
func binary(op string, a, b *Tensor, row rowFunc) *Tensor {
	if slices.Equal(a.shape, b.shape) { // the common case: one flat row
		out := empty(a.shape)
		row(out.data, a.data, b.data, 1, 1)
		return out
	}
	out := empty(BroadcastShapes(op, a.shape, b.shape))
	broadcastLoop(out, a, b, row)
	return out
}

// broadcastLoop fills out (whose shape is the broadcast of a's and b's) row
// by row, calling row on each innermost run.
func broadcastLoop(out, a, b *Tensor, row rowFunc) {
	if len(out.data) == 0 {
		return
	}
	p := planBinary(out.shape, a.shape, b.shape)
	last := len(p.dims) - 1
	inner := p.dims[last]
	xs, ys := p.aStride[last], p.bStride[last]
	rows := len(out.data) / inner
	idx := make([]int, last) // odometer over the outer dimensions
	ao, bo := 0, 0
	for r := 0; r < rows; r++ {
		xEnd, yEnd := ao+1, bo+1
		if xs == 1 {
			xEnd = ao + inner
		}
		if ys == 1 {
			yEnd = bo + inner
		}
		row(out.data[r*inner:(r+1)*inner], a.data[ao:xEnd], b.data[bo:yEnd], xs, ys)
		for d := last - 1; d >= 0; d-- {
			idx[d]++
			ao += p.aStride[d]
			bo += p.bStride[d]
			if idx[d] < p.dims[d] {
				break
			}
			ao -= p.aStride[d] * p.dims[d]
			bo -= p.bStride[d] * p.dims[d]
			idx[d] = 0
		}
	}
}

// rowOf makes a rowFunc from a scalar function. It is used for the less
// common operations; the hot ones below have hand-written rows.
func rowOf(f func(x, y float64) float64) rowFunc {
	return func(dst, x, y []float64, xs, ys int) {
		switch {
		case xs == 1 && ys == 1:
			y = y[:len(dst)]
			x = x[:len(dst)]
			for i := range dst {
				dst[i] = f(x[i], y[i])
			}
		case xs == 1:
			c := y[0]
			x = x[:len(dst)]
			for i := range dst {
				dst[i] = f(x[i], c)
			}
		case ys == 1:
			c := x[0]
			y = y[:len(dst)]
			for i := range dst {
				dst[i] = f(c, y[i])
			}
		default:
			v := f(x[0], y[0])
			for i := range dst {
				dst[i] = v
			}
		}
	}
}

func addRow(dst, x, y []float64, xs, ys int) {
	switch {
	case xs == 1 && ys == 1:
		x, y = x[:len(dst)], y[:len(dst)]
		for i := range dst {
			dst[i] = x[i] + y[i]
		}
	case xs == 1:
		c := y[0]
		x = x[:len(dst)]
		for i := range dst {
			dst[i] = x[i] + c
		}
	case ys == 1:
		addRow(dst, y, x, 1, 0)
	default:
		v := x[0] + y[0]
		for i := range dst {
			dst[i] = v
		}
	}
}

func mulRow(dst, x, y []float64, xs, ys int) {
	switch {
	case xs == 1 && ys == 1:
		x, y = x[:len(dst)], y[:len(dst)]
		for i := range dst {
			dst[i] = x[i] * y[i]
		}
	case xs == 1:
		c := y[0]
		x = x[:len(dst)]
		for i := range dst {
			dst[i] = x[i] * c
		}
	case ys == 1:
		mulRow(dst, y, x, 1, 0)
	default:
		v := x[0] * y[0]
		for i := range dst {
			dst[i] = v
		}
	}
}

func subRow(dst, x, y []float64, xs, ys int) {
	if xs == 1 && ys == 1 {
		x, y = x[:len(dst)], y[:len(dst)]
		for i := range dst {
			dst[i] = x[i] - y[i]
		}
		return
	}
	rowOf(func(a, b float64) float64 { return a - b })(dst, x, y, xs, ys)
}

func divRow(dst, x, y []float64, xs, ys int) {
	if xs == 1 && ys == 1 {
		x, y = x[:len(dst)], y[:len(dst)]
		for i := range dst {
			dst[i] = x[i] / y[i]
		}
		return
	}
	rowOf(func(a, b float64) float64 { return a / b })(dst, x, y, xs, ys)
}

// Add returns a + b, broadcasting. It panics with ErrShape if the shapes do
// not broadcast.
func Add(a, b *Tensor) *Tensor { return binary("Add", a, b, addRow) }

// Sub returns a − b, broadcasting. It panics with ErrShape if the shapes do
// not broadcast.
func Sub(a, b *Tensor) *Tensor { return binary("Sub", a, b, subRow) }

// Mul returns the element-wise product a ⊙ b, broadcasting. It panics with
// ErrShape if the shapes do not broadcast.
func Mul(a, b *Tensor) *Tensor { return binary("Mul", a, b, mulRow) }

// Div returns the element-wise quotient a / b, broadcasting. It panics with
// ErrShape if the shapes do not broadcast.
func Div(a, b *Tensor) *Tensor { return binary("Div", a, b, divRow) }

// Maximum returns max(a, b) element-wise, broadcasting. It panics with
// ErrShape if the shapes do not broadcast.
func Maximum(a, b *Tensor) *Tensor { return binary("Maximum", a, b, rowOf(math.Max)) }

// Minimum returns min(a, b) element-wise, broadcasting. It panics with
// ErrShape if the shapes do not broadcast.
func Minimum(a, b *Tensor) *Tensor { return binary("Minimum", a, b, rowOf(math.Min)) }

// Greater returns 1 where a > b and 0 elsewhere, broadcasting. It panics
// with ErrShape if the shapes do not broadcast.
func Greater(a, b *Tensor) *Tensor {
	return binary("Greater", a, b, rowOf(func(x, y float64) float64 { return b2f(x > y) }))
}

// GreaterEqual returns 1 where a ≥ b and 0 elsewhere, broadcasting. It
// panics with ErrShape if the shapes do not broadcast.
func GreaterEqual(a, b *Tensor) *Tensor {
	return binary("GreaterEqual", a, b, rowOf(func(x, y float64) float64 { return b2f(x >= y) }))
}

// Equal returns 1 where a = b and 0 elsewhere, broadcasting. It panics
// with ErrShape if the shapes do not broadcast.
func Equal(a, b *Tensor) *Tensor {
	return binary("Equal", a, b, rowOf(func(x, y float64) float64 { return b2f(x == y) }))
}

// Where returns a where cond ≠ 0 and b elsewhere. The three shapes must be
// equal (use BroadcastTo first otherwise); it panics with ErrShape if not.
func Where(cond, a, b *Tensor) *Tensor {
	if !slices.Equal(cond.shape, a.shape) || !slices.Equal(a.shape, b.shape) {
		panicf(ErrShape, "Where", "%s, %s, %s", FormatShape(cond.shape), FormatShape(a.shape), FormatShape(b.shape))
	}
	out := empty(a.shape)
	for i, c := range cond.data {
		if c != 0 {
			out.data[i] = a.data[i]
		} else {
			out.data[i] = b.data[i]
		}
	}
	return out
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// ---- Unary operations ---------------------------------------------------------

// Map returns f applied to every element.
func Map(t *Tensor, f func(float64) float64) *Tensor {
	out := empty(t.shape)
	for i, v := range t.data {
		out.data[i] = f(v)
	}
	return out
}

// Neg returns −t.
func Neg(t *Tensor) *Tensor { return Scale(t, -1) }

// Scale returns c·t.
func Scale(t *Tensor, c float64) *Tensor {
	out := empty(t.shape)
	for i, v := range t.data {
		out.data[i] = c * v
	}
	return out
}

// AddScalar returns t + c.
func AddScalar(t *Tensor, c float64) *Tensor {
	out := empty(t.shape)
	for i, v := range t.data {
		out.data[i] = v + c
	}
	return out
}

// Exp returns eˣ element-wise.
func Exp(t *Tensor) *Tensor { return Map(t, math.Exp) }

// Log returns the natural logarithm element-wise (−Inf at 0, NaN below).
func Log(t *Tensor) *Tensor { return Map(t, math.Log) }

// Sqrt returns √x element-wise.
func Sqrt(t *Tensor) *Tensor { return Map(t, math.Sqrt) }

// Abs returns |x| element-wise.
func Abs(t *Tensor) *Tensor { return Map(t, math.Abs) }

// Sign returns −1, 0 or 1 element-wise.
func Sign(t *Tensor) *Tensor {
	return Map(t, func(x float64) float64 {
		switch {
		case x > 0:
			return 1
		case x < 0:
			return -1
		}
		return 0
	})
}

// Pow returns xᵖ element-wise for a constant exponent p. Integer p = 2 and
// p = 3 are computed by multiplication, exactly.
func Pow(t *Tensor, p float64) *Tensor {
	switch p {
	case 1:
		return t.Clone()
	case 2:
		return Map(t, func(x float64) float64 { return x * x })
	case 3:
		return Map(t, func(x float64) float64 { return x * x * x })
	}
	return Map(t, func(x float64) float64 { return math.Pow(x, p) })
}

// Tanh returns tanh x element-wise.
func Tanh(t *Tensor) *Tensor { return Map(t, math.Tanh) }

// Sigmoid returns σ(x) = 1/(1+e⁻ˣ) element-wise, evaluated so that it never
// overflows: for x < 0 it uses eˣ/(1+eˣ).
func Sigmoid(t *Tensor) *Tensor { return Map(t, sigmoid) }

func sigmoid(x float64) float64 {
	if x >= 0 {
		return 1 / (1 + math.Exp(-x))
	}
	e := math.Exp(x)
	return e / (1 + e)
}

// Softplus returns log(1 + eˣ) element-wise, computed stably as
// max(x, 0) + log1p(e^−|x|).
func Softplus(t *Tensor) *Tensor {
	return Map(t, func(x float64) float64 { return math.Max(x, 0) + math.Log1p(math.Exp(-math.Abs(x))) })
}

// ReLU returns max(x, 0) element-wise (NaN stays NaN). The loop uses the
// max builtin rather than a branch: activations are positive or negative at
// random, and a mispredicted branch per element made it five times slower.
func ReLU(t *Tensor) *Tensor {
	out := empty(t.shape)
	dst := out.data[:len(t.data)]
	for i, v := range t.data {
		dst[i] = max(v, 0)
	}
	return out
}

// LeakyReLU returns x for x > 0 and slope·x otherwise, choosing without a
// branch (see positiveMask).
func LeakyReLU(t *Tensor, slope float64) *Tensor {
	out := empty(t.shape)
	dst := out.data[:len(t.data)]
	for i, v := range t.data {
		m := positiveMask(v)
		dst[i] = math.Float64frombits(math.Float64bits(v)&m | math.Float64bits(slope*v)&^m)
	}
	return out
}

// Heaviside returns 1 where x > 0 and 0 elsewhere: the derivative of ReLU away
// from 0, the Heaviside step H(x).
func Heaviside(t *Tensor) *Tensor {
	out := empty(t.shape)
	dst := out.data[:len(t.data)]
	one := math.Float64bits(1)
	for i, v := range t.data {
		dst[i] = math.Float64frombits(one & positiveMask(v))
	}
	return out
}

// Clamp returns min(max(x, lo), hi) element-wise. It panics with ErrArgument
// if lo > hi.
func Clamp(t *Tensor, lo, hi float64) *Tensor {
	if lo > hi {
		panicf(ErrArgument, "Clamp", "lo %g > hi %g", lo, hi)
	}
	return Map(t, func(x float64) float64 { return math.Min(math.Max(x, lo), hi) })
}

// ---- In-place updates, for optimizers and accumulators ----------------------

// AddInplace sets dst ← dst + src (same number of elements). It panics with
// ErrShape otherwise.
func AddInplace(dst, src *Tensor) {
	if len(dst.data) != len(src.data) {
		panicf(ErrShape, "AddInplace", "%s += %s", FormatShape(dst.shape), FormatShape(src.shape))
	}
	s := src.data[:len(dst.data)]
	for i := range dst.data {
		dst.data[i] += s[i]
	}
}

// AxpyInplace sets dst ← dst + α·src (same number of elements). It panics
// with ErrShape otherwise.
func AxpyInplace(dst *Tensor, alpha float64, src *Tensor) {
	if len(dst.data) != len(src.data) {
		panicf(ErrShape, "AxpyInplace", "%s += α·%s", FormatShape(dst.shape), FormatShape(src.shape))
	}
	s := src.data[:len(dst.data)]
	for i := range dst.data {
		dst.data[i] += alpha * s[i]
	}
}

// Fill sets every element of t to v.
func (t *Tensor) Fill(v float64) {
	for i := range t.data {
		t.data[i] = v
	}
}

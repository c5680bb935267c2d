package tensor

import (
	"math"
	"slices"
)

// ---- Fused kernels for the layers where the time goes ---------------------------
//
// Built from primitives, a backward pass often makes a mask and then
// multiplies by it, or broadcasts a gradient and then masks it: two or three
// passes over memory and as many temporaries. The functions here do such a
// chain in one pass, for ReLU, LeakyReLU, maxout and batch normalisation.
// autograd wraps each of them as one differentiable operation, so gradients
// of gradients still work.

// ReLUGrad returns the gradient of ReLU at x given the output's gradient g:
//
//	out = g where x > 0, and +0 elsewhere   (g ⊙ H(x), H the Heaviside step)
//
// The entries where x ≤ 0 are set to +0 rather than multiplied by 0, as
// PyTorch's threshold_backward does: an infinite g there gives 0, not NaN.
// (A NaN x counts as positive if its sign bit is clear; the forward value
// is NaN then anyway.) It panics with ErrShape unless g and x have the same
// shape.
func ReLUGrad(g, x *Tensor) *Tensor {
	checkSame("ReLUGrad", g, x)
	out := empty(g.shape)
	xs := x.data[:len(g.data)]
	dst := out.data[:len(g.data)]
	for i, v := range g.data {
		dst[i] = math.Float64frombits(math.Float64bits(v) & positiveMask(xs[i]))
	}
	return out
}

// LeakyReLUGrad returns the gradient of LeakyReLU at x given g:
//
//	out = g where x > 0, and slope·g elsewhere.
//
// It panics with ErrShape unless g and x have the same shape.
func LeakyReLUGrad(g, x *Tensor, slope float64) *Tensor {
	checkSame("LeakyReLUGrad", g, x)
	out := empty(g.shape)
	xs := x.data[:len(g.data)]
	dst := out.data[:len(g.data)]
	for i, v := range g.data {
		m := positiveMask(xs[i])
		dst[i] = math.Float64frombits(math.Float64bits(v)&m | math.Float64bits(slope*v)&^m)
	}
	return out
}

// positiveMask returns all ones if x > 0 and all zeros otherwise, without
// a branch: the signs of activations are random, and a mispredicted branch
// per element costs more than the arithmetic. As an integer, the bit
// pattern b of a float is positive exactly for x > 0 (and for NaNs with the
// sign bit clear); −b then has the sign bit set and b does not. −0 is the
// one pattern equal to its own negation, and it gets 0.
func positiveMask(x float64) uint64 {
	b := int64(math.Float64bits(x))
	return uint64((-b &^ b) >> 63)
}

// MaxKeepArg returns the maximum along axis, kept with size 1 as in
// MaxKeep, and for every position of that result (row-major) the index
// along axis of the first maximum, as ArgMax. One pass computes both.
func MaxKeepArg(t *Tensor, axis int) (*Tensor, []int) { return maxAxis("Max", t, axis) }

// TakeAlong picks one element of every slice of t along axis:
//
//	out[o, 0, i] = t[o, index[o·inner + i], i]
//
// viewing t as (outer, n, inner) around axis; out has t's shape with that
// axis of size 1. With the index from MaxKeepArg it gathers the maxima.
// PutAlong is its adjoint. It panics with ErrAxis on a bad axis, with
// ErrShape if index does not have one entry per slice, and with ErrIndex on
// an entry outside [0, n).
func TakeAlong(t *Tensor, axis int, index []int) *Tensor {
	axis = normAxis("TakeAlong", axis, len(t.shape))
	outer, n, inner := aroundAxis(t.shape, axis)
	checkAlongIndex("TakeAlong", index, outer*inner, n, t.shape)
	out := empty(withAxis(t.shape, axis, 1))
	for o := range outer {
		dst := out.data[o*inner : (o+1)*inner]
		idx := index[o*inner : (o+1)*inner]
		for i, k := range idx {
			dst[i] = t.data[(o*n+k)*inner+i]
		}
	}
	return out
}

// PutAlong spreads t back along axis into slices of length n:
//
//	out[o, index[o·inner + i], i] = t[o, 0, i],   every other entry 0,
//
// where t has size 1 along axis and out has t's shape with that axis of
// size n. It is TakeAlong's adjoint: maxout's backward pass sends each
// unit's gradient to its winning piece with it. It panics with ErrAxis on a
// bad axis, with ErrShape if t's axis is not of size 1 or index does not
// have one entry per slice, and with ErrIndex on an entry outside [0, n).
func PutAlong(t *Tensor, axis int, index []int, n int) *Tensor {
	axis = normAxis("PutAlong", axis, len(t.shape))
	outer, one, inner := aroundAxis(t.shape, axis)
	if one != 1 {
		panicf(ErrShape, "PutAlong", "axis %d of %s has size %d, want 1", axis, FormatShape(t.shape), one)
	}
	checkAlongIndex("PutAlong", index, outer*inner, n, t.shape)
	out := Zeros(withAxis(t.shape, axis, n)...)
	for o := range outer {
		src := t.data[o*inner : (o+1)*inner]
		idx := index[o*inner : (o+1)*inner]
		for i, k := range idx {
			out.data[(o*n+k)*inner+i] = src[i]
		}
	}
	return out
}

func checkAlongIndex(op string, index []int, slices, n int, shape []int) {
	if len(index) != slices {
		panicf(ErrShape, op, "%d indices for %d slices of %s", len(index), slices, FormatShape(shape))
	}
	for _, k := range index {
		if k < 0 || k >= n {
			panicf(ErrIndex, op, "index %d outside [0, %d) for %s", k, n, FormatShape(shape))
		}
	}
}

// ---- Batch normalisation --------------------------------------------------------
//
// Shape legend: x is (N, F) or (N, F, H, W), features on axis 1; each
// feature f is normalised over its n = N·H·W values (outer N, inner H·W).

// BatchNormForward normalises every feature of x over the batch and
// scales and shifts it (Ioffe and Szegedy, arXiv 1502.03167):
//
//	μ_f = (1/n)·Σ x,   σ²_f = (1/n)·Σ (x − μ_f)²,   s_f = 1/√(σ²_f + ε),
//	y = γ_f·s_f·(x − μ_f) + β_f.
//
// It returns y, μ (F) and σ² (F, biased). μ and σ² are summed in row-major
// order of x, each in one pass, which groups the additions differently
// from a chain of Mean and Sub. It panics with ErrShape if x has fewer than
// two dimensions or gamma and beta do not have F values.
func BatchNormForward(x *Tensor, gamma, beta []float64, eps float64) (y, mean, variance *Tensor) {
	outer, f, inner := batchNormDims("BatchNormForward", x, gamma, beta)
	n := float64(outer * inner)
	mean, variance = Zeros(f), Zeros(f)
	mu, v := mean.data, variance.data
	forFeatures(outer, f, inner, func(c, off int) {
		s := 0.0
		for _, xv := range x.data[off : off+inner] {
			s += xv
		}
		mu[c] += s
	}, func(row int) {
		for c, xv := range x.data[row : row+f] {
			mu[c] += xv
		}
	})
	for c := range mu {
		mu[c] /= n
	}
	forFeatures(outer, f, inner, func(c, off int) {
		s, m := 0.0, mu[c]
		for _, xv := range x.data[off : off+inner] {
			d := xv - m
			s += d * d
		}
		v[c] += s
	}, func(row int) {
		for c, xv := range x.data[row : row+f] {
			d := xv - mu[c]
			v[c] += d * d
		}
	})
	for c := range v {
		v[c] /= n
	}
	// y = a·x + b with a = γ·s and b = β − a·μ would be one multiply-add,
	// but it rounds differently from γ·s·(x − μ) + β, which is what the
	// composite (differentiable) form computes; keep that form.
	scale := make([]float64, f)
	for c := range scale {
		scale[c] = gamma[c] / math.Sqrt(v[c]+eps)
	}
	y = empty(x.shape)
	forFeatures(outer, f, inner, func(c, off int) {
		m, a, b := mu[c], scale[c], beta[c]
		dst := y.data[off : off+inner]
		for i, xv := range x.data[off : off+inner] {
			dst[i] = (xv-m)*a + b
		}
	}, func(row int) {
		dst := y.data[row : row+f]
		for c, xv := range x.data[row : row+f] {
			dst[c] = (xv-mu[c])*scale[c] + beta[c]
		}
	})
	return y, mean, variance
}

// forFeatures visits x viewed as (outer, F, inner) for batch
// normalisation: with inner > 1 it calls segment(c, off) for every run of
// the inner values of feature c starting at off, in row-major order; with
// inner = 1 (an (N, F) matrix) it calls row(off) for every row of F
// features instead, so that the inner loop runs along the row. The order
// of the additions into each feature's sums is the same either way.
func forFeatures(outer, f, inner int, segment func(c, off int), row func(off int)) {
	if inner == 1 {
		for o := range outer {
			row(o * f)
		}
		return
	}
	for o := range outer {
		for c := range f {
			segment(c, (o*f+c)*inner)
		}
	}
}

// BatchNormBackward returns the gradients of BatchNormForward's y with
// respect to x, γ and β, given g = ∂L/∂y and the batch statistics the
// forward pass returned. With x̂ = (x − μ)·s,
//
//	∂L/∂β_f = Σ g,   ∂L/∂γ_f = Σ g·x̂,
//	∂L/∂x   = γ_f·s_f·(g − (1/n)·Σ g − x̂·(1/n)·Σ g·x̂),
//
// the sums running over the n values of feature f. This is the gradient
// through μ and σ² as well as through x directly. It panics with ErrShape
// on mismatched shapes.
func BatchNormBackward(g, x, mean, variance *Tensor, gamma []float64, eps float64) (dx, dgamma, dbeta *Tensor) {
	checkSame("BatchNormBackward", g, x)
	outer, f, inner := batchNormDims("BatchNormBackward", x, gamma, gamma)
	if len(mean.data) != f || len(variance.data) != f {
		panicf(ErrShape, "BatchNormBackward", "statistics %s, %s for %d features", FormatShape(mean.shape), FormatShape(variance.shape), f)
	}
	n := float64(outer * inner)
	dgamma, dbeta = Zeros(f), Zeros(f)
	dg, db, mu := dgamma.data, dbeta.data, mean.data
	inv := make([]float64, f)
	for c := range f {
		inv[c] = 1 / math.Sqrt(variance.data[c]+eps)
	}
	forFeatures(outer, f, inner, func(c, off int) {
		m, s := mu[c], inv[c]
		sg, sgx := 0.0, 0.0
		xs := x.data[off : off+inner]
		for i, gv := range g.data[off : off+inner] {
			sg += gv
			sgx += gv * ((xs[i] - m) * s)
		}
		db[c] += sg
		dg[c] += sgx
	}, func(row int) {
		xs := x.data[row : row+f]
		for c, gv := range g.data[row : row+f] {
			db[c] += gv
			dg[c] += gv * ((xs[c] - mu[c]) * inv[c])
		}
	})
	// dx = k·(g − mean g − x̂·mean(g·x̂)) with k = γ·s.
	k, mg, mgx := make([]float64, f), make([]float64, f), make([]float64, f)
	for c := range f {
		k[c], mg[c], mgx[c] = gamma[c]*inv[c], db[c]/n, dg[c]/n
	}
	dx = empty(x.shape)
	forFeatures(outer, f, inner, func(c, off int) {
		m, s := mu[c], inv[c]
		xs, dst := x.data[off:off+inner], dx.data[off:off+inner]
		for i, gv := range g.data[off : off+inner] {
			dst[i] = k[c] * (gv - mg[c] - (xs[i]-m)*s*mgx[c])
		}
	}, func(row int) {
		xs, dst := x.data[row:row+f], dx.data[row:row+f]
		for c, gv := range g.data[row : row+f] {
			dst[c] = k[c] * (gv - mg[c] - (xs[c]-mu[c])*inv[c]*mgx[c])
		}
	})
	return dx, dgamma, dbeta
}

// batchNormDims returns x's (outer, F, inner) and checks the parameters.
func batchNormDims(op string, x *Tensor, gamma, beta []float64) (outer, f, inner int) {
	if len(x.shape) < 2 {
		panicf(ErrShape, op, "input %s has no feature axis", FormatShape(x.shape))
	}
	outer, f, inner = aroundAxis(x.shape, 1)
	if len(gamma) != f || len(beta) != f {
		panicf(ErrShape, op, "input %s with %d scales and %d shifts", FormatShape(x.shape), len(gamma), len(beta))
	}
	return outer, f, inner
}

// checkSame panics with ErrShape, naming op, unless a and b have the same
// shape.
func checkSame(op string, a, b *Tensor) {
	if !slices.Equal(a.shape, b.shape) {
		panicf(ErrShape, op, "%s and %s", FormatShape(a.shape), FormatShape(b.shape))
	}
}

// AddRowsInplace adds the vector b (n) to every row of the matrix t (m, n),
// in place: the bias of a fully connected layer. It panics with ErrShape
// unless t is 2-D with b's length as its row length.
func AddRowsInplace(t, b *Tensor) {
	if len(t.shape) != 2 || len(b.shape) != 1 || b.shape[0] != t.shape[1] {
		panicf(ErrShape, "AddRowsInplace", "%s += rows of %s", FormatShape(t.shape), FormatShape(b.shape))
	}
	n := t.shape[1]
	for r := 0; r < t.shape[0]; r++ {
		row := t.data[r*n : (r+1)*n]
		for j, v := range b.data[:n] {
			row[j] += v
		}
	}
}

// AddChannels returns x + b with b[c] added to every value of channel c:
// x is (N, C, ...) and b has C values. It is the bias of a convolution, in
// one pass. It panics with ErrShape if x has fewer than two dimensions or
// b does not have C values.
func AddChannels(x, b *Tensor) *Tensor {
	outer, c, inner := channelDims("AddChannels", x, b)
	out := empty(x.shape)
	for o := range outer {
		for k, bv := range b.data[:c] {
			off := (o*c + k) * inner
			dst := out.data[off : off+inner]
			for i, v := range x.data[off : off+inner] {
				dst[i] = v + bv
			}
		}
	}
	return out
}

// SumChannels returns the C sums Σ_{n,...} g[n, c, ...] of g (N, C, ...),
// each added up in row-major order of g: the gradient of AddChannels with
// respect to b. It panics with ErrShape if g has fewer than two dimensions.
func SumChannels(g *Tensor) *Tensor {
	outer, c, inner := channelDims("SumChannels", g, nil)
	out := Zeros(c)
	for o := range outer {
		for k := range c {
			off := (o*c + k) * inner
			s := 0.0
			for _, v := range g.data[off : off+inner] {
				s += v
			}
			out.data[k] += s
		}
	}
	return out
}

// channelDims returns x's (outer, C, inner) around axis 1 and checks that
// b, if given, holds C values.
func channelDims(op string, x, b *Tensor) (outer, c, inner int) {
	if len(x.shape) < 2 || (b != nil && (len(b.shape) != 1 || b.shape[0] != x.shape[1])) {
		bs := "none"
		if b != nil {
			bs = FormatShape(b.shape)
		}
		panicf(ErrShape, op, "input %s with per-channel values %s", FormatShape(x.shape), bs)
	}
	return aroundAxis(x.shape, 1)
}

// TanhGrad returns g ⊙ (1 − y²), the gradient of tanh at the point whose
// output is y, given the output's gradient g, in one pass. It panics with
// ErrShape unless g and y have the same shape.
func TanhGrad(g, y *Tensor) *Tensor {
	checkSame("TanhGrad", g, y)
	out := empty(g.shape)
	ys := y.data[:len(g.data)]
	dst := out.data[:len(g.data)]
	for i, v := range g.data {
		dst[i] = v * (1 - ys[i]*ys[i])
	}
	return out
}

package autograd

import "ganbook/tensor"

// ---- Shape operations ----------------------------------------------------------
//
// These move values without arithmetic, so each gradient is the inverse
// move: Reshape back, the inverse permutation, Slice ↔ Pad, Concat ↔ Slice,
// IndexSelect ↔ IndexAdd.

// Reshape returns x with a new shape (one dimension may be −1); the value
// shares x's storage. ∂/∂x reshapes g back.
func Reshape(x *Var, shape ...int) *Var {
	return newOp(tensor.Reshape(x.Value, shape...), "Reshape", []*Var{x}, func(g *Var, _ []bool) []*Var {
		return []*Var{Reshape(g, x.Value.Shape()...)}
	})
}

// Flatten reshapes (N, ...) to (N, rest).
func Flatten(x *Var) *Var { return Reshape(x, x.Value.Dim(0), -1) }

// Transpose swaps the last two dimensions. ∂/∂x transposes g back.
func Transpose(x *Var) *Var {
	return newOp(tensor.Transpose(x.Value), "Transpose", []*Var{x}, func(g *Var, _ []bool) []*Var {
		return []*Var{Transpose(g)}
	})
}

// Permute reorders dimensions: result dimension i is x's dimension perm[i].
// ∂/∂x applies the inverse permutation to g.
func Permute(x *Var, perm ...int) *Var {
	return newOp(tensor.Permute(x.Value, perm...), "Permute", []*Var{x}, func(g *Var, _ []bool) []*Var {
		inv := make([]int, len(perm))
		for i, p := range perm {
			inv[p] = i
		}
		return []*Var{Permute(g, inv...)}
	})
}

// Concat joins xs along axis. Each input's gradient is its slice of g.
func Concat(axis int, xs ...*Var) *Var {
	values := make([]*tensor.Tensor, len(xs))
	for i, x := range xs {
		values[i] = x.Value
	}
	out := tensor.Concat(axis, values...)
	return newOp(out, "Concat", xs, func(g *Var, need []bool) []*Var {
		grads := make([]*Var, len(xs))
		at := 0
		for i, x := range xs {
			n := x.Value.Dim(axis)
			if need[i] {
				grads[i] = Slice(g, axis, at, at+n)
			}
			at += n
		}
		return grads
	})
}

// Split cuts x into pieces of the given sizes along axis (negative counts
// from the end), as tensor.Split does: piece k is Slice(x, axis,
// s₀+…+sₖ₋₁, s₀+…+sₖ), so each gets its slice of the gradient. It panics
// with tensor.ErrAxis on a bad axis, with tensor.ErrArgument on a negative
// size, and with tensor.ErrShape unless the sizes sum to x.Value.Dim(axis),
// each before anything is sliced.
func Split(x *Var, axis int, sizes ...int) []*Var {
	shape := x.Value.Shape()
	if axis < -len(shape) || axis >= len(shape) {
		panicf(tensor.ErrAxis, "Split", "axis %d for %d dimensions", axis, len(shape))
	}
	dim, sum := x.Value.Dim(axis), 0
	for _, n := range sizes {
		if n < 0 {
			panicf(tensor.ErrArgument, "Split", "negative size in %v", sizes)
		}
		sum += n
	}
	if sum != dim {
		panicf(tensor.ErrShape, "Split", "sizes %v sum to %d, axis %d of %s has %d", sizes, sum, axis, tensor.FormatShape(shape), dim)
	}
	out := make([]*Var, len(sizes))
	at := 0
	for i, n := range sizes {
		out[i] = Slice(x, axis, at, at+n)
		at += n
	}
	return out
}

// Slice returns positions [start, end) of x along axis.
// ∂/∂x pads g with zeros back to x's size.
func Slice(x *Var, axis, start, end int) *Var {
	return newOp(tensor.Slice(x.Value, axis, start, end), "Slice", []*Var{x}, func(g *Var, _ []bool) []*Var {
		return []*Var{Pad(g, axis, start, x.Value.Dim(axis)-end)}
	})
}

// Pad adds before zeros ahead of x and after zeros behind it along axis.
// ∂/∂x slices the middle of g.
func Pad(x *Var, axis, before, after int) *Var {
	return newOp(tensor.Pad(x.Value, axis, before, after), "Pad", []*Var{x}, func(g *Var, _ []bool) []*Var {
		return []*Var{Slice(g, axis, before, before+x.Value.Dim(axis))}
	})
}

// IndexSelect picks positions index along axis (repeats allowed).
// ∂/∂x scatters g back, adding where an index repeats.
func IndexSelect(x *Var, axis int, index []int) *Var {
	return newOp(tensor.IndexSelect(x.Value, axis, index), "IndexSelect", []*Var{x}, func(g *Var, _ []bool) []*Var {
		return []*Var{IndexAdd(g, axis, index, x.Value.Dim(axis))}
	})
}

// IndexAdd is IndexSelect's adjoint: zeros of size along axis, into which
// slice k of x is added at position index[k]. ∂/∂x gathers g at index.
func IndexAdd(x *Var, axis int, index []int, size int) *Var {
	return newOp(tensor.IndexAdd(x.Value, axis, index, size), "IndexAdd", []*Var{x}, func(g *Var, _ []bool) []*Var {
		return []*Var{IndexSelect(g, axis, index)}
	})
}

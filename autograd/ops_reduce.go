package autograd

import (
	"slices"

	"ganbook/tensor"
)

// ---- Reductions and broadcasting --------------------------------------------------
//
// Sum and BroadcastTo are each other's adjoint: the gradient of a sum
// broadcasts g back over the summed axes, and the gradient of a broadcast
// sums g over the repeated ones. Mean, variance, log-sum-exp and softmax are
// built from them and the element-wise operations.

// SumKeep returns the sum over the given axes (all when none are given),
// keeping each as a dimension of size 1. ∂/∂x = 1 broadcast to x's shape.
func SumKeep(x *Var, axes ...int) *Var {
	return newOp(tensor.SumKeep(x.Value, axes...), "Sum", []*Var{x}, func(g *Var, _ []bool) []*Var {
		return []*Var{BroadcastTo(g, x.Value.Shape()...)}
	})
}

// Sum returns the sum over the given axes (all when none are given),
// dropping them.
func Sum(x *Var, axes ...int) *Var {
	shape := x.Value.Shape()
	drop := make([]bool, len(shape))
	for _, a := range axes {
		if a < 0 {
			a += len(shape)
		}
		if a >= 0 && a < len(shape) {
			drop[a] = true
		}
	}
	kept := []int{}
	for i, d := range shape {
		if len(axes) > 0 && !drop[i] {
			kept = append(kept, d)
		}
	}
	return Reshape(SumKeep(x, axes...), kept...) // SumKeep has validated the axes
}

// MeanKeep returns the mean over the given axes, keeping them.
func MeanKeep(x *Var, axes ...int) *Var {
	s := SumKeep(x, axes...)
	return Scale(s, float64(s.Value.Len())/float64(max(x.Value.Len(), 1)))
}

// Mean returns the mean over the given axes (all when none are given).
func Mean(x *Var, axes ...int) *Var {
	s := Sum(x, axes...)
	return Scale(s, float64(s.Value.Len())/float64(max(x.Value.Len(), 1)))
}

// VarianceKeep returns the biased variance (1/n)·Σ(x − x̄)² over the given axes,
// keeping them, as batch normalisation uses it.
func VarianceKeep(x *Var, axes ...int) *Var {
	d := Sub(x, MeanKeep(x, axes...))
	return MeanKeep(Mul(d, d), axes...)
}

// MaxKeep returns the maximum along axis, keeping it with size 1. The
// gradient goes to the first maximal element of each slice: PutAlong puts
// g there, and TakeAlong (its adjoint) takes the gradient of that back.
func MaxKeep(x *Var, axis int) *Var {
	out, index := tensor.MaxKeepArg(x.Value, axis)
	n := x.Value.Dim(axis)
	return newOp(out, "Max", []*Var{x}, func(g *Var, _ []bool) []*Var {
		return []*Var{putAlong(g, axis, index, n)}
	})
}

// putAlong spreads g (size 1 along axis) into slices of length n, each
// value at its index (tensor.PutAlong). ∂/∂g takes those entries back.
func putAlong(g *Var, axis int, index []int, n int) *Var {
	return newOp(tensor.PutAlong(g.Value, axis, index, n), "PutAlong", []*Var{g}, func(gg *Var, _ []bool) []*Var {
		return []*Var{takeAlong(gg, axis, index)}
	})
}

// takeAlong picks the entry at index of every slice along axis
// (tensor.TakeAlong). ∂/∂x puts g back there.
func takeAlong(x *Var, axis int, index []int) *Var {
	n := x.Value.Dim(axis)
	return newOp(tensor.TakeAlong(x.Value, axis, index), "TakeAlong", []*Var{x}, func(g *Var, _ []bool) []*Var {
		return []*Var{putAlong(g, axis, index, n)}
	})
}

// LogSumExp returns log Σₖ exp(xₖ) along axis, keeping it. The maximum m
// is subtracted first and treated as a constant, which changes nothing
// mathematically: log Σ exp(x) = m + log Σ exp(x − m).
func LogSumExp(x *Var, axis int) *Var {
	m := Const(tensor.MaxKeep(x.Value, axis))
	return Add(m, Log(SumKeep(Exp(Sub(x, m)), axis)))
}

// Softmax returns exp(xₖ)/Σⱼ exp(xⱼ) along axis.
func Softmax(x *Var, axis int) *Var {
	e := Exp(Sub(x, Const(tensor.MaxKeep(x.Value, axis))))
	return Div(e, SumKeep(e, axis))
}

// BroadcastTo repeats x to shape under the broadcasting rule.
// ∂/∂x = SumTo(g, shape of x).
func BroadcastTo(x *Var, shape ...int) *Var {
	return newOp(tensor.BroadcastTo(x.Value, shape...), "BroadcastTo", []*Var{x}, func(g *Var, _ []bool) []*Var {
		return []*Var{SumTo(g, x.Value.Shape()...)}
	})
}

// SumTo sums x down to shape, the adjoint of BroadcastTo. It returns x
// itself when the shapes already agree.
func SumTo(x *Var, shape ...int) *Var {
	if slices.Equal(x.Value.Shape(), shape) {
		return x
	}
	return newOp(tensor.SumTo(x.Value, shape...), "SumTo", []*Var{x}, func(g *Var, _ []bool) []*Var {
		return []*Var{BroadcastTo(g, x.Value.Shape()...)}
	})
}

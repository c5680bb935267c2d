package layers

import (
	"ganbook/autograd"
	"ganbook/tensor"
)

// ---- AvgPool2D -------------------------------------------------------------------------

// AvgPool2D averages non-overlapping Size×Size blocks of every channel,
// (N, C, H, W) → (N, C, H/Size, W/Size):
//
//	y[n,c,i,j] = (1/Size²)·Σ_{u,v < Size} x[n, c, i·Size + u, j·Size + v],
//
// the subsampling layer of LeNet (LeCun et al. 1998). Its gradient spreads
// each output's gradient evenly over its block (autograd.AvgPool2D).
type AvgPool2D struct {
	Size int // the block side
}

// NewAvgPool2D returns average pooling over size×size blocks. It panics
// with tensor.ErrArgument if size is below 1.
func NewAvgPool2D(size int) *AvgPool2D {
	requirePositive("NewAvgPool2D", "size", size)
	return &AvgPool2D{Size: size}
}

// Forward pools x (N,C,H,W). It panics with tensor.ErrShape if x is not
// 4-D or H or W is not a multiple of Size, and with tensor.ErrArgument if
// Size is below 1 (an AvgPool2D{} literal, which NewAvgPool2D refuses).
func (p AvgPool2D) Forward(x *autograd.Var) *autograd.Var {
	xs := x.Value.Shape()
	if len(xs) != 4 {
		panicf(tensor.ErrShape, "AvgPool2D", "input %s is not (N,C,H,W)", tensor.FormatShape(xs))
	}
	if p.Size < 1 {
		panicf(tensor.ErrArgument, "AvgPool2D", "Size %d for input %s, want ≥ 1", p.Size, tensor.FormatShape(xs))
	}
	if xs[2]%p.Size != 0 || xs[3]%p.Size != 0 {
		panicf(tensor.ErrShape, "AvgPool2D", "input %s is not divisible into %dx%d blocks", tensor.FormatShape(xs), p.Size, p.Size)
	}
	return autograd.AvgPool2D(x, p.Size)
}

// Parameters returns nil: an AvgPool2D has none.
func (AvgPool2D) Parameters() []Parameter { return nil }

package autograd

import "ganbook/tensor"

// ---- Convolutions --------------------------------------------------------------------
//
// Conv2D, ConvTranspose2D and Conv2DWeightGrad are one bilinear form read
// three ways, ⟨Conv2D(x, w), y⟩ = ⟨x, ConvTranspose2D(y, w)⟩ =
// ⟨w, Conv2DWeightGrad(x, y)⟩, so the gradient of each is written with the
// other two, and differentiating a gradient again stays inside the three.

// Conv2D convolves x (N,C,H,W) with the kernel w (O,C,KH,KW) into
// (N,O,OH,OW): y[n,o,oy,ox] = Σ_{c,i,j} w[o,c,i,j]·x[n, c, oy·SH − PH + i,
// ox·SW − PW + j] (see tensor.Conv2D). With G = ∂L/∂y:
//
//	∂L/∂x = ConvTranspose2D(G, w),   ∂L/∂w = Conv2DWeightGrad(x, G).
func Conv2D(x, w *Var, geom tensor.ConvGeom) *Var {
	xs := x.Value.Shape()
	return newOp(tensor.Conv2D(x.Value, w.Value, geom), "Conv2D", []*Var{x, w}, func(g *Var, need []bool) []*Var {
		return lazy(need,
			func() *Var { return ConvTranspose2D(g, w, geom, xs[2], xs[3]) },
			func() *Var { return Conv2DWeightGrad(x, g, geom) })
	})
}

// ConvTranspose2D maps y (N,O,OH,OW) to an h×w image (N,C,h,w) with the
// kernel w (O,C,KH,KW), the adjoint of Conv2D in x (see
// tensor.ConvTranspose2D): a DCGAN generator's upsampling layer. With
// G = ∂L/∂(result):
//
//	∂L/∂y = Conv2D(G, w),   ∂L/∂w = Conv2DWeightGrad(G, y).
func ConvTranspose2D(y, w *Var, geom tensor.ConvGeom, h, wd int) *Var {
	out := tensor.ConvTranspose2D(y.Value, w.Value, geom, h, wd)
	return newOp(out, "ConvTranspose2D", []*Var{y, w}, func(g *Var, need []bool) []*Var {
		return lazy(need,
			func() *Var { return Conv2D(g, w, geom) },
			func() *Var { return Conv2DWeightGrad(g, y, geom) })
	})
}

// Conv2DWeightGrad returns Σ_{n,oy,ox} y[n,o,oy,ox]·x[n, c, oy·SH − PH + i,
// ox·SW − PW + j] as (O,C,KH,KW) for x (N,C,H,W) and y (N,O,OH,OW): the
// adjoint of Conv2D in w, i.e. the kernel's gradient when y = ∂L/∂(conv
// output) (see tensor.Conv2DWeightGrad). With G = ∂L/∂(result):
//
//	∂L/∂x = ConvTranspose2D(y, G),   ∂L/∂y = Conv2D(x, G).
func Conv2DWeightGrad(x, y *Var, geom tensor.ConvGeom) *Var {
	xs := x.Value.Shape()
	out := tensor.Conv2DWeightGrad(x.Value, y.Value, geom)
	return newOp(out, "Conv2DWeightGrad", []*Var{x, y}, func(g *Var, need []bool) []*Var {
		return lazy(need,
			func() *Var { return ConvTranspose2D(y, g, geom, xs[2], xs[3]) },
			func() *Var { return Conv2D(x, g, geom) })
	})
}

// ---- Convolution building blocks ------------------------------------------------------

// Im2Col unfolds the kernel-sized patches of x (N,C,H,W) into columns
// (N, C·KH·KW, OH·OW), so that a convolution is one batched product.
// ∂/∂x is Col2Im of g.
func Im2Col(x *Var, geom tensor.ConvGeom) *Var {
	shape := x.Value.Shape()
	return newOp(tensor.Im2Col(x.Value, geom), "Im2Col", []*Var{x}, func(g *Var, _ []bool) []*Var {
		return []*Var{Col2Im(g, shape[0], shape[1], shape[2], shape[3], geom)}
	})
}

// Col2Im folds columns (N, C·KH·KW, OH·OW) back into an image (N,C,H,W),
// adding overlapping patches: Im2Col's adjoint, and the forward pass of a
// transposed convolution. ∂/∂cols is Im2Col of g.
func Col2Im(cols *Var, n, c, h, w int, geom tensor.ConvGeom) *Var {
	return newOp(tensor.Col2Im(cols.Value, n, c, h, w, geom), "Col2Im", []*Var{cols}, func(g *Var, _ []bool) []*Var {
		return []*Var{Im2Col(g, geom)}
	})
}

// UpsampleNearest repeats every pixel of x (N,C,H,W) s×s times.
// ∂/∂x sums g over each s×s block (SumPool2D).
func UpsampleNearest(x *Var, s int) *Var {
	return newOp(tensor.UpsampleNearest(x.Value, s), "UpsampleNearest", []*Var{x}, func(g *Var, _ []bool) []*Var {
		return []*Var{SumPool2D(g, s)}
	})
}

// SumPool2D sums non-overlapping s×s blocks of x (N,C,H,W).
// ∂/∂x repeats g over each block (UpsampleNearest).
func SumPool2D(x *Var, s int) *Var {
	return newOp(tensor.SumPool2D(x.Value, s), "SumPool2D", []*Var{x}, func(g *Var, _ []bool) []*Var {
		return []*Var{UpsampleNearest(g, s)}
	})
}

// AvgPool2D averages non-overlapping s×s blocks of x (N,C,H,W).
func AvgPool2D(x *Var, s int) *Var { return Scale(SumPool2D(x, s), 1/float64(s*s)) }

package layers

import (
	"ganbook/autograd"
	"ganbook/tensor"
)

// VirtualBatchNorm is virtual batch normalisation (Salimans et al.,
// "Improved Techniques for Training GANs", arXiv 1606.03498, §3.4), used in
// the generator: batch normalisation makes a sample depend on the other
// samples of its batch; VBN normalises each sample with the statistics of
// a reference batch chosen once at the start of training, together with
// the sample itself, so that a sample's output does not depend on its
// batch-mates.
//
// It works in two passes, as the paper's code (openai/improved-gan,
// class VBN). First the reference batch r (B samples) goes through the
// network with ReferenceForward; this layer then normalises r with r's own
// statistics and keeps them. For features (F) or channels (C) the means
// are over the batch and, for images, over the positions:
//
//	μ_r = mean r,   ν_r = mean r²,   y = γ·(r − μ_r)/√(ε + ν_r − μ_r²) + β.
//
// Then every Forward normalises each sample x_n with the reference
// statistics combined with the sample's own, weighted as one more member
// of the reference batch (the code's new_coeff = 1/(B + 1)):
//
//	m_n = mean over positions of x_n,   q_n = mean over positions of x_n²
//	μ_n = m_n/(B + 1) + μ_r·B/(B + 1),   ν_n = q_n/(B + 1) + ν_r·B/(B + 1)
//	y_n = γ·(x_n − μ_n)/√(ε + ν_n − μ_n²) + β.
//
// For (N, F) inputs there are no positions: m_n = x_n, q_n = x_n².
//
// The reference statistics are variables. Run ReferenceForward once,
// under autograd.NoGrad, to fix them as constants; run it at every step, in
// the same graph as the loss, to have them follow the current parameters
// with the gradient flowing through them, as the paper's code does (its
// reference batch is fixed noise, its activations are recomputed).
//
// x (N, F) or (N, C, H, W) → the same shape. Parameters: "weight" γ (F),
// initially 1 (the paper's code draws it from N(1, 0.02²)), and "bias" β
// (F), initially 0. ε = 1e-5 as in the code.
type VirtualBatchNorm struct {
	Weight *autograd.Var // γ, (F)
	Bias   *autograd.Var // β, (F)
	Eps    float64       // ε, 1e-5

	refMean, refMeanSq *autograd.Var // μ_r and ν_r, (1, F) or (1, C, 1, 1); nil before a reference pass
	refSize            int           // B
	reference          bool          // the next Forward is the reference pass
}

// NewVirtualBatchNorm returns virtual batch normalisation over the given
// number of features or channels, with γ = 1, β = 0 and ε = 1e-5. It
// panics with tensor.ErrArgument if features is below 1.
func NewVirtualBatchNorm(features int) *VirtualBatchNorm {
	requirePositive("NewVirtualBatchNorm", "features", features)
	return &VirtualBatchNorm{
		Weight: autograd.Param(tensor.Ones(features)),
		Bias:   autograd.Param(tensor.Zeros(features)),
		Eps:    1e-5,
	}
}

// Forward normalises x: with the reference batch's statistics combined
// with each sample's own, or, during ReferenceForward, with x's own
// statistics, which it keeps. It panics with tensor.ErrShape if x is
// neither (N, F) nor (N, C, H, W) with the layer's F, and with
// tensor.ErrArgument if no reference pass has been made.
func (v *VirtualBatchNorm) Forward(x *autograd.Var) *autograd.Var {
	xs := x.Value.Shape()
	features := v.Weight.Value.Len()
	if (len(xs) != 2 && len(xs) != 4) || xs[1] != features {
		panicf(tensor.ErrShape, "VirtualBatchNorm", "input %s for %d features; want (N,%d) or (N,%d,H,W)",
			tensor.FormatShape(xs), features, features, features)
	}
	paramShape := []int{1, features}
	positions := []int{} // the axes of a sample's positions
	if len(xs) == 4 {
		paramShape = append(paramShape, 1, 1)
		positions = []int{2, 3}
	}
	squared := autograd.Mul(x, x)
	var mean, meanSq *autograd.Var
	if v.reference {
		axes := append([]int{0}, positions...)
		mean, meanSq = autograd.MeanKeep(x, axes...), autograd.MeanKeep(squared, axes...)
		v.refMean, v.refMeanSq, v.refSize = mean, meanSq, xs[0]
	} else {
		if v.refMean == nil {
			panicf(tensor.ErrArgument, "VirtualBatchNorm", "no reference batch: run layers.ReferenceForward first")
		}
		if !tensor.SameShape(v.refMean.Value, tensor.Zeros(paramShape...)) {
			panicf(tensor.ErrShape, "VirtualBatchNorm", "input %s after a reference batch of statistics %s",
				tensor.FormatShape(xs), tensor.FormatShape(v.refMean.Value.Shape()))
		}
		own, ownSq := x, squared // (N, F): a sample's statistics are its values
		if len(positions) > 0 {
			own, ownSq = autograd.MeanKeep(x, positions...), autograd.MeanKeep(squared, positions...) // (N, C, 1, 1)
		}
		newCoeff := 1 / float64(v.refSize+1)
		mean = autograd.Add(autograd.Scale(own, newCoeff), autograd.Scale(v.refMean, 1-newCoeff))
		meanSq = autograd.Add(autograd.Scale(ownSq, newCoeff), autograd.Scale(v.refMeanSq, 1-newCoeff))
	}
	variance := autograd.Sub(meanSq, autograd.Mul(mean, mean))
	invStd := autograd.Pow(autograd.AddScalar(variance, v.Eps), -0.5)
	normalised := autograd.Mul(autograd.Sub(x, mean), invStd)
	gamma := autograd.Reshape(v.Weight, paramShape...)
	beta := autograd.Reshape(v.Bias, paramShape...)
	return autograd.Add(autograd.Mul(normalised, gamma), beta)
}

// Parameters returns "weight" (γ) and "bias" (β).
func (v *VirtualBatchNorm) Parameters() []Parameter { return weightAndBias(v.Weight, v.Bias) }

// ReferenceStatistics returns the kept μ_r and ν_r (mean of x²), shaped
// (1, F) or (1, C, 1, 1), and the reference batch size B; nil before a
// reference pass.
func (v *VirtualBatchNorm) ReferenceStatistics() (mean, meanSq *autograd.Var, size int) {
	return v.refMean, v.refMeanSq, v.refSize
}

// ReferenceForward runs m on the reference batch ref with every
// VirtualBatchNorm inside m (m itself, or inside Sequentials and
// SelfAttention blocks) in its reference mode: each normalises the batch
// with its own statistics and keeps them for the Forward calls that
// follow. It returns m's output on ref.
func ReferenceForward(m Module, ref *autograd.Var) *autograd.Var {
	var vbns []*VirtualBatchNorm
	walk(m, func(sub Module) {
		if v, ok := sub.(*VirtualBatchNorm); ok {
			vbns = append(vbns, v)
		}
	})
	for _, v := range vbns {
		v.reference = true
	}
	defer func() {
		for _, v := range vbns {
			v.reference = false
		}
	}()
	return m.Forward(ref)
}

// walk calls visit on m and on every module inside it.
func walk(m Module, visit func(Module)) {
	visit(m)
	switch c := m.(type) {
	case *Sequential:
		for _, sub := range c.Layers {
			walk(sub, visit)
		}
	case *SelfAttention:
		for _, sub := range c.children() {
			walk(sub.m, visit)
		}
	case *SpectralNorm:
		walk(c.Layer, visit)
	case *Maxout:
		walk(c.Linear, visit)
	}
}

package layers

// Shape legend for this file:
//
//	W          a layer's weight: Linear (out, in), Conv2D (O, C, K, K),
//	           ConvTranspose2D (C, O, K, K)
//	Wₘ (h, w)  W viewed as a matrix: h = out (or O) rows, w = the rest
//	u (h), v (w)  the power iteration's left and right vectors

import (
	"math"
	"math/rand/v2"

	"ganbook/autograd"
	"ganbook/tensor"
)

// SpectralNorm wraps a Linear, Conv2D or ConvTranspose2D layer and runs it
// with its weight divided by the weight's largest singular value (Miyato
// et al., "Spectral Normalization for GANs", arXiv 1802.05957):
//
//	W_SN = W / σ(W),   σ(W) = max_{‖h‖=1} ‖Wₘ·h‖,
//
// so that every such layer is 1-Lipschitz and a discriminator built of
// them and of 1-Lipschitz activations is too. Wₘ is W viewed as an h × w
// matrix, one row per output unit: W itself for Linear, the kernel
// reshaped to O × (C·K·K) for Conv2D, and for ConvTranspose2D, whose
// weight is (C, O, K, K), the kernel with its dimension 1 moved first, as
// PyTorch does (dim = 1).
//
// σ is estimated, not computed: each training Forward runs one step of
// power iteration from the persistent vector u, outside the graph,
//
//	v ← Wₘᵀu / max(‖Wₘᵀu‖, ε),   u ← Wₘv / max(‖Wₘv‖, ε),   σ = uᵀ·Wₘ·v,
//
// with ε = 1e-12, and divides W by that σ. Because W changes little from
// one training step to the next, u tracks the top singular vector and one
// iteration per step is enough (the paper's Algorithm 1). The gradient
// flows through σ as a function of W with u and v held constant,
// ∂σ/∂W = u·vᵀ, exactly as torch.nn.utils.spectral_norm computes it. In
// evaluation mode (SetTraining(false)) u and v are not updated and σ is
// uᵀWₘv with the stored vectors.
//
// Parameters: the layer's own, renamed as PyTorch renames them:
// "weight_orig" (W, the layer's Weight field) and "bias" if the layer has
// one. Buffers: "weight_u" (h) and "weight_v" (w), so that a checkpoint
// resumes the power iteration where it stopped. x and the output have the
// layer's shapes.
type SpectralNorm struct {
	Layer           Module         // *Linear, *Conv2D or *ConvTranspose2D; its Weight is W
	U               *tensor.Tensor // u (h), updated in place by each training Forward
	V               *tensor.Tensor // v (w), updated in place by each training Forward
	Eps             float64        // ε in the normalisations, 1e-12
	PowerIterations int            // iterations per training Forward, 1

	sigma float64 // σ of the last Forward (or Weight call)
	eval  bool    // evaluation mode; the zero value trains
}

// NewSpectralNorm wraps layer (a *Linear, *Conv2D or *ConvTranspose2D)
// in spectral normalisation, with ε = 1e-12, one power iteration per
// training step, and u, v drawn from N(0, I) and normalised, as PyTorch
// draws them. The layer is used, not copied: its Weight becomes
// "weight_orig". It panics with tensor.ErrArgument for another kind of
// module or a nil r.
func NewSpectralNorm(r *rand.Rand, layer Module) *SpectralNorm {
	if r == nil {
		panicf(tensor.ErrArgument, "NewSpectralNorm", "nil *rand.Rand")
	}
	w := weightOf("NewSpectralNorm", layer)
	h, cols := matrixSize(layer, w.Value)
	s := &SpectralNorm{Layer: layer, U: tensor.RandN(r, h), V: tensor.RandN(r, cols), Eps: 1e-12, PowerIterations: 1}
	normaliseInPlace(s.U.Data(), s.Eps)
	normaliseInPlace(s.V.Data(), s.Eps)
	return s
}

// Forward runs the layer with W_SN = W/σ in place of W. In training mode it
// first advances the power iteration (updating U and V). It panics like
// the wrapped layer on a wrong input shape.
func (s *SpectralNorm) Forward(x *autograd.Var) *autograd.Var {
	w := weightOf("SpectralNorm", s.Layer)
	if !s.eval {
		s.powerIteration(w.Value)
	}
	return withWeight(s.Layer, s.normalised(w)).Forward(x)
}

// Weight returns W_SN = W/σ with σ = uᵀWₘv from the stored u and v,
// without advancing the power iteration: the weight the last Forward used,
// as a differentiable function of W.
func (s *SpectralNorm) Weight() *autograd.Var {
	return s.normalised(weightOf("SpectralNorm", s.Layer))
}

// Sigma returns the σ of the last Forward or Weight call (0 before any).
func (s *SpectralNorm) Sigma() float64 { return s.sigma }

// ExactSigma returns the exact largest singular value of the layer's Wₘ
// (see LargestSingularValue), which the power iteration's σ approaches.
func (s *SpectralNorm) ExactSigma() float64 {
	w := weightOf("SpectralNorm", s.Layer)
	return LargestSingularValue(matrixView(s.Layer, w.Value))
}

// Parameters returns "weight_orig" and, if the layer has one, "bias".
func (s *SpectralNorm) Parameters() []Parameter {
	ps := s.Layer.Parameters()
	out := make([]Parameter, len(ps))
	for i, p := range ps {
		if p.Name == "weight" {
			p.Name = "weight_orig"
		}
		out[i] = p
	}
	return out
}

// Buffers returns "weight_u" and "weight_v".
func (s *SpectralNorm) Buffers() []Buffer {
	return []Buffer{{Name: "weight_u", Tensor: s.U}, {Name: "weight_v", Tensor: s.V}}
}

// SetTraining switches the power iteration on (true) or off (false).
func (s *SpectralNorm) SetTraining(training bool) { s.eval = !training }

// normalised returns W/σ with σ = uᵀWₘv = Σ W ⊙ (u·vᵀ laid out like W):
// differentiable in W, with u and v constants.
func (s *SpectralNorm) normalised(w *autograd.Var) *autograd.Var {
	outer := outerLikeWeight(s.Layer, w.Value, s.U, s.V) // u·vᵀ in W's layout
	sigma := autograd.Sum(autograd.Mul(w, autograd.Const(outer)))
	s.sigma = sigma.Item()
	return autograd.Div(w, sigma)
}

// powerIteration runs s.PowerIterations steps on Wₘ, updating U and V in
// place, with plain tensor arithmetic: nothing is recorded.
func (s *SpectralNorm) powerIteration(w *tensor.Tensor) {
	m := matrixView(s.Layer, w) // (h, w)
	h, cols := m.Dim(0), m.Dim(1)
	u, v := tensor.Reshape(s.U, h, 1), tensor.Reshape(s.V, cols, 1)
	for range s.PowerIterations {
		v.CopyFrom(tensor.MatMulT(m, true, u, false)) // Wₘᵀu
		normaliseInPlace(v.Data(), s.Eps)
		u.CopyFrom(tensor.MatMul(m, v)) // Wₘv
		normaliseInPlace(u.Data(), s.Eps)
	}
}

// normaliseInPlace divides x by max(‖x‖₂, eps), as torch.nn.functional.normalize.
func normaliseInPlace(x []float64, eps float64) {
	sum := 0.0
	for _, v := range x {
		sum += v * v
	}
	norm := max(math.Sqrt(sum), eps)
	for i := range x {
		x[i] /= norm
	}
}

// LargestSingularValue returns the exact spectral norm σ₁ of a matrix m
// (h, w), or of a tensor viewed as (dim 0, the rest): the square root of
// the largest eigenvalue of mᵀm, or of m·mᵀ when that is smaller, computed
// with tensor.SymEig. It is the reference for SpectralNorm's power-iteration
// estimate. It panics with tensor.ErrArgument if m has fewer than 2
// dimensions.
func LargestSingularValue(m *tensor.Tensor) float64 {
	if m.Dims() < 2 {
		panicf(tensor.ErrArgument, "LargestSingularValue", "tensor %s is not a matrix", tensor.FormatShape(m.Shape()))
	}
	mat := tensor.Reshape(m, m.Dim(0), -1)
	var gram *tensor.Tensor
	if mat.Dim(0) < mat.Dim(1) {
		gram = tensor.MatMulT(mat, false, mat, true) // m·mᵀ (h, h)
	} else {
		gram = tensor.MatMulT(mat, true, mat, false) // mᵀm (w, w)
	}
	values, _ := tensor.SymEig(gram)
	return math.Sqrt(max(values.Data()[values.Len()-1], 0))
}

// ---- Layer views ---------------------------------------------------------------------

// weightOf returns the weight of a layer SpectralNorm supports, panicking
// with tensor.ErrArgument for another module.
func weightOf(op string, layer Module) *autograd.Var {
	switch l := layer.(type) {
	case *Linear:
		return l.Weight
	case *Conv2D:
		return l.Weight
	case *ConvTranspose2D:
		return l.Weight
	}
	panicf(tensor.ErrArgument, op, "cannot normalise a %T; want *Linear, *Conv2D or *ConvTranspose2D", layer)
	return nil
}

// transposedKernel reports whether the layer's output units are on the
// weight's dimension 1 (ConvTranspose2D), not 0.
func transposedKernel(layer Module) bool {
	_, ok := layer.(*ConvTranspose2D)
	return ok
}

// matrixSize returns (h, w) of the matrix view of the layer's weight.
func matrixSize(layer Module, w *tensor.Tensor) (h, cols int) {
	h = w.Dim(0)
	if transposedKernel(layer) {
		h = w.Dim(1)
	}
	return h, w.Len() / h
}

// matrixView returns Wₘ (h, w): a reshape of W sharing its storage, or,
// for a transposed convolution, W with dimensions 0 and 1 swapped (a copy).
func matrixView(layer Module, w *tensor.Tensor) *tensor.Tensor {
	h, cols := matrixSize(layer, w)
	if transposedKernel(layer) {
		w = tensor.Permute(w, 1, 0, 2, 3)
	}
	return tensor.Reshape(w, h, cols)
}

// outerLikeWeight returns u·vᵀ (h, w) reshaped, and for a transposed
// convolution permuted back, to W's layout, so that Σ W ⊙ it = uᵀWₘv.
func outerLikeWeight(layer Module, w, u, v *tensor.Tensor) *tensor.Tensor {
	h, cols := matrixSize(layer, w)
	if u.Len() != h || v.Len() != cols {
		panicf(tensor.ErrShape, "SpectralNorm", "u %s and v %s for a weight %s viewed as (%d,%d)",
			tensor.FormatShape(u.Shape()), tensor.FormatShape(v.Shape()), tensor.FormatShape(w.Shape()), h, cols)
	}
	outer := tensor.MatMul(tensor.Reshape(u, h, 1), tensor.Reshape(v, 1, cols)) // (h, w)
	if !transposedKernel(layer) {
		return tensor.Reshape(outer, w.Shape()...)
	}
	ws := w.Shape()
	return tensor.Permute(tensor.Reshape(outer, ws[1], ws[0], ws[2], ws[3]), 1, 0, 2, 3)
}

// withWeight returns a copy of layer that uses w as its weight and shares
// everything else (bias, geometry).
func withWeight(layer Module, w *autograd.Var) Module {
	switch l := layer.(type) {
	case *Linear:
		return &Linear{Weight: w, Bias: l.Bias}
	case *Conv2D:
		return &Conv2D{Weight: w, Bias: l.Bias, Geom: l.Geom}
	case *ConvTranspose2D:
		return &ConvTranspose2D{Weight: w, Bias: l.Bias, Geom: l.Geom}
	}
	panicf(tensor.ErrArgument, "SpectralNorm", "cannot normalise a %T", layer)
	return nil
}

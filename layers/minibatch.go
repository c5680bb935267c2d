package layers

// Shape legend for this file:
//
//	N      batch size; G group size, M = N/G groups
//	F      features of a sample: (F) for dense inputs, (C, H, W) for images
//	A      input features of minibatch discrimination
//	B, K   its number of kernels and the dimension of each (the paper's B, C)
//
// Both layers let the discriminator look at a whole batch rather than one
// sample at a time: a generator that collapses to a few outputs makes
// batches with little variety, which a per-sample discriminator cannot see.

import (
	"math/rand/v2"

	"ganbook/autograd"
	"ganbook/tensor"
)

// ---- MinibatchStdDev -----------------------------------------------------------------

// MinibatchStdDev appends to every sample one feature holding the batch's
// diversity (Karras et al., "Progressive Growing of GANs", arXiv
// 1710.10196, §3, and its official code, minibatch_stddev_layer): for
// every feature and position, the standard deviation across the samples
// of a group, averaged over the features and positions,
//
//	σ_f = √( (1/G)·Σ_g (x_{g,f} − x̄_f)² + ε ),   s = (1/|F|)·Σ_f σ_f,
//
// a biased variance (over G, not G − 1) with ε = 1e-8 inside the root, as
// in the code. The samples are split into groups of GroupSize as ProGAN
// does: sample n = g·M + m belongs to group m (tf.reshape(x, [G, −1, …])),
// and its new feature is its group's s. GroupSize 0, or one at least N,
// takes the whole batch as one group. The paper puts the layer near the end
// of D, before the last convolutions.
//
// x (N, C, H, W) → (N, C + 1, H, W), the new channel constant over the
// image; x (N, F) → (N, F + 1). No parameters. The gradient flows through
// s into every sample of the group.
type MinibatchStdDev struct {
	GroupSize int     // G; 0 means the whole batch
	Eps       float64 // ε inside the square root, 1e-8
}

// NewMinibatchStdDev returns the layer over the whole batch (GroupSize 0)
// with ε = 1e-8. ProGAN's code uses groups of 4: set GroupSize.
func NewMinibatchStdDev() *MinibatchStdDev { return &MinibatchStdDev{Eps: 1e-8} }

// Forward appends the feature. It panics with tensor.ErrShape if x is
// neither (N, F) nor (N, C, H, W), or if N is not a multiple of the group
// size, and with tensor.ErrArgument if GroupSize is negative.
func (l *MinibatchStdDev) Forward(x *autograd.Var) *autograd.Var {
	xs := x.Value.Shape()
	if len(xs) != 2 && len(xs) != 4 {
		panicf(tensor.ErrShape, "MinibatchStdDev", "input %s; want (N,F) or (N,C,H,W)", tensor.FormatShape(xs))
	}
	if l.GroupSize < 0 {
		panicf(tensor.ErrArgument, "MinibatchStdDev", "group size %d", l.GroupSize)
	}
	n := xs[0]
	g := n
	if l.GroupSize > 0 && l.GroupSize < n {
		g = l.GroupSize
	}
	if n%g != 0 {
		panicf(tensor.ErrShape, "MinibatchStdDev", "input %s: batch %d is not a multiple of the group size %d", tensor.FormatShape(xs), n, g)
	}
	m := n / g
	grouped := autograd.Reshape(x, append([]int{g, m}, xs[1:]...)...) // (G, M, F...)
	centred := autograd.Sub(grouped, autograd.MeanKeep(grouped, 0))
	variance := autograd.MeanKeep(autograd.Mul(centred, centred), 0) // (1, M, F...), biased
	std := autograd.Sqrt(autograd.AddScalar(variance, l.Eps))
	featureAxes := make([]int, len(xs)-1)
	for i := range featureAxes {
		featureAxes[i] = i + 2
	}
	s := autograd.MeanKeep(std, featureAxes...) // (1, M, 1...)

	// One value per group, repeated for the G samples of the group and
	// over the image: (G, M, 1, H, W) → (N, 1, H, W), or (G, M, 1) → (N, 1).
	tiled := append([]int{g, m, 1}, xs[2:]...)
	extra := autograd.BroadcastTo(s, tiled...)
	extra = autograd.Reshape(extra, append([]int{n, 1}, xs[2:]...)...)
	return autograd.Concat(1, x, extra)
}

// Parameters returns nil: the layer has none.
func (*MinibatchStdDev) Parameters() []Parameter { return nil }

// ---- MinibatchDiscrimination ------------------------------------------------------------

// MinibatchDiscrimination is the minibatch discrimination layer of
// Salimans et al. ("Improved Techniques for Training GANs", arXiv
// 1606.03498, §3.2): every sample gets B features that measure how close
// it is to the other samples of its batch,
//
//	M_i = x_i·T            (B, K): x_i (A) times T (A, B, K)
//	c_b(i, j) = exp(−‖M_{i,b} − M_{j,b}‖₁)
//	o(x_i)_b = Σ_{j ≠ i} c_b(i, j),
//
// and the output is x_i with o(x_i) appended: x (N, A) → (N, A + B). A
// batch of near-identical samples (a collapsed generator) gets large o.
// The layer should see real and generated samples in separate batches, as
// in the paper's code: call Forward on each. (That code also adds a
// learned bias to o and rescales T from the first batch; neither is done
// here.)
//
// Parameter: "weight" T (A, B, K), drawn from N(0, 0.05²) as in the
// paper's code, which uses B = 100 kernels of K = 5 dimensions
// (MinibatchKernels, MinibatchKernelDims).
type MinibatchDiscrimination struct {
	Weight *autograd.Var // T, (A, B, K)
}

// The sizes of minibatch discrimination in the paper's code: B kernels of
// K dimensions.
const (
	MinibatchKernels    = 100
	MinibatchKernelDims = 5
)

// NewMinibatchDiscrimination returns the layer from in features to kernels
// (B) extra features of dims (K) dimensions each, with T ~ N(0, 0.05²)
// drawn from r. It panics with tensor.ErrArgument if a size is below 1 or
// r is nil.
func NewMinibatchDiscrimination(r *rand.Rand, in, kernels, dims int) *MinibatchDiscrimination {
	const op = "NewMinibatchDiscrimination"
	requirePositive(op, "in", in)
	requirePositive(op, "kernels", kernels)
	requirePositive(op, "dims", dims)
	if r == nil {
		panicf(tensor.ErrArgument, op, "nil *rand.Rand")
	}
	t := tensor.Zeros(in, kernels, dims)
	InitNormal(r, t, 0.05)
	return &MinibatchDiscrimination{Weight: autograd.Param(t)}
}

// Forward returns x with the B closeness features appended. It panics with
// tensor.ErrShape unless x is (N, A).
func (l *MinibatchDiscrimination) Forward(x *autograd.Var) *autograd.Var {
	xs, ts := x.Value.Shape(), l.Weight.Value.Shape()
	if len(xs) != 2 || xs[1] != ts[0] {
		panicf(tensor.ErrShape, "MinibatchDiscrimination", "input %s for weight %s", tensor.FormatShape(xs), tensor.FormatShape(ts))
	}
	n, b, k := xs[0], ts[1], ts[2]
	m := autograd.MatMul(x, autograd.Reshape(l.Weight, ts[0], b*k)) // (N, B·K)
	m = autograd.Reshape(m, n, b, k)
	diff := autograd.Sub(autograd.Reshape(m, n, 1, b, k), autograd.Reshape(m, 1, n, b, k)) // (N, N, B, K): M_i − M_j
	closeness := autograd.Exp(autograd.Neg(autograd.Sum(autograd.Abs(diff), 3)))           // (N, N, B): c_b(i, j)
	others := tensor.Sub(tensor.Ones(n, n, 1), tensor.Reshape(tensor.Eye(n), n, n, 1))     // 1 − δ_ij
	o := autograd.Sum(autograd.Mul(closeness, autograd.Const(others)), 1)                  // (N, B): Σ_{j≠i}
	return autograd.Concat(1, x, o)
}

// Parameters returns "weight" (T).
func (l *MinibatchDiscrimination) Parameters() []Parameter {
	return []Parameter{{Name: "weight", Var: l.Weight}}
}

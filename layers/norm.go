package layers

import (
	"slices"

	"ganbook/autograd"
	"ganbook/tensor"
)

// ---- BatchNorm ------------------------------------------------------------------

// BatchNorm is batch normalisation (Ioffe and Szegedy, arXiv 1502.03167).
// Each feature (or channel) is normalised with a mean μ and variance σ²,
// then scaled and shifted by learned γ and β:
//
//	y = γ·(x − μ)/√(σ² + ε) + β.
//
// It accepts (N, F) inputs, normalising each of the F features over the
// batch, and (N, C, H, W) inputs, normalising each of the C channels over
// the batch and all pixels; F or C must equal the number of features it
// was built for.
//
// In training mode (the default) μ and σ² are the mean and the biased
// variance (1/n)·Σ(x − μ)² of the current batch, n values per feature, and
// the gradient flows through them. Each training forward pass also updates
// the running statistics, outside the graph:
//
//	running_mean ← (1 − m)·running_mean + m·μ
//	running_var  ← (1 − m)·running_var  + m·σ²·n/(n − 1)
//
// with momentum m. Like PyTorch, the running variance uses the unbiased
// batch variance while the normalisation uses the biased one. In
// evaluation mode (SetTraining(false)) μ and σ² are the running statistics
// and nothing is updated.
//
// Parameters: "weight" γ (F), initially 1, and "bias" β (F), initially 0.
// Buffers: "running_mean" (F), initially 0, and "running_var" (F),
// initially 1. (PyTorch also keeps a batch counter, num_batches_tracked,
// which matters only without a momentum; there is none here.)
type BatchNorm struct {
	Weight      *autograd.Var  // γ, (F)
	Bias        *autograd.Var  // β, (F)
	RunningMean *tensor.Tensor // (F), updated in place
	RunningVar  *tensor.Tensor // (F), updated in place
	Momentum    float64        // m, 0.1 by default
	Eps         float64        // ε, 1e-5 by default

	eval bool // evaluation mode; the zero value trains
}

// NewBatchNorm returns batch normalisation for the given number of
// features or channels, with γ = 1, β = 0, momentum 0.1 and ε = 1e-5, in
// training mode. It panics with tensor.ErrArgument if features is below 1.
func NewBatchNorm(features int) *BatchNorm {
	requirePositive("NewBatchNorm", "features", features)
	return &BatchNorm{
		Weight:      autograd.Param(tensor.Ones(features)),
		Bias:        autograd.Param(tensor.Zeros(features)),
		RunningMean: tensor.Zeros(features),
		RunningVar:  tensor.Ones(features),
		Momentum:    0.1,
		Eps:         1e-5,
	}
}

// Forward normalises x (N, F) or (N, C, H, W); see BatchNorm for the math.
// It panics with tensor.ErrShape if x is neither, if its dimension 1 is
// not the number of features, or if in training mode a feature has a
// single value (n = 1), whose variance is undefined.
func (b *BatchNorm) Forward(x *autograd.Var) *autograd.Var {
	paramShape, n := b.layout(x)
	if !b.eval {
		y, mean, variance := autograd.BatchNorm(x, b.Weight, b.Bias, b.Eps)
		b.updateRunning(mean, variance, n)
		return y
	}
	// Evaluation: a fixed affine map of x with the running statistics.
	gamma := autograd.Reshape(b.Weight, paramShape...) // (1, F) or (1, C, 1, 1)
	beta := autograd.Reshape(b.Bias, paramShape...)
	mean := autograd.Const(tensor.Reshape(b.RunningMean, paramShape...))
	variance := autograd.Const(tensor.Reshape(b.RunningVar, paramShape...))
	scale := autograd.Mul(gamma, autograd.Pow(autograd.AddScalar(variance, b.Eps), -0.5))
	return autograd.Add(autograd.Mul(autograd.Sub(x, mean), scale), beta)
}

// layout returns the shape the (F) parameters take to broadcast against
// x and the number of values per feature; it panics on a shape BatchNorm
// does not accept.
func (b *BatchNorm) layout(x *autograd.Var) (paramShape []int, n int) {
	xs := x.Value.Shape()
	features := b.Weight.Value.Len()
	switch {
	case len(xs) == 2 && xs[1] == features:
		paramShape = []int{1, features}
	case len(xs) == 4 && xs[1] == features:
		paramShape = []int{1, features, 1, 1}
	default:
		panicf(tensor.ErrShape, "BatchNorm", "input %s for %d features; want (N,%d) or (N,%d,H,W)",
			tensor.FormatShape(xs), features, features, features)
	}
	n = x.Value.Len() / features
	if !b.eval && n < 2 {
		panicf(tensor.ErrShape, "BatchNorm", "input %s has one value per feature; training needs at least 2", tensor.FormatShape(xs))
	}
	return paramShape, n
}

// updateRunning folds the batch statistics into the running ones, in
// place, with plain arithmetic on values: nothing is recorded in the
// graph. mean and variance hold one biased statistic per feature, each
// over n values.
func (b *BatchNorm) updateRunning(mean, variance *tensor.Tensor, n int) {
	m := b.Momentum
	unbiased := float64(n) / float64(n-1)
	rm, rv := b.RunningMean.Data(), b.RunningVar.Data()
	mu, v := mean.Data(), variance.Data()
	for f := range rm {
		rm[f] = (1-m)*rm[f] + m*mu[f]
		rv[f] = (1-m)*rv[f] + m*v[f]*unbiased
	}
}

// Parameters returns "weight" (γ) and "bias" (β).
func (b *BatchNorm) Parameters() []Parameter { return weightAndBias(b.Weight, b.Bias) }

// Buffers returns "running_mean" and "running_var". The tensors are the
// ones Forward updates, so loading values into them restores the state.
func (b *BatchNorm) Buffers() []Buffer {
	return []Buffer{{Name: "running_mean", Tensor: b.RunningMean}, {Name: "running_var", Tensor: b.RunningVar}}
}

// SetTraining selects batch statistics (true) or running statistics
// (false).
func (b *BatchNorm) SetTraining(training bool) { b.eval = !training }

// ---- LayerNorm --------------------------------------------------------------------

// LayerNorm is layer normalisation (Ba, Kiros and Hinton, arXiv
// 1607.06450): each sample is normalised over its last dimensions, those
// of the normalised shape S, and then scaled and shifted element-wise:
//
//	y = γ ⊙ (x − μ)/√(σ² + ε) + β,
//
// where μ and σ² are the mean and biased variance of the values of x in
// the last len(S) dimensions, computed for every leading index, and γ, β
// have shape S. x (..., S) → y of the same shape. Unlike batch norm it
// does not depend on the other samples, so training and evaluation agree.
// Parameters: "weight" γ (S), initially 1, and "bias" β (S), initially 0.
type LayerNorm struct {
	Weight *autograd.Var // γ, shape S
	Bias   *autograd.Var // β, shape S
	Shape  []int         // S, the normalised trailing shape
	Eps    float64       // ε, 1e-5 by default
}

// NewLayerNorm returns layer normalisation over trailing dimensions of the
// given shape (PyTorch's normalized_shape), with ε = 1e-5. It panics with
// tensor.ErrArgument if the shape is empty or has a size below 1.
func NewLayerNorm(shape ...int) *LayerNorm {
	if len(shape) == 0 {
		panicf(tensor.ErrArgument, "NewLayerNorm", "empty normalised shape")
	}
	for _, d := range shape {
		requirePositive("NewLayerNorm", "dimension", d)
	}
	return &LayerNorm{
		Weight: autograd.Param(tensor.Ones(shape...)),
		Bias:   autograd.Param(tensor.Zeros(shape...)),
		Shape:  slices.Clone(shape),
		Eps:    1e-5,
	}
}

// Forward normalises x over its trailing dimensions. It panics with
// tensor.ErrShape unless x's shape ends with the normalised shape.
func (l *LayerNorm) Forward(x *autograd.Var) *autograd.Var {
	xs := x.Value.Shape()
	k := len(l.Shape)
	if len(xs) < k || !slices.Equal(xs[len(xs)-k:], l.Shape) {
		panicf(tensor.ErrShape, "LayerNorm", "input %s does not end with %s", tensor.FormatShape(xs), tensor.FormatShape(l.Shape))
	}
	axes := make([]int, k)
	for i := range axes {
		axes[i] = len(xs) - k + i
	}
	mean := autograd.MeanKeep(x, axes...)
	centred := autograd.Sub(x, mean)
	variance := autograd.MeanKeep(autograd.Mul(centred, centred), axes...)
	invStd := autograd.Pow(autograd.AddScalar(variance, l.Eps), -0.5) // (…, 1, …, 1): one per sample
	normalised := autograd.Mul(centred, invStd)
	return autograd.Add(autograd.Mul(normalised, l.Weight), l.Bias) // γ, β broadcast over leading dims
}

// Parameters returns "weight" (γ) and "bias" (β).
func (l *LayerNorm) Parameters() []Parameter { return weightAndBias(l.Weight, l.Bias) }

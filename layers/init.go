package layers

import (
	"math"
	"math/rand/v2"

	"ganbook/autograd"
	"ganbook/tensor"
)

// ---- Fans ----------------------------------------------------------------------
//
// Every scheme below scales the random weights by the number of inputs
// (fan_in) or outputs (fan_out) a unit is connected to, so that the
// variance of the activations, or of the gradients, stays about the same
// from layer to layer. They are read off the weight's shape as PyTorch
// reads them: for a weight (d₀, d₁, k...) with receptive field
// r = Π k (1 for a matrix),
//
//	fan_in = d₁·r,   fan_out = d₀·r.
//
// That is right for Linear (out, in) and Conv2D (out, in, kh, kw). For a
// ConvTranspose2D weight (in, out, kh, kw) it gives fan_in = out·kh·kw,
// which is what PyTorch computes too, so initial values compare.

// fans returns fan_in and fan_out of a weight tensor. It panics with
// tensor.ErrArgument if w has fewer than 2 dimensions or no elements.
func fans(op string, w *tensor.Tensor) (fanIn, fanOut int) {
	shape := w.Shape()
	if len(shape) < 2 || w.Len() == 0 {
		panicf(tensor.ErrArgument, op, "weight %s needs at least 2 non-empty dimensions", tensor.FormatShape(shape))
	}
	receptive := 1
	for _, k := range shape[2:] {
		receptive *= k
	}
	return shape[1] * receptive, shape[0] * receptive
}

// ---- Schemes that fill a tensor ------------------------------------------------

// InitNormal fills t with independent samples of N(0, std²) drawn from r.
// DCGAN (arXiv 1511.06434) initialises all its weights with std = 0.02.
// It panics with tensor.ErrArgument if std is negative.
func InitNormal(r *rand.Rand, t *tensor.Tensor, std float64) {
	if std < 0 {
		panicf(tensor.ErrArgument, "InitNormal", "negative standard deviation %g", std)
	}
	fillNormal(r, t, std)
}

// InitKaimingUniform fills t with samples of U(−bound, bound),
//
//	bound = gain·√(3/fan_in),   gain = √(2 / (1 + slope²)),
//
// so that the standard deviation is gain/√fan_in: He et al.'s
// initialisation (arXiv 1502.01852, eq. 10, generalised to leaky
// rectifiers), which keeps the variance of the activations constant
// through layers followed by a LeakyReLU of that slope. Pass slope 0 for a
// ReLU. PyTorch's default for Linear and convolutions is slope √5, which
// gives bound = 1/√fan_in. It panics with tensor.ErrArgument if t has
// fewer than 2 dimensions.
func InitKaimingUniform(r *rand.Rand, t *tensor.Tensor, slope float64) {
	fanIn, _ := fans("InitKaimingUniform", t)
	fillUniform(r, t, kaimingGain(slope)*math.Sqrt(3/float64(fanIn)))
}

// InitKaimingNormal fills t with samples of N(0, std²), std = gain/√fan_in,
// gain = √(2 / (1 + slope²)) (He et al., arXiv 1502.01852; slope 0 for a
// ReLU). It panics with tensor.ErrArgument if t has fewer than 2
// dimensions.
func InitKaimingNormal(r *rand.Rand, t *tensor.Tensor, slope float64) {
	fanIn, _ := fans("InitKaimingNormal", t)
	fillNormal(r, t, kaimingGain(slope)/math.Sqrt(float64(fanIn)))
}

// kaimingGain is the gain √(2 / (1 + a²)) of a leaky rectifier with
// negative slope a: the factor that makes up for the part of the variance
// the rectifier removes (half of it for a ReLU, a = 0).
func kaimingGain(slope float64) float64 { return math.Sqrt(2 / (1 + slope*slope)) }

// InitXavierUniform fills t with samples of U(−bound, bound),
//
//	bound = gain·√(6 / (fan_in + fan_out)),
//
// Glorot and Bengio's initialisation (AISTATS 2010, eq. 16), a compromise
// between keeping the forward and the backward variance constant. Use
// gain 1 for linear or tanh units. It panics with tensor.ErrArgument if t
// has fewer than 2 dimensions.
func InitXavierUniform(r *rand.Rand, t *tensor.Tensor, gain float64) {
	fanIn, fanOut := fans("InitXavierUniform", t)
	fillUniform(r, t, gain*math.Sqrt(6/float64(fanIn+fanOut)))
}

// InitXavierNormal fills t with samples of N(0, std²),
// std = gain·√(2 / (fan_in + fan_out)) (Glorot and Bengio 2010). It panics
// with tensor.ErrArgument if t has fewer than 2 dimensions.
func InitXavierNormal(r *rand.Rand, t *tensor.Tensor, gain float64) {
	fanIn, fanOut := fans("InitXavierNormal", t)
	fillNormal(r, t, gain*math.Sqrt(2/float64(fanIn+fanOut)))
}

// InitOrthogonal fills t with gain times a random orthogonal matrix, as
// Saxe et al. recommend for deep networks (arXiv 1312.6120). t is viewed
// as a matrix W of t.Dim(0) rows and t.Len()/t.Dim(0) columns; for a tall
// W the columns are orthonormal, WᵀW = gain²·I, for a wide W the rows are,
// WWᵀ = gain²·I.
//
// The matrix is the Q factor of a matrix of standard normal samples,
// computed by Gram–Schmidt. Gram–Schmidt makes every diagonal entry of R
// positive, which is the sign convention under which Q is uniformly
// distributed over orthogonal matrices (Mezzadri, arXiv math-ph/0609050);
// Householder-based QR needs an explicit sign correction to get there.
// It panics with tensor.ErrArgument if t has fewer than 2 dimensions.
func InitOrthogonal(r *rand.Rand, t *tensor.Tensor, gain float64) {
	if t.Dims() < 2 || t.Len() == 0 {
		panicf(tensor.ErrArgument, "InitOrthogonal", "weight %s needs at least 2 non-empty dimensions", tensor.FormatShape(t.Shape()))
	}
	rows := t.Dim(0)
	cols := t.Len() / rows
	tall, short := max(rows, cols), min(rows, cols)
	q := orthonormalColumns(r, tall, short) // short columns of length tall
	data := t.Data()
	for i := range rows {
		for j := range cols {
			if rows >= cols {
				data[i*cols+j] = gain * q[j][i] // W = Q
			} else {
				data[i*cols+j] = gain * q[i][j] // W = Qᵀ
			}
		}
	}
}

// orthonormalColumns returns n orthonormal vectors of length m ≥ n: the
// Gram–Schmidt orthonormalisation of n standard normal vectors.
func orthonormalColumns(r *rand.Rand, m, n int) [][]float64 {
	q := make([][]float64, n)
	for j := range q {
		v := make([]float64, m)
		for i := range v {
			v[i] = r.NormFloat64()
		}
		// Remove the components along the columns already made. One pass
		// leaves rounding errors of the order of the condition number
		// times machine epsilon; a second pass brings them down to
		// machine precision ("twice is enough").
		for range 2 {
			for _, u := range q[:j] {
				c := dot(u, v)
				for i := range v {
					v[i] -= c * u[i]
				}
			}
		}
		norm := math.Sqrt(dot(v, v)) // R[j][j] > 0
		for i := range v {
			v[i] /= norm
		}
		q[j] = v
	}
	return q
}

func dot(a, b []float64) float64 {
	s := 0.0
	for i, v := range a {
		s += v * b[i]
	}
	return s
}

func fillNormal(r *rand.Rand, t *tensor.Tensor, std float64) {
	data := t.Data()
	for i := range data {
		data[i] = std * r.NormFloat64()
	}
}

// fillUniform fills t with samples of U(−bound, bound).
func fillUniform(r *rand.Rand, t *tensor.Tensor, bound float64) {
	data := t.Data()
	for i := range data {
		data[i] = bound * (2*r.Float64() - 1)
	}
}

// ---- Schemes as values, for constructors -----------------------------------

// Initializer fills a freshly made weight tensor with values drawn from r.
// WithInit takes one; Normal, KaimingUniform, KaimingNormal, XavierUniform,
// XavierNormal and Orthogonal make them from the Init functions above.
type Initializer func(r *rand.Rand, w *tensor.Tensor)

// Normal returns the Initializer of InitNormal with the given std.
func Normal(std float64) Initializer {
	return func(r *rand.Rand, w *tensor.Tensor) { InitNormal(r, w, std) }
}

// KaimingUniform returns the Initializer of InitKaimingUniform.
func KaimingUniform(slope float64) Initializer {
	return func(r *rand.Rand, w *tensor.Tensor) { InitKaimingUniform(r, w, slope) }
}

// KaimingNormal returns the Initializer of InitKaimingNormal.
func KaimingNormal(slope float64) Initializer {
	return func(r *rand.Rand, w *tensor.Tensor) { InitKaimingNormal(r, w, slope) }
}

// XavierUniform returns the Initializer of InitXavierUniform.
func XavierUniform(gain float64) Initializer {
	return func(r *rand.Rand, w *tensor.Tensor) { InitXavierUniform(r, w, gain) }
}

// XavierNormal returns the Initializer of InitXavierNormal.
func XavierNormal(gain float64) Initializer {
	return func(r *rand.Rand, w *tensor.Tensor) { InitXavierNormal(r, w, gain) }
}

// Orthogonal returns the Initializer of InitOrthogonal.
func Orthogonal(gain float64) Initializer {
	return func(r *rand.Rand, w *tensor.Tensor) { InitOrthogonal(r, w, gain) }
}

// ---- Constructor options --------------------------------------------------------

// Option adjusts how NewLinear, NewConv2D, NewConvTranspose2D and
// NewMaxout make their parameters.
type Option func(*config)

type config struct {
	init   Initializer // nil means PyTorch's default
	noBias bool
}

// WithInit initialises the weight with init instead of PyTorch's default,
// and the bias with zeros.
func WithInit(init Initializer) Option { return func(c *config) { c.init = init } }

// WithoutBias leaves the bias out: the layer computes x·Wᵀ (or the
// convolution) alone and has a single parameter, "weight". Layers followed
// by batch normalisation do not need a bias, since the normalisation
// subtracts it again.
func WithoutBias() Option { return func(c *config) { c.noBias = true } }

// newWeightAndBias makes a weight of the given shape and, unless the
// options leave it out, a bias of length biasLen (nil otherwise), both
// drawn from r in that order.
//
// By default both follow PyTorch: the weight is Kaiming-uniform with slope
// √5 and the bias uniform on the same ±1/√fan_in (fan_in of the weight).
// With WithInit the weight comes from the given scheme and the bias is 0.
func newWeightAndBias(op string, r *rand.Rand, opts []Option, weightShape []int, biasLen int) (weight, bias *autograd.Var) {
	if r == nil {
		panicf(tensor.ErrArgument, op, "nil *rand.Rand")
	}
	var c config
	for _, opt := range opts {
		opt(&c)
	}
	w := tensor.Zeros(weightShape...)
	fanIn, _ := fans(op, w)
	if c.init == nil {
		InitKaimingUniform(r, w, math.Sqrt(5))
	} else {
		c.init(r, w)
	}
	if c.noBias {
		return autograd.Param(w), nil
	}
	b := tensor.Zeros(biasLen)
	if c.init == nil {
		fillUniform(r, b, 1/math.Sqrt(float64(fanIn)))
	}
	return autograd.Param(w), autograd.Param(b)
}

// requirePositive panics with tensor.ErrArgument, naming op and the
// argument, unless size is at least 1.
func requirePositive(op, name string, size int) {
	if size < 1 {
		panicf(tensor.ErrArgument, op, "%s %d: must be positive", name, size)
	}
}

// weightAndBias lists a layer's parameters: "weight", then "bias" if the
// layer has one.
func weightAndBias(weight, bias *autograd.Var) []Parameter {
	ps := []Parameter{{Name: "weight", Var: weight}}
	if bias != nil {
		ps = append(ps, Parameter{Name: "bias", Var: bias})
	}
	return ps
}

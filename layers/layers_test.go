package layers_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"ganbook/autograd"
	"ganbook/layers"
	"ganbook/tensor"
)

// ---- Helpers -------------------------------------------------------------------------

// requirePanicsWith fails unless f panics with an error that wraps kind
// and reads exactly message.
func requirePanicsWith(t *testing.T, kind error, message string, f func()) {
	t.Helper()
	defer func() {
		err, ok := recover().(error)
		require.True(t, ok, "want a panic with an error value")
		assert.ErrorIs(t, err, kind)
		assert.EqualError(t, err, message)
	}()
	f()
}

// forward runs m on a constant input.
func forward(m layers.Module, x *tensor.Tensor) *tensor.Tensor {
	return m.Forward(autograd.Const(x)).Value
}

// assertTensor checks shape and values of got against want.
func assertTensor(t *testing.T, want []float64, wantShape []int, got *tensor.Tensor, delta float64) {
	t.Helper()
	require.Equal(t, wantShape, got.Shape())
	require.Len(t, got.Data(), len(want))
	assert.InDeltaSlice(t, want, got.Data(), delta)
}

// names lists the parameter names of m.
func names(m layers.Module) []string {
	var out []string
	for _, p := range m.Parameters() {
		out = append(out, p.Name)
	}
	return out
}

// ---- Naive reference convolutions ----------------------------------------------------

// naiveConv2D evaluates Conv2D's definition one output element at a time:
// y[n,o,i,j] = b[o] + Σ_{c,u,v} W[o,c,u,v]·x[n, c, i·S − P + u, j·S − P + v],
// skipping the terms that read padding. A nil b means no bias.
func naiveConv2D(x, w, b *tensor.Tensor, stride, pad int) *tensor.Tensor {
	n, c, h, wd := x.Dim(0), x.Dim(1), x.Dim(2), x.Dim(3)
	o, k := w.Dim(0), w.Dim(2)
	oh, ow := (h+2*pad-k)/stride+1, (wd+2*pad-k)/stride+1
	y := tensor.Zeros(n, o, oh, ow)
	for s := range n {
		for f := range o {
			for i := range oh {
				for j := range ow {
					sum := 0.0
					if b != nil {
						sum = b.At(f)
					}
					for ch := range c {
						for u := range k {
							for v := range k {
								row, col := i*stride-pad+u, j*stride-pad+v
								if row >= 0 && row < h && col >= 0 && col < wd {
									sum += w.At(f, ch, u, v) * x.At(s, ch, row, col)
								}
							}
						}
					}
					y.Set(sum, s, f, i, j)
				}
			}
		}
	}
	return y
}

// naiveConvTranspose2D evaluates the scatter definition: every input
// pixel x[n,c,i,j] adds W[c,o,u,v]·x[n,c,i,j] to output pixel
// (i·S − P + u, j·S − P + v) of channel o, when that pixel exists; then the
// bias is added. W is (C, O, K, K); a nil b means no bias.
func naiveConvTranspose2D(x, w, b *tensor.Tensor, stride, pad int) *tensor.Tensor {
	n, c, h, wd := x.Dim(0), x.Dim(1), x.Dim(2), x.Dim(3)
	o, k := w.Dim(1), w.Dim(2)
	oh, ow := (h-1)*stride-2*pad+k, (wd-1)*stride-2*pad+k
	y := tensor.Zeros(n, o, oh, ow)
	for s := range n {
		for ch := range c {
			for i := range h {
				for j := range wd {
					for f := range o {
						for u := range k {
							for v := range k {
								row, col := i*stride-pad+u, j*stride-pad+v
								if row >= 0 && row < oh && col >= 0 && col < ow {
									y.Set(y.At(s, f, row, col)+w.At(ch, f, u, v)*x.At(s, ch, i, j), s, f, row, col)
								}
							}
						}
					}
				}
			}
		}
	}
	if b != nil {
		for s := range n {
			for f := range o {
				for row := range oh {
					for col := range ow {
						y.Set(y.At(s, f, row, col)+b.At(f), s, f, row, col)
					}
				}
			}
		}
	}
	return y
}

// ---- Linear -----------------------------------------------------------------------

func TestLinearKnownValues(t *testing.T) {
	l := layers.NewLinear(rand.New(rand.NewPCG(1, 0)), 2, 3)
	l.Weight.Value.CopyFrom(tensor.FromRows([][]float64{{1, 2}, {3, 4}, {5, 6}}))
	l.Bias.Value.CopyFrom(tensor.New([]float64{0.5, -1, 2}, 3))
	x := tensor.FromRows([][]float64{{1, -1}, {2, 0.5}})

	// By hand: row (1, −1) gives (1−2+0.5, 3−4−1, 5−6+2) = (−0.5, −2, 1);
	// row (2, 0.5) gives (2+1+0.5, 6+2−1, 10+3+2) = (3.5, 7, 15).
	assertTensor(t, []float64{-0.5, -2, 1, 3.5, 7, 15}, []int{2, 3}, forward(l, x), 1e-12)

	t.Run("without bias", func(t *testing.T) {
		l.Bias = nil
		assertTensor(t, []float64{-1, -1, -1, 3, 8, 13}, []int{2, 3}, forward(l, x), 1e-12)
	})
}

func TestLinearGradients(t *testing.T) {
	// For L = Σ y with y = x·Wᵀ + b: ∂L/∂W[o,i] = Σₙ x[n,i] (the column
	// sums of x, the same for every o) and ∂L/∂b[o] = N.
	l := layers.NewLinear(rand.New(rand.NewPCG(1, 0)), 2, 3)
	x := tensor.FromRows([][]float64{{1, -1}, {2, 0.5}})
	autograd.Sum(l.Forward(autograd.Const(x))).Backward()
	assertTensor(t, []float64{3, -0.5, 3, -0.5, 3, -0.5}, []int{3, 2}, l.Weight.Grad, 1e-12)
	assertTensor(t, []float64{2, 2, 2}, []int{3}, l.Bias.Grad, 1e-12)
}

// ---- Convolutions --------------------------------------------------------------------

func TestConv2DKnownValues(t *testing.T) {
	// A 2×2 kernel of ones sums each 2×2 window of the image 1…9:
	// 1+2+4+5 = 12, 2+3+5+6 = 16, 4+5+7+8 = 24, 5+6+8+9 = 28; plus bias 1.
	c := layers.NewConv2D(rand.New(rand.NewPCG(1, 0)), 1, 1, 2, 1, 0)
	c.Weight.Value.Fill(1)
	c.Bias.Value.Fill(1)
	x := tensor.New([]float64{1, 2, 3, 4, 5, 6, 7, 8, 9}, 1, 1, 3, 3)
	assertTensor(t, []float64{13, 17, 25, 29}, []int{1, 1, 2, 2}, forward(c, x), 1e-12)
}

// convCases are geometries for comparisons with the naive definitions.
var convCases = []struct {
	name                         string
	in, out, kernel, stride, pad int
	h, w                         int
}{
	{"kernel 3 stride 1 padding 0", 2, 3, 3, 1, 0, 5, 6},
	{"kernel 4 stride 2 padding 1", 3, 2, 4, 2, 1, 6, 6},
	{"kernel 3 stride 2 padding 1, odd size", 2, 2, 3, 2, 1, 7, 5},
	{"kernel 5 stride 3 padding 2", 1, 2, 5, 3, 2, 8, 7},
	{"kernel 1", 3, 4, 1, 1, 0, 3, 3},
}

func TestConv2DMatchesDirectLoop(t *testing.T) {
	r := rand.New(rand.NewPCG(2, 0))
	for _, tc := range convCases {
		t.Run(tc.name, func(t *testing.T) {
			c := layers.NewConv2D(r, tc.in, tc.out, tc.kernel, tc.stride, tc.pad)
			x := tensor.RandN(r, 2, tc.in, tc.h, tc.w)
			want := naiveConv2D(x, c.Weight.Value, c.Bias.Value, tc.stride, tc.pad)
			assertTensor(t, want.Data(), want.Shape(), forward(c, x), 1e-12)
		})
	}
}

func TestConvTranspose2DKnownValues(t *testing.T) {
	// With stride 2 and a 2×2 kernel the copies do not overlap: the input
	// (1, 2) lays down 1·K and 2·K side by side.
	c := layers.NewConvTranspose2D(rand.New(rand.NewPCG(1, 0)), 1, 1, 2, 2, 0, layers.WithoutBias())
	c.Weight.Value.CopyFrom(tensor.New([]float64{1, 2, 3, 4}, 1, 1, 2, 2))
	x := tensor.New([]float64{1, 2}, 1, 1, 1, 2)
	assertTensor(t, []float64{1, 2, 2, 4, 3, 4, 6, 8}, []int{1, 1, 2, 4}, forward(c, x), 1e-12)
}

func TestConvTranspose2DMatchesScatter(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 0))
	for _, tc := range convCases {
		t.Run(tc.name, func(t *testing.T) {
			c := layers.NewConvTranspose2D(r, tc.in, tc.out, tc.kernel, tc.stride, tc.pad)
			x := tensor.RandN(r, 2, tc.in, tc.h, tc.w)
			want := naiveConvTranspose2D(x, c.Weight.Value, c.Bias.Value, tc.stride, tc.pad)
			assertTensor(t, want.Data(), want.Shape(), forward(c, x), 1e-12)
		})
	}
}

func TestConvTranspose2DIsAdjointOfConv2D(t *testing.T) {
	// With one weight tensor W (O, C, K, K) and no biases, conv maps C to O
	// channels and convT maps O back to C, and ⟨conv(x), y⟩ = ⟨x, convT(y)⟩
	// for every x and y. Input sizes are chosen so that convT(conv(x)) has
	// x's size: (H + 2P − K) divisible by S.
	r := rand.New(rand.NewPCG(4, 0))
	tests := []struct {
		name                         string
		in, out, kernel, stride, pad int
		h, w                         int
	}{
		{"kernel 4 stride 2 padding 1", 3, 2, 4, 2, 1, 6, 8},
		{"kernel 3 stride 1 padding 1", 2, 3, 3, 1, 1, 5, 4},
		{"kernel 3 stride 3 padding 0", 2, 2, 3, 3, 0, 9, 6},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			conv := layers.NewConv2D(r, tc.in, tc.out, tc.kernel, tc.stride, tc.pad, layers.WithoutBias())
			convT := layers.NewConvTranspose2D(r, tc.out, tc.in, tc.kernel, tc.stride, tc.pad, layers.WithoutBias())
			convT.Weight = conv.Weight

			x := tensor.RandN(r, 2, tc.in, tc.h, tc.w)
			cx := forward(conv, x)
			y := tensor.RandN(r, cx.Shape()...)
			ty := forward(convT, y)
			require.Equal(t, x.Shape(), ty.Shape())

			lhs := tensor.Sum(tensor.Mul(cx, y)).Item()
			rhs := tensor.Sum(tensor.Mul(x, ty)).Item()
			assert.InDelta(t, lhs, rhs, 1e-10*math.Max(1, math.Abs(lhs)))
		})
	}
}

func TestConvOutputShapes(t *testing.T) {
	// The DCGAN shapes: a 4×4 kernel with stride 2 and padding 1 halves
	// 28 to 14 ((28 + 2 − 4)/2 + 1 = 14), and the transposed convolution
	// doubles 14 back to 28 ((14 − 1)·2 − 2 + 4 = 28).
	r := rand.New(rand.NewPCG(5, 0))
	conv := layers.NewConv2D(r, 1, 8, 4, 2, 1)
	convT := layers.NewConvTranspose2D(r, 8, 1, 4, 2, 1)
	y := forward(conv, tensor.Zeros(2, 1, 28, 28))
	assert.Equal(t, []int{2, 8, 14, 14}, y.Shape())
	assert.Equal(t, []int{2, 1, 28, 28}, forward(convT, y).Shape())
}

// ---- Normalisation ---------------------------------------------------------------------

func TestBatchNormTrainingNormalises(t *testing.T) {
	// With γ = 1 and β = 0 the output of every feature has mean 0 and
	// biased variance σ²/(σ² + ε), which is 1 up to ε/σ².
	r := rand.New(rand.NewPCG(6, 0))
	tests := []struct {
		name string
		x    *tensor.Tensor
		axes []int
	}{
		{"features (N,F)", tensor.Add(tensor.Mul(tensor.RandN(r, 16, 3), tensor.New([]float64{1, 5, 0.3}, 3)), tensor.New([]float64{2, -3, 0}, 3)), []int{0}},
		{"channels (N,C,H,W)", tensor.Add(tensor.Scale(tensor.RandN(r, 4, 2, 3, 3), 4), tensor.Full(7, 4, 2, 3, 3)), []int{0, 2, 3}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			bn := layers.NewBatchNorm(tc.x.Dim(1))
			y := forward(bn, tc.x)
			require.Equal(t, tc.x.Shape(), y.Shape())
			mean := tensor.MeanKeep(y, tc.axes...)
			variance := tensor.VarianceKeep(y, tc.axes...)
			for f := range tc.x.Dim(1) {
				assert.InDelta(t, 0, mean.Data()[f], 1e-12, "mean of feature %d", f)
				assert.InDelta(t, 1, variance.Data()[f], 1e-3, "variance of feature %d", f)
			}
		})
	}
}

func TestBatchNormRunningStatistics(t *testing.T) {
	// Feature 0 of the batch is (1, 2, 3, 6): mean 3, squared deviations
	// 4 + 1 + 0 + 9 = 14, unbiased variance 14/3. Feature 1 is (0, 0, 2, 2):
	// mean 1, unbiased variance 4/3. After one step with momentum 0.1 from
	// (0, 1): running_mean = 0.1·mean, running_var = 0.9 + 0.1·var.
	bn := layers.NewBatchNorm(2)
	buffers := bn.Buffers()
	x := tensor.FromRows([][]float64{{1, 0}, {2, 0}, {3, 2}, {6, 2}})
	forward(bn, x)
	assert.InDeltaSlice(t, []float64{0.3, 0.1}, bn.RunningMean.Data(), 1e-12)
	assert.InDeltaSlice(t, []float64{0.9 + 0.1*14.0/3, 0.9 + 0.1*4.0/3}, bn.RunningVar.Data(), 1e-12)

	// The buffers are updated in place: a checkpoint that loaded values
	// into the tensors Buffers returned has loaded them into the layer.
	require.Len(t, buffers, 2)
	assert.Equal(t, "running_mean", buffers[0].Name)
	assert.Equal(t, "running_var", buffers[1].Name)
	assert.Same(t, bn.RunningMean, buffers[0].Tensor)
	assert.Same(t, bn.RunningVar, buffers[1].Tensor)

	t.Run("a second step", func(t *testing.T) {
		forward(bn, x) // running ← 0.9·running + 0.1·batch again
		assert.InDelta(t, 0.9*0.3+0.3, bn.RunningMean.Data()[0], 1e-12)
		assert.InDelta(t, 0.9*(0.9+0.1*14.0/3)+0.1*14.0/3, bn.RunningVar.Data()[0], 1e-12)
	})
}

func TestBatchNormEvaluationUsesRunningStatistics(t *testing.T) {
	bn := layers.NewBatchNorm(2)
	bn.RunningMean.CopyFrom(tensor.New([]float64{1, -2}, 2))
	bn.RunningVar.CopyFrom(tensor.New([]float64{4, 0.25}, 2))
	bn.Weight.Value.CopyFrom(tensor.New([]float64{2, 1}, 2))
	bn.Bias.Value.CopyFrom(tensor.New([]float64{0, 10}, 2))
	bn.SetTraining(false)

	// A single sample is fine in evaluation. By hand, with ε = 1e-5:
	// feature 0: 2·(3 − 1)/√(4 + ε), feature 1: (−1 + 2)/√(0.25 + ε) + 10.
	y := forward(bn, tensor.FromRows([][]float64{{3, -1}}))
	want := []float64{2 * 2 / math.Sqrt(4+1e-5), 1/math.Sqrt(0.25+1e-5) + 10}
	assertTensor(t, want, []int{1, 2}, y, 1e-12)

	// Evaluation leaves the running statistics alone.
	assert.Equal(t, []float64{1, -2}, bn.RunningMean.Data())
	assert.Equal(t, []float64{4, 0.25}, bn.RunningVar.Data())

	t.Run("back to training", func(t *testing.T) {
		bn.SetTraining(true)
		forward(bn, tensor.FromRows([][]float64{{3, -1}, {5, -1}}))
		assert.InDelta(t, 0.9*1+0.1*4, bn.RunningMean.Data()[0], 1e-12)
	})
}

func TestBatchNormRunningUpdateIsNotRecorded(t *testing.T) {
	// The running statistics are plain tensors computed from values: the
	// graph of the output reaches only x, γ and β, and a backward pass
	// leaves the buffers as the forward pass left them.
	r := rand.New(rand.NewPCG(7, 0))
	bn := layers.NewBatchNorm(3)
	x := autograd.Param(tensor.RandN(r, 6, 3))
	y := bn.Forward(x)
	mean, variance := bn.RunningMean.Clone(), bn.RunningVar.Clone()
	grads := autograd.Grad([]*autograd.Var{autograd.Sum(autograd.Square(y))}, []*autograd.Var{x, bn.Weight, bn.Bias}, false)
	require.Len(t, grads, 3)
	assert.Equal(t, mean.Data(), bn.RunningMean.Data())
	assert.Equal(t, variance.Data(), bn.RunningVar.Data())
}

func TestLayerNormKnownValues(t *testing.T) {
	// The sample (1, 2, 3) has mean 2 and biased variance 2/3, so
	// x̂ = (−1, 0, 1)/√(2/3 + ε); then γ = (1, 2, 3), β = (0, 0, 1).
	// The sample (4, 4, 4) has variance 0: x̂ = 0 and y = β.
	ln := layers.NewLayerNorm(3)
	ln.Weight.Value.CopyFrom(tensor.New([]float64{1, 2, 3}, 3))
	ln.Bias.Value.CopyFrom(tensor.New([]float64{0, 0, 1}, 3))
	s := 1 / math.Sqrt(2.0/3+1e-5)
	y := forward(ln, tensor.FromRows([][]float64{{1, 2, 3}, {4, 4, 4}}))
	assertTensor(t, []float64{-s, 0, 3*s + 1, 0, 0, 1}, []int{2, 3}, y, 1e-12)
}

func TestLayerNormNormalisesEachSample(t *testing.T) {
	r := rand.New(rand.NewPCG(8, 0))
	ln := layers.NewLayerNorm(2, 3, 3)
	y := forward(ln, tensor.AddScalar(tensor.Scale(tensor.RandN(r, 4, 2, 3, 3), 3), 5))
	mean := tensor.Mean(y, 1, 2, 3)
	variance := tensor.Variance(y, 1, 2, 3)
	for n := range 4 {
		assert.InDelta(t, 0, mean.Data()[n], 1e-12)
		assert.InDelta(t, 1, variance.Data()[n], 1e-4)
	}
}

// ---- Maxout, activations, reshaping -----------------------------------------------------

func TestMaxoutPicksTheLargestPiece(t *testing.T) {
	// One input, two units of three pieces: the pieces are x·(1, 2, 3) for
	// unit 0 and x·(−1, 5, 0) for unit 1. For x = 2: max(2, 4, 6) = 6 and
	// max(−2, 10, 0) = 10. For x = −1: max(−1, −2, −3) = −1, max(1, −5, 0) = 1.
	m := layers.NewMaxout(rand.New(rand.NewPCG(1, 0)), 1, 2, 3, layers.WithInit(layers.Normal(1)))
	m.Linear.Weight.Value.CopyFrom(tensor.New([]float64{1, 2, 3, -1, 5, 0}, 6, 1))
	y := forward(m, tensor.New([]float64{2, -1}, 2, 1))
	assertTensor(t, []float64{6, 10, -1, 1}, []int{2, 2}, y, 1e-12)

	// The gradient of y[0,0] + … reaches the winning pieces' weights only:
	// ∂/∂W[p] = Σ over samples where piece p wins of x. Pieces 2 (x = 2),
	// 4 (x = 2), 0 (x = −1) and 3 (x = −1) win.
	x := autograd.Const(tensor.New([]float64{2, -1}, 2, 1))
	autograd.Sum(m.Forward(x)).Backward()
	assert.Equal(t, []float64{-1, 0, 2, -1, 2, 0}, m.Linear.Weight.Grad.Data())
}

func TestActivations(t *testing.T) {
	x := tensor.New([]float64{-1, 0, 2, math.Log(3)}, 4)
	tests := []struct {
		name string
		m    layers.Module
		want []float64
	}{
		{"ReLU", layers.ReLU{}, []float64{0, 0, 2, math.Log(3)}},
		{"LeakyReLU", layers.LeakyReLU{Slope: 0.2}, []float64{-0.2, 0, 2, math.Log(3)}},
		// tanh 2 = (e⁴ − 1)/(e⁴ + 1); tanh(ln 3) = (9 − 1)/(9 + 1) = 0.8.
		{"Tanh", layers.Tanh{}, []float64{-math.Tanh(1), 0, (math.Exp(4) - 1) / (math.Exp(4) + 1), 0.8}},
		// σ(ln 3) = 1/(1 + 1/3) = 0.75.
		{"Sigmoid", layers.Sigmoid{}, []float64{1 / (1 + math.E), 0.5, 1 / (1 + math.Exp(-2)), 0.75}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assertTensor(t, tc.want, []int{4}, forward(tc.m, x), 1e-12)
			assert.Empty(t, tc.m.Parameters())
		})
	}
}

func TestUpsample(t *testing.T) {
	x := tensor.New([]float64{1, 2, 3, 4}, 1, 1, 2, 2)
	want := []float64{
		1, 1, 2, 2,
		1, 1, 2, 2,
		3, 3, 4, 4,
		3, 3, 4, 4,
	}
	assertTensor(t, want, []int{1, 1, 4, 4}, forward(layers.NewUpsample(2), x), 0)
}

func TestFlattenAndReshape(t *testing.T) {
	x := tensor.Arange(12)
	images := forward(layers.NewReshape(1, 2, 3), tensor.Reshape(x, 2, 6))
	assertTensor(t, x.Data(), []int{2, 1, 2, 3}, images, 0)
	assertTensor(t, x.Data(), []int{2, 6}, forward(layers.Flatten{}, images), 0)
}

// ---- Sequential ----------------------------------------------------------------------------

func TestSequentialNamesAndOrder(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 0))
	inner := layers.NewSequential(layers.NewLinear(r, 4, 4), layers.NewBatchNorm(4))
	net := layers.NewSequential(
		layers.NewLinear(r, 3, 4), layers.ReLU{},
		layers.NewLinear(r, 4, 4, layers.WithoutBias()), layers.NewBatchNorm(4),
		inner,
	)
	assert.Equal(t, []string{
		"0.weight", "0.bias", "2.weight", "3.weight", "3.bias",
		"4.0.weight", "4.0.bias", "4.1.weight", "4.1.bias",
	}, names(net))
	assert.Same(t, inner.Layers[0].Parameters()[1].Var, net.Parameters()[6].Var)
	assert.Len(t, layers.Vars(net), 9)

	var buffers []string
	for _, b := range layers.BuffersOf(net) {
		buffers = append(buffers, b.Name)
	}
	assert.Equal(t, []string{"3.running_mean", "3.running_var", "4.1.running_mean", "4.1.running_var"}, buffers)
}

func TestSequentialForwardChains(t *testing.T) {
	r := rand.New(rand.NewPCG(10, 0))
	first, second := layers.NewLinear(r, 3, 4), layers.NewLinear(r, 4, 2)
	net := layers.NewSequential(first, layers.Tanh{}, second)
	x := tensor.RandN(r, 5, 3)
	want := forward(second, forward(layers.Tanh{}, forward(first, x)))
	assertTensor(t, want.Data(), []int{5, 2}, forward(net, x), 0)
}

func TestSequentialSetTrainingReachesNestedBatchNorm(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 0))
	bn := layers.NewBatchNorm(2)
	net := layers.NewSequential(layers.NewSequential(layers.NewLinear(r, 2, 2), bn))
	x := tensor.RandN(r, 4, 2)

	layers.SetTraining(net, false)
	forward(net, x)
	assert.Equal(t, []float64{0, 0}, bn.RunningMean.Data(), "evaluation must not update")

	layers.SetTraining(net, true)
	forward(net, x)
	assert.NotEqual(t, []float64{0, 0}, bn.RunningMean.Data(), "training must update")
}

// ---- Parameters and initialisation by constructors --------------------------------------------

func TestParameterNamesAndShapes(t *testing.T) {
	r := rand.New(rand.NewPCG(12, 0))
	tests := []struct {
		name   string
		m      layers.Module
		names  []string
		shapes [][]int
	}{
		{"Linear", layers.NewLinear(r, 3, 4), []string{"weight", "bias"}, [][]int{{4, 3}, {4}}},
		{"Linear without bias", layers.NewLinear(r, 3, 4, layers.WithoutBias()), []string{"weight"}, [][]int{{4, 3}}},
		{"Conv2D", layers.NewConv2D(r, 3, 8, 4, 2, 1), []string{"weight", "bias"}, [][]int{{8, 3, 4, 4}, {8}}},
		{"ConvTranspose2D", layers.NewConvTranspose2D(r, 8, 3, 4, 2, 1), []string{"weight", "bias"}, [][]int{{8, 3, 4, 4}, {3}}},
		{"BatchNorm", layers.NewBatchNorm(5), []string{"weight", "bias"}, [][]int{{5}, {5}}},
		{"LayerNorm", layers.NewLayerNorm(2, 3), []string{"weight", "bias"}, [][]int{{2, 3}, {2, 3}}},
		{"Maxout", layers.NewMaxout(r, 3, 2, 5), []string{"weight", "bias"}, [][]int{{10, 3}, {10}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ps := tc.m.Parameters()
			require.Len(t, ps, len(tc.names))
			for i, p := range ps {
				assert.Equal(t, tc.names[i], p.Name)
				assert.Equal(t, tc.shapes[i], p.Var.Value.Shape())
				assert.True(t, p.Var.RequiresGrad(), "%s must require a gradient", p.Name)
			}
		})
	}
}

func TestDefaultInitIsPyTorchs(t *testing.T) {
	// PyTorch draws weight and bias uniformly from ±1/√fan_in, fan_in
	// read from the weight's dimension 1 times the kernel area: 3 for the
	// Linear, 2·3·3 = 18 for the Conv2D, and out·K² = 64·2·2 = 256 for the
	// (in, out, K, K) = (8, 64, 2, 2) weight of the ConvTranspose2D, where
	// in·K² = 32 would be the mistake.
	r := rand.New(rand.NewPCG(13, 0))
	tests := []struct {
		name  string
		m     layers.Module
		fanIn float64
	}{
		{"Linear", layers.NewLinear(r, 3, 200), 3},
		{"Conv2D", layers.NewConv2D(r, 2, 64, 3, 1, 1), 18},
		{"ConvTranspose2D", layers.NewConvTranspose2D(r, 8, 64, 2, 2, 0), 256},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			bound := 1 / math.Sqrt(tc.fanIn)
			for _, p := range tc.m.Parameters() {
				lo, hi := minMax(p.Var.Value.Data())
				assert.GreaterOrEqual(t, lo, -bound, p.Name)
				assert.LessOrEqual(t, hi, bound, p.Name)
				// With hundreds of samples the extremes come close to the
				// bound: a narrower range would mean a wrong fan_in.
				assert.Greater(t, hi-lo, 1.5*bound, p.Name)
			}
		})
	}
}

func minMax(data []float64) (lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, v := range data {
		lo, hi = math.Min(lo, v), math.Max(hi, v)
	}
	return lo, hi
}

func TestWithInitZeroesTheBias(t *testing.T) {
	r := rand.New(rand.NewPCG(14, 0))
	l := layers.NewLinear(r, 100, 50, layers.WithInit(layers.Normal(0.02)))
	assert.Equal(t, make([]float64, 50), l.Bias.Value.Data())
	lo, hi := minMax(l.Weight.Value.Data())
	assert.Less(t, hi-lo, 0.2, "N(0, 0.02²) samples stay within ±5σ")
	assert.Greater(t, hi-lo, 0.1, "and 5000 of them reach past ±2.5σ")
}

func TestConstructorsAreDeterministic(t *testing.T) {
	a := layers.NewConv2D(rand.New(rand.NewPCG(15, 0)), 2, 3, 3, 1, 1)
	b := layers.NewConv2D(rand.New(rand.NewPCG(15, 0)), 2, 3, 3, 1, 1)
	assert.Equal(t, a.Weight.Value.Data(), b.Weight.Value.Data())
	assert.Equal(t, a.Bias.Value.Data(), b.Bias.Value.Data())
}

// ---- Caller mistakes ------------------------------------------------------------------------------

func TestConstructorPanics(t *testing.T) {
	r := rand.New(rand.NewPCG(16, 0))
	tests := []struct {
		name    string
		f       func()
		message string
	}{
		{"Linear in 0", func() { layers.NewLinear(r, 0, 4) }, "layers: NewLinear: bad argument in 0: must be positive"},
		{"Linear out −1", func() { layers.NewLinear(r, 3, -1) }, "layers: NewLinear: bad argument out -1: must be positive"},
		{"Linear nil rand", func() { layers.NewLinear(nil, 3, 4) }, "layers: NewLinear: bad argument nil *rand.Rand"},
		{"Conv2D stride 0", func() { layers.NewConv2D(r, 1, 8, 4, 0, 1) }, "layers: NewConv2D: bad argument stride 0: must be positive"},
		{"Conv2D padding −1", func() { layers.NewConv2D(r, 1, 8, 4, 2, -1) }, "layers: NewConv2D: bad argument padding -1: must not be negative"},
		{"ConvTranspose2D kernel 0", func() { layers.NewConvTranspose2D(r, 8, 1, 0, 2, 1) }, "layers: NewConvTranspose2D: bad argument kernel 0: must be positive"},
		{"BatchNorm 0 features", func() { layers.NewBatchNorm(0) }, "layers: NewBatchNorm: bad argument features 0: must be positive"},
		{"LayerNorm empty", func() { layers.NewLayerNorm() }, "layers: NewLayerNorm: bad argument empty normalised shape"},
		{"LayerNorm size 0", func() { layers.NewLayerNorm(3, 0) }, "layers: NewLayerNorm: bad argument dimension 0: must be positive"},
		{"Maxout 0 pieces", func() { layers.NewMaxout(r, 3, 2, 0) }, "layers: NewMaxout: bad argument pieces 0: must be positive"},
		{"Reshape size 0", func() { layers.NewReshape(2, 0) }, "layers: NewReshape: bad argument dimension 0: must be positive"},
		{"Upsample scale 0", func() { layers.NewUpsample(0) }, "layers: NewUpsample: bad argument scale 0: must be positive"},
		{"InitKaimingUniform 1-D", func() { layers.InitKaimingUniform(r, tensor.Zeros(5), 0) }, "layers: InitKaimingUniform: bad argument weight (5) needs at least 2 non-empty dimensions"},
		{"InitOrthogonal 1-D", func() { layers.InitOrthogonal(r, tensor.Zeros(5), 1) }, "layers: InitOrthogonal: bad argument weight (5) needs at least 2 non-empty dimensions"},
		{"InitNormal negative std", func() { layers.InitNormal(r, tensor.Zeros(2, 2), -1) }, "layers: InitNormal: bad argument negative standard deviation -1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { requirePanicsWith(t, tensor.ErrArgument, tc.message, tc.f) })
	}
}

func TestForwardShapePanics(t *testing.T) {
	r := rand.New(rand.NewPCG(17, 0))
	tests := []struct {
		name    string
		m       layers.Module
		x       []int
		message string
	}{
		{"Linear features", layers.NewLinear(r, 2, 4), []int{8, 3}, "layers: Linear: shape mismatch input (8,3) for weight (4,2)"},
		{"Linear 3-D input", layers.NewLinear(r, 2, 4), []int{8, 1, 2}, "layers: Linear: shape mismatch input (8,1,2) for weight (4,2)"},
		{"Maxout features", layers.NewMaxout(r, 2, 3, 5), []int{8, 3}, "layers: Maxout: shape mismatch input (8,3) for weight (15,2)"},
		{"Conv2D channels", layers.NewConv2D(r, 1, 8, 4, 2, 1), []int{2, 3, 28, 28},
			"layers: Conv2D: shape mismatch input (2,3,28,28) for weight (8,1,4,4) with kernel 4x4 stride 2x2 padding 1x1"},
		{"Conv2D too small", layers.NewConv2D(r, 1, 8, 4, 2, 1), []int{2, 1, 1, 5},
			"layers: Conv2D: shape mismatch input (2,1,1,5) for weight (8,1,4,4) with kernel 4x4 stride 2x2 padding 1x1"},
		{"Conv2D not an image", layers.NewConv2D(r, 1, 8, 4, 2, 1), []int{2, 784},
			"layers: Conv2D: shape mismatch input (2,784) for weight (8,1,4,4) with kernel 4x4 stride 2x2 padding 1x1"},
		{"ConvTranspose2D channels", layers.NewConvTranspose2D(r, 8, 1, 4, 2, 1), []int{2, 3, 7, 7},
			"layers: ConvTranspose2D: shape mismatch input (2,3,7,7) for weight (8,1,4,4)"},
		{"ConvTranspose2D empty output", layers.NewConvTranspose2D(r, 1, 1, 1, 1, 1), []int{1, 1, 1, 1},
			"layers: ConvTranspose2D: shape mismatch input (1,1,1,1) with kernel 1x1 stride 1x1 padding 1x1 gives an empty output"},
		{"BatchNorm features", layers.NewBatchNorm(3), []int{4, 2}, "layers: BatchNorm: shape mismatch input (4,2) for 3 features; want (N,3) or (N,3,H,W)"},
		{"BatchNorm 3-D", layers.NewBatchNorm(3), []int{4, 3, 5}, "layers: BatchNorm: shape mismatch input (4,3,5) for 3 features; want (N,3) or (N,3,H,W)"},
		{"BatchNorm one value per feature", layers.NewBatchNorm(3), []int{1, 3},
			"layers: BatchNorm: shape mismatch input (1,3) has one value per feature; training needs at least 2"},
		{"LayerNorm trailing shape", layers.NewLayerNorm(4), []int{2, 3}, "layers: LayerNorm: shape mismatch input (2,3) does not end with (4)"},
		{"Reshape count", layers.NewReshape(3, 3), []int{8, 10}, "layers: Reshape: shape mismatch input (8,10) to per-sample (3,3)"},
		{"Upsample not an image", layers.NewUpsample(2), []int{2, 3}, "layers: Upsample: shape mismatch input (2,3) is not (N,C,H,W)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			requirePanicsWith(t, tensor.ErrShape, tc.message, func() { forward(tc.m, tensor.Zeros(tc.x...)) })
		})
	}
}

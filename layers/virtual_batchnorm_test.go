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

// Against the improved-GAN formula written in PyTorch
// (testdata/gen_vbn.py): the reference pass and a live pass in one graph,
// so the gradients flow through the reference statistics too.
func TestVirtualBatchNormMatchesPyTorch(t *testing.T) {
	var cases []struct {
		Name   string      `json:"name"`
		Inputs [][]float64 `json:"inputs"`
		Shapes [][]int     `json:"shapes"`
		YRef   []float64   `json:"y_ref"`
		Y      []float64   `json:"y"`
		WRef   []float64   `json:"w_ref"`
		WOut   []float64   `json:"w_out"`
		Grads  [][]float64 `json:"grads"`
	}
	readGolden(t, "vbn.json", &cases)
	require.Len(t, cases, 2)
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			v := layers.NewVirtualBatchNorm(c.Shapes[0][1])
			v.Weight.Value.CopyFrom(tensorOf(c.Inputs[2], c.Shapes[2]...))
			v.Bias.Value.CopyFrom(tensorOf(c.Inputs[3], c.Shapes[3]...))
			ref := autograd.Param(tensorOf(c.Inputs[0], c.Shapes[0]...))
			x := autograd.Param(tensorOf(c.Inputs[1], c.Shapes[1]...))
			yRef := layers.ReferenceForward(v, ref)
			y := v.Forward(x)
			assertClose(t, c.YRef, yRef.Value, torchTol, "reference output")
			assertClose(t, c.Y, y.Value, torchTol, "output")
			loss := autograd.Add(
				autograd.Sum(autograd.Mul(yRef, autograd.Const(tensorOf(c.WRef, c.Shapes[0]...)))),
				autograd.Sum(autograd.Mul(y, autograd.Const(tensorOf(c.WOut, c.Shapes[1]...)))))
			grads := autograd.Grad([]*autograd.Var{loss}, []*autograd.Var{ref, x, v.Weight, v.Bias}, false)
			for i, want := range c.Grads {
				assertClose(t, want, grads[i].Value, torchTol, "gradient")
			}
		})
	}
}

// A sample's output does not depend on its batch-mates (the point of VBN),
// and equals the formula computed by hand for one feature.
func TestVirtualBatchNormPerSample(t *testing.T) {
	v := layers.NewVirtualBatchNorm(1)
	layers.ReferenceForward(v, autograd.Const(tensor.New([]float64{1, 3}, 2, 1))) // μ_r = 2, ν_r = 5
	mean, meanSq, size := v.ReferenceStatistics()
	assert.Equal(t, []float64{2}, mean.Value.Data())
	assert.Equal(t, []float64{5}, meanSq.Value.Data())
	assert.Equal(t, 2, size)
	// x = 5: μ = 5/3 + 2·2/3 = 3, ν = 25/3 + 5·2/3 = 35/3, var = 35/3 − 9 = 8/3.
	want := 2 / math.Sqrt(8.0/3+1e-5)
	alone := forward(v, tensor.New([]float64{5}, 1, 1))
	assert.InDelta(t, want, alone.Item(), 1e-14)
	batch := forward(v, tensor.New([]float64{5, -7, 100}, 3, 1))
	assert.Equal(t, alone.Item(), batch.Data()[0], "the same sample in another batch")
}

// Inside a Sequential, ReferenceForward reaches the layer; the statistics
// are those of the activations at the layer, not of the network's input.
func TestReferenceForwardThroughSequential(t *testing.T) {
	r := rand.New(rand.NewPCG(51, 0))
	lin := layers.NewLinear(r, 2, 3)
	v := layers.NewVirtualBatchNorm(3)
	net := layers.NewSequential(lin, v, layers.ReLU{})
	ref := tensor.RandN(r, 6, 2)
	requirePanicsWith(t, tensor.ErrArgument,
		"layers: VirtualBatchNorm: bad argument no reference batch: run layers.ReferenceForward first",
		func() { forward(net, ref) })
	autograd.NoGrad(func() { layers.ReferenceForward(net, autograd.Const(ref)) })
	mean, _, size := v.ReferenceStatistics()
	assert.Equal(t, 6, size)
	assert.InDeltaSlice(t, tensor.MeanKeep(forward(lin, ref), 0).Data(), mean.Value.Data(), 1e-15)
	assert.False(t, mean.RequiresGrad(), "under NoGrad the statistics are constants")
	// After the reference pass, Forward is a live pass again.
	out := forward(net, ref)
	require.Equal(t, []int{6, 3}, out.Shape())
}

// The live pass as a function of x, γ, β and of the reference batch
// (which goes through ReferenceForward inside f), images and features.
func TestGradCheckVirtualBatchNorm(t *testing.T) {
	r := rand.New(rand.NewPCG(52, 0))
	for _, tc := range []struct {
		name   string
		ref, x []int
	}{{"images", []int{3, 2, 2, 1}, []int{2, 2, 2, 1}}, {"features", []int{4, 3}, []int{2, 3}}} {
		t.Run(tc.name, func(t *testing.T) {
			v := layers.NewVirtualBatchNorm(tc.ref[1])
			perturb(r, v.Weight.Value)
			perturb(r, v.Bias.Value)
			ref := tensor.RandN(r, tc.ref...)
			x := tensor.RandN(r, tc.x...)
			f := func(xs []*autograd.Var) *autograd.Var {
				v.Weight, v.Bias = xs[2], xs[3]
				layers.ReferenceForward(v, xs[0])
				return v.Forward(xs[1])
			}
			in := []*tensor.Tensor{ref, x, v.Weight.Value, v.Bias.Value}
			require.NoError(t, autograd.GradCheck("VirtualBatchNorm", f, in, autograd.DefaultTolerance))
			require.NoError(t, autograd.GradGradCheck("VirtualBatchNorm", f, in, autograd.DefaultTolerance))
			// And the module check with fixed reference statistics.
			v2 := layers.NewVirtualBatchNorm(tc.ref[1])
			perturb(r, v2.Weight.Value)
			autograd.NoGrad(func() { layers.ReferenceForward(v2, autograd.Const(ref)) })
			checkModule(t, v2, x, &v2.Weight, &v2.Bias)
		})
	}
}

func TestVirtualBatchNormPanics(t *testing.T) {
	v := layers.NewVirtualBatchNorm(3)
	requirePanicsWith(t, tensor.ErrShape, "layers: VirtualBatchNorm: shape mismatch input (2,4) for 3 features; want (N,3) or (N,3,H,W)",
		func() { forward(v, tensor.Zeros(2, 4)) })
	layers.ReferenceForward(v, autograd.Const(tensor.RandN(rand.New(rand.NewPCG(53, 0)), 4, 3)))
	requirePanicsWith(t, tensor.ErrShape, "layers: VirtualBatchNorm: shape mismatch input (2,3,2,2) after a reference batch of statistics (1,3)",
		func() { forward(v, tensor.Zeros(2, 3, 2, 2)) })
	requirePanicsWith(t, tensor.ErrArgument, "layers: NewVirtualBatchNorm: bad argument features 0: must be positive",
		func() { layers.NewVirtualBatchNorm(0) })
}

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

type minibatchCase struct {
	Name   string      `json:"name"`
	Group  int         `json:"group"`
	Inputs [][]float64 `json:"inputs"`
	Shapes [][]int     `json:"shapes"`
	Y      []float64   `json:"y"`
	YShape []int       `json:"y_shape"`
	WOut   []float64   `json:"w_out"`
	Grads  [][]float64 `json:"grads"`
}

func readMinibatchGolden(t *testing.T) (stddev []minibatchCase, discrimination minibatchCase) {
	var g struct {
		Stddev         []minibatchCase `json:"stddev"`
		Discrimination minibatchCase   `json:"discrimination"`
	}
	readGolden(t, "minibatch.json", &g)
	require.Len(t, g.Stddev, 3)
	return g.Stddev, g.Discrimination
}

// checkGolden runs m on the case's first input (after set, which may load
// further inputs into m's parameters) and compares y and the gradients of
// Σ y ⊙ w_out with respect to the input and the given parameters.
func checkGolden(t *testing.T, c minibatchCase, m layers.Module, params ...*autograd.Var) {
	t.Helper()
	x := autograd.Param(tensorOf(c.Inputs[0], c.Shapes[0]...))
	y := m.Forward(x)
	require.Equal(t, c.YShape, y.Shape())
	assertClose(t, c.Y, y.Value, torchTol, c.Name+": y")
	loss := autograd.Sum(autograd.Mul(y, autograd.Const(tensorOf(c.WOut, c.YShape...))))
	grads := autograd.Grad([]*autograd.Var{loss}, append([]*autograd.Var{x}, params...), false)
	require.Len(t, c.Grads, len(grads))
	for i, want := range c.Grads {
		assertClose(t, want, grads[i].Value, torchTol, c.Name+": gradient")
	}
}

func TestMinibatchStdDevMatchesPyTorch(t *testing.T) {
	cases, _ := readMinibatchGolden(t)
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			l := layers.NewMinibatchStdDev()
			l.GroupSize = c.Group
			checkGolden(t, c, l)
		})
	}
}

// By hand: two samples of one feature, 1 and 3: the biased std is 1
// (√(1 + 1e-8) really), appended to both. With groups of 1 the std is 0
// and the feature is √ε.
func TestMinibatchStdDevByHand(t *testing.T) {
	l := layers.NewMinibatchStdDev()
	y := forward(l, tensor.FromRows([][]float64{{1, 10}, {3, 10}}))
	// feature 0: std 1; feature 1: std 0; mean over features (1 + 0)/2,
	// each with ε under its root.
	s := (math.Sqrt(1+1e-8) + math.Sqrt(1e-8)) / 2
	assertTensor(t, []float64{1, 10, s, 3, 10, s}, []int{2, 3}, y, 1e-15)
	l.GroupSize = 1
	y = forward(l, tensor.FromRows([][]float64{{1, 10}, {3, 10}}))
	assertTensor(t, []float64{1, 10, 1e-4, 3, 10, 1e-4}, []int{2, 3}, y, 1e-15)
	// ProGAN's groups: with G = 2 and N = 4, sample n is in group n mod 2,
	// so {0, 2} (std 1) and {10, 14} (std 2), not {0, 10} and {2, 14}.
	l = &layers.MinibatchStdDev{GroupSize: 2} // ε = 0: the stds are exact
	y = forward(l, tensor.New([]float64{0, 10, 2, 14}, 4, 1))
	assertTensor(t, []float64{0, 1, 10, 2, 2, 1, 14, 2}, []int{4, 2}, y, 1e-15)
	// Images: the new channel is constant over the image.
	img := forward(layers.NewMinibatchStdDev(), tensor.RandN(rand.New(rand.NewPCG(41, 0)), 2, 1, 2, 2))
	require.Equal(t, []int{2, 2, 2, 2}, img.Shape())
	extra := tensor.Slice(img, 1, 1, 2).Data()
	for _, v := range extra {
		assert.Equal(t, extra[0], v)
	}
}

func TestGradCheckMinibatchStdDev(t *testing.T) {
	r := rand.New(rand.NewPCG(42, 0))
	for _, tc := range []struct {
		name  string
		group int
		x     []int
	}{{"images in groups of 2", 2, []int{4, 2, 2, 1}}, {"features, whole batch", 0, []int{3, 4}}} {
		t.Run(tc.name, func(t *testing.T) {
			l := layers.NewMinibatchStdDev()
			l.GroupSize = tc.group
			checkModule(t, l, tensor.RandN(r, tc.x...))
		})
	}
}

func TestMinibatchDiscriminationMatchesPyTorch(t *testing.T) {
	_, c := readMinibatchGolden(t)
	l := layers.NewMinibatchDiscrimination(rand.New(rand.NewPCG(1, 0)), 3, 5, 2)
	l.Weight.Value.CopyFrom(tensorOf(c.Inputs[1], c.Shapes[1]...))
	checkGolden(t, c, l, l.Weight)
}

// By hand, one kernel of one dimension with T = 1: M_i = x_i, and
// o_i = Σ_{j≠i} exp(−|x_i − x_j|).
func TestMinibatchDiscriminationByHand(t *testing.T) {
	l := layers.NewMinibatchDiscrimination(rand.New(rand.NewPCG(1, 0)), 1, 1, 1)
	l.Weight.Value.Fill(1)
	y := forward(l, tensor.New([]float64{0, 1, 3}, 3, 1))
	e := math.Exp
	want := []float64{0, e(-1) + e(-3), 1, e(-1) + e(-2), 3, e(-3) + e(-2)}
	assertTensor(t, want, []int{3, 2}, y, 1e-15)
	// A collapsed batch (identical samples) gets the largest value, N − 1.
	y = forward(l, tensor.Full(0.4, 4, 1))
	assert.InDeltaSlice(t, []float64{3, 3, 3, 3}, tensor.Slice(y, 1, 1, 2).Data(), 1e-15)
	// A batch of one has no others.
	assert.Equal(t, []float64{0.4, 0}, forward(l, tensor.Full(0.4, 1, 1)).Data())
}

func TestMinibatchDiscriminationInit(t *testing.T) {
	assert.Equal(t, 100, layers.MinibatchKernels)
	assert.Equal(t, 5, layers.MinibatchKernelDims)
	l := layers.NewMinibatchDiscrimination(rand.New(rand.NewPCG(43, 0)), 20, layers.MinibatchKernels, layers.MinibatchKernelDims)
	require.Equal(t, []int{20, 100, 5}, l.Weight.Shape())
	assert.Equal(t, []string{"weight"}, names(l))
	std := math.Sqrt(tensor.Variance(l.Weight.Value).Item())
	assert.InDelta(t, 0.05, std, 0.002, "T ~ N(0, 0.05²)")
}

func TestGradCheckMinibatchDiscrimination(t *testing.T) {
	r := rand.New(rand.NewPCG(44, 0))
	l := layers.NewMinibatchDiscrimination(r, 3, 4, 2)
	tensor.AxpyInplace(l.Weight.Value, 10, l.Weight.Value) // larger T: distances well away from 0
	checkModule(t, l, tensor.RandN(r, 4, 3), &l.Weight)
}

func TestMinibatchPanics(t *testing.T) {
	r := rand.New(rand.NewPCG(45, 0))
	sd := layers.NewMinibatchStdDev()
	sd.GroupSize = 3
	requirePanicsWith(t, tensor.ErrShape, "layers: MinibatchStdDev: shape mismatch input (4,2): batch 4 is not a multiple of the group size 3",
		func() { forward(sd, tensor.Zeros(4, 2)) })
	requirePanicsWith(t, tensor.ErrShape, "layers: MinibatchStdDev: shape mismatch input (4,2,3); want (N,F) or (N,C,H,W)",
		func() { forward(sd, tensor.Zeros(4, 2, 3)) })
	sd.GroupSize = -1
	requirePanicsWith(t, tensor.ErrArgument, "layers: MinibatchStdDev: bad argument group size -1",
		func() { forward(sd, tensor.Zeros(4, 2)) })
	md := layers.NewMinibatchDiscrimination(r, 3, 4, 2)
	requirePanicsWith(t, tensor.ErrShape, "layers: MinibatchDiscrimination: shape mismatch input (2,2) for weight (3,4,2)",
		func() { forward(md, tensor.Zeros(2, 2)) })
	requirePanicsWith(t, tensor.ErrArgument, "layers: NewMinibatchDiscrimination: bad argument kernels 0: must be positive",
		func() { layers.NewMinibatchDiscrimination(r, 3, 0, 2) })
}

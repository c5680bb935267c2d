package gan

import (
	"errors"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"ganbook/autograd"
	"ganbook/gan/data"
	"ganbook/layers"
	"ganbook/tensor"
)

// Pack lays m consecutive samples side by side: rows 0..m−1 become the
// first pack, in order.
func TestPackConcatenatesConsecutiveSamples(t *testing.T) {
	x := autograd.Const(tensor.New([]float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, 6, 2))
	p := Pack(x, 3)
	require.Equal(t, []int{2, 6}, p.Shape())
	assert.Equal(t, []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, p.Value.Data())
	assert.Same(t, x, Pack(x, 1), "packs of one are the samples themselves")
}

// The gradient of a packed discriminator's output reaches every sample of
// every pack, to first and second order.
func TestPackGradCheck(t *testing.T) {
	r := rand.New(rand.NewPCG(12, 4))
	D := PackedPacGANDiscriminator(r, 3, 4, 2, 2)
	f := func(xs []*autograd.Var) *autograd.Var {
		return autograd.Mean(autograd.Softplus(D.Forward(Pack(xs[0], 3))))
	}
	in := []*tensor.Tensor{tensor.RandN(r, 6, 2)}
	require.NoError(t, autograd.GradCheck("packed D", f, in, autograd.DefaultTolerance))
	require.NoError(t, autograd.GradGradCheck("packed D", f, in, autograd.DefaultTolerance))
}

// With m = 1 the packed networks are chapter 01's, weight for weight; with
// m = 4 only D's first layer is wider (8 inputs instead of 2).
func TestPackedPacGANNetworks(t *testing.T) {
	G1, D1 := PacGANNetworks(6, 5)(rand.New(rand.NewPCG(7, 1)))
	G, D := PackedPacGANNetworks(6, 5, 1)(rand.New(rand.NewPCG(7, 1)))
	require.Len(t, layers.Vars(D), len(layers.Vars(D1)))
	for i, p := range layers.Vars(D1) {
		assert.Equal(t, p.Value.Data(), layers.Vars(D)[i].Value.Data(), "D parameter %d", i)
	}
	for i, p := range layers.Vars(G1) {
		assert.Equal(t, p.Value.Data(), layers.Vars(G)[i].Value.Data(), "G parameter %d", i)
	}

	_, D4 := PackedPacGANNetworks(6, 5, 4)(rand.New(rand.NewPCG(7, 1)))
	first := D4.Layers[0].(*layers.Maxout)
	assert.Equal(t, []int{5 * 5, 8}, first.Linear.Weight.Shape())
	x := autograd.Const(tensor.RandN(rand.New(rand.NewPCG(7, 2)), 12, 2))
	assert.Equal(t, []int{3, 1}, D4.Forward(Pack(x, 4)).Shape(), "12 samples, 3 packs, one logit each")
	assert.Equal(t, countParams(D1)+5*5*6, countParams(D4))
}

func TestPackPanics(t *testing.T) {
	tests := []struct {
		name, msg string
		kind      error
		f         func()
	}{
		{"m", "gan: Pack: bad argument m = 0, want m ≥ 1", tensor.ErrArgument,
			func() { Pack(autograd.Const(tensor.Zeros(4, 2)), 0) }},
		{"rows", "gan: Pack: shape mismatch samples (5,2) into packs of 2: want (N·2, d)", tensor.ErrShape,
			func() { Pack(autograd.Const(tensor.Zeros(5, 2)), 2) }},
		{"rank", "gan: Pack: shape mismatch samples (4) into packs of 2: want (N·2, d)", tensor.ErrShape,
			func() { Pack(autograd.Const(tensor.Zeros(4)), 2) }},
		{"sizes", "gan: PackedPacGANDiscriminator: bad argument m 0, width 4, pieces 5, depth 3", tensor.ErrArgument,
			func() { PackedPacGANDiscriminator(rand.New(rand.NewPCG(1, 1)), 0, 4, 5, 3) }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var err error
			func() {
				defer func() { err, _ = recover().(error) }()
				tc.f()
			}()
			require.Error(t, err)
			assert.True(t, errors.Is(err, tc.kind))
			assert.Equal(t, tc.msg, err.Error())
		})
	}
}

// SampleScatter frames the picture as ToyScatter does, without a map.
func TestSampleScatter(t *testing.T) {
	m := data.Grid25()
	r := rand.New(rand.NewPCG(3, 3))
	samples, real := m.Sample(r, 20), m.Sample(r, 10)
	s := SampleScatter("grid", samples, m, real)
	_, D := PacGANNetworks(4, 4)(r)
	withMap := ToyScatter("grid", D, samples, m, real, true)
	assert.Equal(t, withMap.Window, s.Window)
	assert.Nil(t, s.Field)
	require.Len(t, s.Layers, 3)
	assert.Len(t, s.Layers[1].Points, 20)
	assert.Len(t, s.Layers[2].Points, 25)
}

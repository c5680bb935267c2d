package gan

import (
	"errors"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"ganbook/autograd"
	"ganbook/layers"
	"ganbook/tensor"
)

func TestPacGANGeneratorVBN(t *testing.T) {
	plain := PacGANGenerator(rand.New(rand.NewPCG(5, 1)), 6, 3)
	G := PacGANGeneratorVBN(rand.New(rand.NewPCG(5, 1)), 6, 3)
	require.Len(t, G.Layers, len(plain.Layers))
	assert.IsType(t, &layers.VirtualBatchNorm{}, G.Layers[1])
	assert.Equal(t, flatValues(plain), flatValues(G), "the same weights, and γ = 1, β = 0 as batch norm's")

	// After a reference pass, a sample's output does not depend on its
	// batch-mates (with batch norm it does).
	r := rand.New(rand.NewPCG(5, 2))
	layers.ReferenceForward(G, autograd.Const(tensor.RandN(r, 8, 2)))
	z := tensor.RandN(r, 1, 2)
	inA := tensor.Concat(0, z, tensor.RandN(r, 3, 2))
	inB := tensor.Concat(0, z, tensor.Full(5, 5, 2))
	first := func(m layers.Module, x *tensor.Tensor) []float64 {
		return tensor.Reshape(m.Forward(autograd.Const(x)).Value, -1).Data()[:2]
	}
	assert.Equal(t, first(G, inA), first(G, inB))
	assert.NotEqual(t, first(plain, inA), first(plain, inB))
}

func TestPacGANDiscriminatorMBD(t *testing.T) {
	plain := PacGANDiscriminator(rand.New(rand.NewPCG(6, 1)), 5, 3, 2)
	D := PacGANDiscriminatorMBD(rand.New(rand.NewPCG(6, 1)), 5, 3, 2, 4, 2)
	require.Len(t, D.Layers, 4) // two maxout, MBD, output
	mbd := D.Layers[2].(*layers.MinibatchDiscrimination)
	assert.Equal(t, []int{5, 4, 2}, mbd.Weight.Shape())
	assert.Equal(t, []int{1, 9}, D.Layers[3].(*layers.Linear).Weight.Shape())
	for i := range 2 {
		assert.Equal(t, flatValues(plain.Layers[i].(layers.Module)), flatValues(D.Layers[i]), "maxout layer %d", i)
	}
	x := autograd.Const(tensor.RandN(rand.New(rand.NewPCG(6, 2)), 7, 2))
	assert.Equal(t, []int{7, 1}, D.Forward(x).Shape())
	assert.Equal(t, []int{7, 5}, Features(plain).Forward(x).Shape())
	assert.Equal(t, []int{7, 9}, Features(D).Forward(x).Shape(), "the features include o(f)")
}

func TestTricksNetworksPanics(t *testing.T) {
	for _, tc := range []struct {
		msg string
		f   func()
	}{
		{"gan: PacGANGeneratorVBN: bad argument width 0, depth 2", func() { PacGANGeneratorVBN(rand.New(rand.NewPCG(1, 1)), 0, 2) }},
		{"gan: PacGANDiscriminatorMBD: bad argument width 3, pieces 2, depth 1, kernels 0, dims 2",
			func() { PacGANDiscriminatorMBD(rand.New(rand.NewPCG(1, 1)), 3, 2, 1, 0, 2) }},
		{"gan: Features: bad argument a discriminator of 1 layers has no hidden features",
			func() { Features(layers.NewSequential(layers.ReLU{})) }},
	} {
		func() {
			defer func() {
				err, _ := recover().(error)
				require.Error(t, err)
				assert.True(t, errors.Is(err, tensor.ErrArgument))
				assert.EqualError(t, err, tc.msg)
			}()
			tc.f()
		}()
	}
}

func flatValues(m layers.Module) []float64 {
	var out []float64
	for _, p := range layers.Vars(m) {
		out = append(out, p.Value.Data()...)
	}
	return out
}

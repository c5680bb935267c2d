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

func TestUnrolledGANNetworks(t *testing.T) {
	G, D := UnrolledGANNetworks(7)(rand.New(rand.NewPCG(1, 2)))
	// G: 2 → 7 → 7 → 2 (three Linear, two ReLU); D: 2 → 7 → 1 (two Linear, one ReLU).
	require.Len(t, G.Layers, 5)
	require.Len(t, D.Layers, 3)
	assert.IsType(t, layers.ReLU{}, D.Layers[1])
	assert.Equal(t, (2*7+7)+(7*7+7)+(7*2+2), countParams(G))
	assert.Equal(t, (2*7+7)+(7+1), countParams(D))
	x := autograd.Const(tensor.RandN(rand.New(rand.NewPCG(1, 3)), 5, 2))
	assert.Equal(t, []int{5, 2}, G.Forward(x).Shape())
	assert.Equal(t, []int{5, 1}, D.Forward(x).Shape())

	defer func() {
		err, _ := recover().(error)
		require.Error(t, err)
		assert.True(t, errors.Is(err, tensor.ErrArgument))
		assert.EqualError(t, err, "gan: UnrolledGANNetworks: bad argument width 0")
	}()
	UnrolledGANNetworks(0)(rand.New(rand.NewPCG(1, 2)))
}

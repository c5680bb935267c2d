package metrics

import (
	"encoding/json"
	"math"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"ganbook/tensor"
)

// testdata/packed.json was written once by testdata/gen_packed.py with
// PyTorch in float64, by brute force over all Kᵐ tuples.
func TestPackedTotalVariationMatchesPyTorch(t *testing.T) {
	raw, err := os.ReadFile("testdata/packed.json")
	require.NoError(t, err)
	var g struct {
		Cases []struct {
			Name  string
			P, Q  []float64
			M     int
			Value float64
		}
	}
	require.NoError(t, json.Unmarshal(raw, &g))
	require.Len(t, g.Cases, 21)
	for _, c := range g.Cases {
		assert.InDelta(t, c.Value, PackedTotalVariation(c.P, c.Q, c.M), 1e-14, "%s K=%d m=%d", c.Name, len(c.P), c.M)
	}
}

// A generator that misses a mode of mass ε: d_TV(Pᵐ, Qᵐ) = 1 − (1 − ε)ᵐ,
// the probability that a pack of m real samples holds the missing mode.
func TestPackedTotalVariationOfAMissingMode(t *testing.T) {
	p := []float64{0.1, 0.2, 0.3, 0.4}
	q := []float64{0, 0.2, 0.3, 0.4} // normalised: mode 0 missing, ε = 0.1
	for m := 1; m <= 6; m++ {
		assert.InDelta(t, 1-math.Pow(0.9, float64(m)), PackedTotalVariation(p, q, m), 1e-15, "m = %d", m)
	}
	// m = 1 is the plain total variation, ½·Σ|p − q|.
	assert.InDelta(t, 0.5*(0.2+0.1+0.3), PackedTotalVariation([]float64{0.5, 0.2, 0.3}, []float64{0.3, 0.3, 0}, 1), 1e-15)
	// Identical distributions stay at 0; disjoint ones at 1.
	assert.Equal(t, 0.0, PackedTotalVariation(p, p, 3))
	assert.InDelta(t, 1, PackedTotalVariation([]float64{1, 0}, []float64{0, 1}, 3), 1e-15)
}

func TestPackedTotalVariationPanics(t *testing.T) {
	runPanicCases(t, []panicCase{
		{"lengths", tensor.ErrShape, "metrics: PackedTotalVariation: shape mismatch 2 vs 3 weights",
			func() { PackedTotalVariation([]float64{1, 1}, []float64{1, 1, 1}, 2) }},
		{"empty", tensor.ErrArgument, "metrics: PackedTotalVariation: bad argument no atoms",
			func() { PackedTotalVariation(nil, nil, 2) }},
		{"m", tensor.ErrArgument, "metrics: PackedTotalVariation: bad argument m = 0, want m ≥ 1",
			func() { PackedTotalVariation([]float64{1}, []float64{1}, 0) }},
		{"negative weight", tensor.ErrArgument, "metrics: PackedTotalVariation: bad argument q[1] = -1 is not a weight",
			func() { PackedTotalVariation([]float64{1, 1}, []float64{1, -1}, 2) }},
		{"too many terms", tensor.ErrArgument,
			"metrics: PackedTotalVariation: bad argument 1.76e+12 count vectors for 25 atoms and m = 20, more than 10000000",
			func() { PackedTotalVariation(make25(), make25(), 20) }},
	})
}

func make25() []float64 {
	w := make([]float64, 25)
	for i := range w {
		w[i] = 1
	}
	return w
}

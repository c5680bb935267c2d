package gan

import (
	"errors"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"ganbook/gan/data"
	"ganbook/tensor"
)

func TestDominantMode(t *testing.T) {
	ring := data.Ring8()
	// Three of five samples beside mode 2 (0, 1), none within 3σ of it:
	// mode 2 dominates all the same.
	near := tensor.FromRows([][]float64{{0.1, 0.9}, {-0.1, 0.8}, {0, 1.2}, {1, 0}, {-1, 0}})
	assert.Equal(t, 2, DominantMode(near, ring))
	// Two of four is no majority: exactly half is not more than half.
	assert.Equal(t, -1, DominantMode(onModes(ring, 2, 2, 3, 4), ring))
	// NaN samples count for no mode, but in n.
	nan := tensor.FromRows([][]float64{{1, 0}, {1, 0}, {math.NaN(), 0}, {math.NaN(), 0}})
	assert.Equal(t, -1, DominantMode(nan, ring))

	defer func() {
		err, _ := recover().(error)
		require.Error(t, err)
		assert.True(t, errors.Is(err, tensor.ErrShape))
		assert.EqualError(t, err, "gan: NearestModeShares: shape mismatch samples (2,3) for a mixture in 2 dimensions")
	}()
	DominantMode(tensor.Zeros(2, 3), ring)
}

func TestNearestModeShares(t *testing.T) {
	ring := data.Ring8()
	near := tensor.FromRows([][]float64{{0.1, 0.9}, {-0.1, 0.8}, {0, 1.2}, {1, 0.1}, {math.NaN(), 0}})
	want := make([]float64, 8)
	want[2], want[0] = 0.6, 0.2 // three of five beside (0, 1), one beside (1, 0), the NaN nowhere
	assert.InDeltaSlice(t, want, NearestModeShares(near, ring), 1e-15)
}

func TestModeHops(t *testing.T) {
	// 0 → 1 (a hop), none (skipped), 1, 3 (a hop), 3, 5 (a hop).
	assert.Equal(t, 3, ModeHops([]int{0, 1, -1, 1, 3, 3, 5}))
	assert.Equal(t, 0, ModeHops([]int{-1, -1, 4, 4}))
	assert.Equal(t, 0, ModeHops(nil))
}

package gan

import (
	"errors"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"ganbook/autograd"
	"ganbook/gan/metrics"
	"ganbook/tensor"
)

// caughtPanic runs f and returns the error it panicked with (nil if none).
func caughtPanic(f func()) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err, _ = r.(error)
			if err == nil {
				err = errors.New("panic with a non-error value")
			}
		}
	}()
	f()
	return nil
}

func TestCurve(t *testing.T) {
	xs := []float64{-1, 0, 2.5}
	// y = 2x + 1, written with autograd ops.
	affine := func(x *autograd.Var) *autograd.Var { return autograd.AddScalar(autograd.Scale(x, 2), 1) }
	got := Curve(affine, xs)
	require.Len(t, got, 3)
	assert.InDeltaSlice(t, []float64{-1, 1, 6}, got, 1e-15)
	assert.Equal(t, []float64{-1, 0, 2.5}, xs, "the inputs are not modified")

	t.Run("wrong output size", func(t *testing.T) {
		sum := func(x *autograd.Var) *autograd.Var { return autograd.Sum(x) } // one number for three inputs
		err := caughtPanic(func() { Curve(sum, xs) })
		require.Error(t, err)
		assert.True(t, errors.Is(err, tensor.ErrShape))
		assert.Equal(t, "gan: Curve: shape mismatch 3 inputs gave an output of shape ()", err.Error())
	})
}

func TestHistogramDensity(t *testing.T) {
	tests := []struct {
		name   string
		values []float64
		edges  []float64
		want   []float64
	}{
		// Counts {2, 1}; every sample counts in n = 4, also the 5 outside:
		// 2/(4·0.5) = 1 and 1/(4·0.5) = 0.5.
		{"equal bins", []float64{0.1, 0.2, 0.7, 5}, []float64{0, 0.5, 1}, []float64{1, 0.5}},
		// The second bin is three times wider: 1/(4·1.5) = 1/6.
		{"unequal bins", []float64{0.1, 0.2, 0.7, 5}, []float64{0, 0.5, 2}, []float64{1, 1.0 / 6}},
		// An inner edge opens its bin and the last edge closes the last
		// bin, so 1 and 2 both land in [1, 2]: {0, 2/(2·1)}.
		{"edges", []float64{1, 2}, []float64{0, 1, 2}, []float64{0, 1}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := HistogramDensity(tc.values, tc.edges)
			require.Len(t, got, len(tc.want))
			assert.InDeltaSlice(t, tc.want, got, 1e-15)
		})
	}

	t.Run("no samples", func(t *testing.T) {
		err := caughtPanic(func() { HistogramDensity(nil, []float64{0, 1}) })
		require.Error(t, err)
		assert.True(t, errors.Is(err, tensor.ErrArgument))
	})
}

func TestGameValue(t *testing.T) {
	// One cell of width 1 with p = q = 1 and ℓ = log 3, so D = 3/4:
	// V = log(3/4) + log(1/4) = log(3/16).
	assert.InDelta(t, math.Log(3.0/16), GameValue([]float64{math.Log(3)}, []float64{1}, []float64{1}, 1), 1e-15)

	// A confident D far out: ℓ = ±800 gives log D = 0 or −800 without
	// overflow; p = 1, q = 0.5 in cells of width 2: 2·(0 − 0.5·800) = −800.
	assert.InDelta(t, -800.0, GameValue([]float64{800}, []float64{1}, []float64{0.5}, 2), 1e-12)

	// On a grid: p = N(−1, 1), q = N(1, 1.5²) on [−12, 12].
	const lo, hi, n = -12.0, 12.0, 4800
	h := (hi - lo) / n
	p := func(x float64) float64 { return normalPDF(x, -1, 1) }
	q := func(x float64) float64 { return normalPDF(x, 1, 1.5) }
	ps, qs := make([]float64, n), make([]float64, n)
	optimal, half, off := make([]float64, n), make([]float64, n), make([]float64, n)
	for i := range n {
		x := lo + (float64(i)+0.5)*h
		ps[i], qs[i] = p(x), q(x)
		optimal[i] = math.Log(ps[i] / qs[i]) // σ(log(p/q)) = p/(p + q) = D*
		off[i] = optimal[i] + 0.3            // a D that is too sure of "real"
	}
	best := 2*metrics.JSDOfDensities(p, q, lo, hi, n) - math.Log(4)

	t.Run("D = 1/2 gives −log 4", func(t *testing.T) {
		// Both densities integrate to 1 on the grid: V = −log 2 − log 2.
		assert.InDelta(t, -math.Log(4), GameValue(half, ps, qs, h), 1e-9)
	})
	t.Run("D* gives 2·JSD − log 4", func(t *testing.T) {
		// The same midpoint sum written two ways (Theorem 1 of arXiv 1406.2661).
		assert.InDelta(t, best, GameValue(optimal, ps, qs, h), 1e-9)
	})
	t.Run("any other D gives less", func(t *testing.T) {
		assert.Less(t, GameValue(off, ps, qs, h), best-1e-3)
		assert.Less(t, GameValue(half, ps, qs, h), best-1e-3)
	})

	t.Run("bad arguments", func(t *testing.T) {
		err := caughtPanic(func() { GameValue([]float64{0, 0}, []float64{1}, []float64{1, 1}, 1) })
		require.Error(t, err)
		assert.Equal(t, "gan: GameValue: shape mismatch 2 logits, 1 values of p, 2 of q", err.Error())
		err = caughtPanic(func() { GameValue([]float64{0}, []float64{1}, []float64{1}, 0) })
		require.Error(t, err)
		assert.True(t, errors.Is(err, tensor.ErrArgument))
	})
}

// normalPDF is the normal density N(x; mean, std²).
func normalPDF(x, mean, std float64) float64 {
	z := (x - mean) / std
	return math.Exp(-z*z/2) / (std * math.Sqrt(2*math.Pi))
}

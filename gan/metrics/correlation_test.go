package metrics

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"

	"ganbook/tensor"
)

func TestPearson(t *testing.T) {
	cases := []struct {
		name string
		x, y []float64
		want float64
	}{
		{"rising line", []float64{0, 1, 2, 5}, []float64{1, 3, 5, 11}, 1},
		{"falling line", []float64{-1, 0.5, 2, 7}, []float64{8, 3.5, -1, -16}, -1},
		// Deviations from the means (2, 2): dx = (−1, 0, 1), dy = (−1, 1, 0);
		// Σ dx·dy = 1, Σ dx² = Σ dy² = 2, so r = 1/2.
		{"by hand", []float64{1, 2, 3}, []float64{1, 3, 2}, 0.5},
		// dx = (−1.5, −0.5, 0.5, 1.5), y = x² gives dy = (−3.5, −2.5, 0.5, 5.5)
		// around ȳ = 3.5: Σ dx·dy = 15, Σ dx² = 5, Σ dy² = 49, r = 15/√245.
		{"parabola", []float64{0, 1, 2, 3}, []float64{0, 1, 4, 9}, 15 / math.Sqrt(245)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			assert.InDelta(t, tc.want, Pearson(tc.x, tc.y), 1e-15)
			assert.InDelta(t, tc.want, Pearson(tc.y, tc.x), 1e-15, "symmetric")
		})
	}
	undefined := []struct {
		name string
		x, y []float64
	}{
		{"constant y", []float64{1, 2, 3}, []float64{4, 4, 4}},
		{"one point", []float64{1}, []float64{2}},
		{"no points", nil, nil},
	}
	for _, tc := range undefined {
		t.Run(tc.name, func(t *testing.T) {
			assert.True(t, math.IsNaN(Pearson(tc.x, tc.y)))
		})
	}
	runPanicCases(t, []panicCase{
		{"lengths", tensor.ErrShape, "metrics: Pearson: shape mismatch 2 vs 1 values",
			func() { Pearson([]float64{1, 2}, []float64{1}) }},
	})
}

package metrics

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"ganbook/gan/data"
	"ganbook/tensor"
)

// pointsAt returns the samples at centers[k] + offset, for each k in ks.
func pointsAt(centers [][]float64, ks []int, offset []float64) *tensor.Tensor {
	rows := make([][]float64, len(ks))
	for i, k := range ks {
		rows[i] = []float64{centers[k][0] + offset[0], centers[k][1] + offset[1]}
	}
	return tensor.FromRows(rows)
}

func TestModeCoverageKnownCases(t *testing.T) {
	ring := data.Ring8() // σ = 0.01
	twoCentres := [][]float64{{0, 0}, {2, 0}}
	cases := []struct {
		name      string
		samples   *tensor.Tensor
		centers   [][]float64
		std       float64
		modes     int
		hq        float64
		reverseKL float64
		counts    []int
	}{
		{
			// p = (⅓, ⅓, ⅓) on 3 of 8 modes: 3 · ⅓·log(⅓·8) = log(8/3).
			name:    "two samples on each of three ring modes",
			samples: pointsAt(ring.Centers, []int{0, 3, 5, 5, 3, 0}, []float64{0, 0}),
			centers: ring.Centers, std: ring.Std,
			modes: 3, hq: 1, reverseKL: math.Log(8.0 / 3), counts: []int{2, 0, 0, 2, 0, 2, 0, 0},
		},
		{
			// p = (¾, ¼): ¾·log(¾·8) + ¼·log(¼·8) = ¾·log 6 + ¼·log 2.
			name:    "three samples on one mode, one on another",
			samples: pointsAt(ring.Centers, []int{1, 1, 6, 1}, []float64{0.001, -0.002}),
			centers: ring.Centers, std: ring.Std,
			modes: 2, hq: 1, reverseKL: 0.75*math.Log(6) + 0.25*math.Log(2), counts: []int{0, 3, 0, 0, 0, 0, 1, 0},
		},
		{
			// p uniform: every term is ⅛·log(⅛·8) = 0.
			name:    "one sample on every mode",
			samples: pointsAt(ring.Centers, []int{7, 6, 5, 4, 3, 2, 1, 0}, []float64{0, 0}),
			centers: ring.Centers, std: ring.Std,
			modes: 8, hq: 1, reverseKL: 0, counts: []int{1, 1, 1, 1, 1, 1, 1, 1},
		},
		{
			// No high-quality sample: the histogram is undefined, KL is +Inf.
			name:    "all samples far away",
			samples: tensor.FromRows([][]float64{{10, 10}, {0, 0}, {-3, 0.5}}),
			centers: ring.Centers, std: ring.Std,
			modes: 0, hq: 0, reverseKL: math.Inf(1), counts: make([]int, 8),
		},
		{
			// Centre 0 is (1, 0) and σ = 0.01: the first sample is 2.9σ out
			// along the radius (inside the 3σ ball), the second 3.1σ along the
			// tangent (outside); all the mass on one of 8 modes gives 1·log(1·8).
			name:    "2.9σ is high quality, 3.1σ is not",
			samples: tensor.FromRows([][]float64{{1 + 2.9*0.01, 0}, {1, 3.1 * 0.01}}),
			centers: ring.Centers, std: ring.Std,
			modes: 1, hq: 0.5, reverseKL: math.Log(8), counts: []int{1, 0, 0, 0, 0, 0, 0, 0},
		},
		{
			// (1.1, 0) is 1.1 from (0,0) and 0.9 from (2,0): it goes to the second.
			name:    "nearest centre wins",
			samples: tensor.FromRows([][]float64{{1.1, 0}}),
			centers: twoCentres, std: 1,
			modes: 1, hq: 1, reverseKL: math.Log(2), counts: []int{0, 1},
		},
		{
			name:    "a tie goes to the first centre",
			samples: tensor.FromRows([][]float64{{1, 0}}),
			centers: twoCentres, std: 1,
			modes: 1, hq: 1, reverseKL: math.Log(2), counts: []int{1, 0},
		},
		{
			name:    "a NaN sample is never high quality",
			samples: tensor.FromRows([][]float64{{math.NaN(), 0}, {0, 0}}),
			centers: twoCentres, std: 1,
			modes: 1, hq: 0.5, reverseKL: math.Log(2), counts: []int{1, 0},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := ModeCoverage(tc.samples, tc.centers, tc.std)
			assert.Equal(t, tc.modes, c.Modes)
			assert.InDelta(t, tc.hq, c.HighQuality, 1e-15)
			if math.IsInf(tc.reverseKL, 1) {
				assert.True(t, math.IsInf(c.ReverseKL, 1), "reverse KL %g, want +Inf", c.ReverseKL)
			} else {
				assert.InDelta(t, tc.reverseKL, c.ReverseKL, 1e-15)
			}
			assert.Equal(t, tc.counts, c.Counts)
		})
	}
}

// TestModeCoverageOfTheData measures samples of the data itself. The
// distance from a 2-D isotropic Gaussian sample to its mean, in units of σ,
// is Rayleigh distributed: P(‖x − μ‖/σ ≥ 3) = e^{−9/2} ≈ 0.0111. The modes
// are at least 38σ apart (ring-8: 2·sin(π/8)/0.01 ≈ 76σ; grid-25: 2/0.05
// = 40σ), so every sample goes to its own mode and the expected HQ fraction
// is 1 − e^{−9/2} ≈ 0.9889; the tolerance is 5 standard errors
// √(p(1−p)/n). All modes are captured, and the histogram is near uniform.
func TestModeCoverageOfTheData(t *testing.T) {
	const n = 20000
	wantHQ := 1 - math.Exp(-4.5)
	for _, m := range []*data.Mixture{data.Ring8(), data.Grid25(), data.Gaussians8(), data.Gaussians25()} {
		t.Run(m.Name, func(t *testing.T) {
			c := ModeCoverage(m.Sample(newRand(9), n), m.Centers, m.Std)
			assert.Equal(t, len(m.Centers), c.Modes)
			assert.InDelta(t, wantHQ, c.HighQuality, 5*math.Sqrt(wantHQ*(1-wantHQ)/n))
			// With K modes and H samples the histogram's reverse KL is about
			// (K−1)/(2H) from sampling noise alone: ≈ 0.0006 for K = 25.
			assert.Less(t, c.ReverseKL, 0.005)
		})
	}
}

func TestCoverageString(t *testing.T) {
	cases := []struct {
		c    Coverage
		want string
	}{
		{Coverage{Modes: 3, HighQuality: 0.975, ReverseKL: math.Log(8.0 / 3), Counts: make([]int, 8)},
			"modes 3/8, high quality 97.5%, reverse KL 0.981"},
		{Coverage{Modes: 0, HighQuality: 0, ReverseKL: math.Inf(1), Counts: make([]int, 25)},
			"modes 0/25, high quality 0.0%, reverse KL +Inf"},
	}
	for _, tc := range cases {
		t.Run(tc.want, func(t *testing.T) {
			assert.Equal(t, tc.want, tc.c.String())
		})
	}
}

func TestModeCoveragePanics(t *testing.T) {
	ring := data.Ring8().Centers
	points := tensor.Zeros(4, 2)
	require.Len(t, ring, 8)
	runPanicCases(t, []panicCase{
		{"samples not 2-D", tensor.ErrShape, "metrics: ModeCoverage: shape mismatch samples of shape (8), want (n, d)",
			func() { ModeCoverage(tensor.Zeros(8), ring, 0.01) }},
		{"no samples", tensor.ErrArgument, "metrics: ModeCoverage: bad argument no samples",
			func() { ModeCoverage(tensor.Zeros(0, 2), ring, 0.01) }},
		{"no centres", tensor.ErrArgument, "metrics: ModeCoverage: bad argument no centres",
			func() { ModeCoverage(points, nil, 0.01) }},
		{"centre length", tensor.ErrShape, "metrics: ModeCoverage: shape mismatch centre 1 of length 3 for samples of shape (4,2)",
			func() { ModeCoverage(points, [][]float64{{0, 0}, {0, 0, 0}}, 0.01) }},
		{"zero std", tensor.ErrArgument, "metrics: ModeCoverage: bad argument standard deviation 0",
			func() { ModeCoverage(points, ring, 0) }},
		{"NaN std", tensor.ErrArgument, "metrics: ModeCoverage: bad argument standard deviation NaN",
			func() { ModeCoverage(points, ring, math.NaN()) }},
	})
}

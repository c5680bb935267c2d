package gan

import (
	"errors"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"ganbook/gan/data"
	"ganbook/gan/metrics"
	"ganbook/tensor"
)

// lsGrid is the grid of testdata/relativistic_ls.json: the cell midpoints
// and p_d = 0.6·N(−2, 0.5²) + 0.4·N(2, 0.5²), p_g = N(0, 2²) on them.
type lsGrid struct {
	xs, p, q []float64
	h        float64
}

func newLSGrid(lo, hi float64, n int) lsGrid {
	pd := data.Mixture1D([]float64{-2, 2}, 0.5, []float64{0.6, 0.4})
	pg := data.Mixture1D([]float64{0}, 2, nil)
	g := lsGrid{h: (hi - lo) / float64(n)}
	for i := range n {
		x := lo + (float64(i)+0.5)*g.h
		g.xs = append(g.xs, x)
		g.p = append(g.p, pd.Density([]float64{x}))
		g.q = append(g.q, pg.Density([]float64{x}))
	}
	return g
}

// optimal returns D* on every cell of the grid.
func (g lsGrid) optimal(l LeastSquares) []float64 {
	out := make([]float64, len(g.xs))
	for i := range out {
		out[i] = l.OptimalOutput(g.p[i], g.q[i])
	}
	return out
}

// The grid values against PyTorch: both players' losses for an arbitrary
// output curve, D* at every 40th cell, and both losses at D*.
func TestLeastSquaresGridMatchesPyTorch(t *testing.T) {
	gold := loadRelativisticLSGolden(t).Grid
	g := newLSGrid(gold.Lo, gold.Hi, gold.N)
	require.Len(t, gold.Outputs, gold.N)
	require.Len(t, gold.Cases, 2)
	for _, c := range gold.Cases {
		l := LeastSquares{A: c.A, B: c.B, C: c.C}
		assert.InDelta(t, c.DValue, l.DiscriminatorValue(gold.Outputs, g.p, g.q, g.h), 1e-12, "D value %+v", l)
		assert.InDelta(t, c.GValue, l.GeneratorValue(gold.Outputs, g.p, g.q, g.h), 1e-12, "G value %+v", l)
		opt := g.optimal(l)
		var every40 []float64
		for i := 0; i < len(opt); i += 40 {
			every40 = append(every40, opt[i])
		}
		assertSlice(t, c.Optimal, every40, 1e-12, "D*")
		assert.InDelta(t, c.DValueAtOptimum, l.DiscriminatorValue(opt, g.p, g.q, g.h), 1e-12, "D value at D*")
		assert.InDelta(t, c.GValueAtOptimum, l.GeneratorValue(opt, g.p, g.q, g.h), 1e-12, "G value at D*")
	}
}

// The paper's theorem on the grid: with (a, b, c) = (−1, 1, 0) and D = D*,
// G's objective is ½·χ²(p_d + p_g ‖ 2p_g), whether the χ² is summed by
// PyTorch in the paper's form or by metrics.PearsonChi2OfDensities; and
// D's loss at D* is ½·∫(p_d + p_g) minus it, a cell-by-cell identity
// ((p − q)² + 4pq = (p + q)²). The 0-1 coding (0, 1, 1) has b − c = 0: its
// D* − c is −p_g/(p_d + p_g), and its G objective at D* is ½·∫ p_g²/(p_d + p_g),
// another number.
func TestLeastSquaresChi2Identity(t *testing.T) {
	gold := loadRelativisticLSGolden(t).Grid
	g := newLSGrid(gold.Lo, gold.Hi, gold.N)
	l := PearsonLeastSquares()
	opt := g.optimal(l)
	value := l.GeneratorValue(opt, g.p, g.q, g.h)
	assert.InDelta(t, gold.HalfChi2, value, 1e-12)

	pd := data.Mixture1D([]float64{-2, 2}, 0.5, []float64{0.6, 0.4})
	pg := data.Mixture1D([]float64{0}, 2, nil)
	sum := func(x float64) float64 { return pd.Density([]float64{x}) + pg.Density([]float64{x}) }
	twice := func(x float64) float64 { return 2 * pg.Density([]float64{x}) }
	chi2 := metrics.PearsonChi2OfDensities(sum, twice, gold.Lo, gold.Hi, gold.N)
	assert.InDelta(t, chi2/2, value, 1e-12)
	mass := 0.0
	for i := range g.xs {
		mass += (g.p[i] + g.q[i]) * g.h
	}
	assert.InDelta(t, mass/2, value+l.DiscriminatorValue(opt, g.p, g.q, g.h), 1e-12)

	binary := BinaryLeastSquares()
	other := 0.0
	for i := range g.xs {
		other += g.q[i] * g.q[i] / (g.p[i] + g.q[i]) * g.h / 2
	}
	binaryValue := binary.GeneratorValue(g.optimal(binary), g.p, g.q, g.h)
	assert.InDelta(t, other, binaryValue, 1e-12)
	assert.Greater(t, math.Abs(binaryValue-value), 1e-3)
}

// D* is the weighted average of the targets, between a and b; it is NaN
// where both densities vanish.
func TestLeastSquaresOptimalOutput(t *testing.T) {
	l := LeastSquares{A: -0.5, B: 2, C: 0.7}
	assert.InDelta(t, 0.75, l.OptimalOutput(1, 1), 1e-15)
	assert.InDelta(t, 2, l.OptimalOutput(3, 0), 1e-15)
	assert.InDelta(t, -0.5, l.OptimalOutput(0, 0.2), 1e-15)
	assert.InDelta(t, (2*3-0.5*1)/4.0, l.OptimalOutput(3, 1), 1e-15)
	assert.True(t, math.IsNaN(l.OptimalOutput(0, 0)))
}

func TestLeastSquaresGridPanics(t *testing.T) {
	l := PearsonLeastSquares()
	three := []float64{1, 2, 3}
	for _, tc := range []struct {
		name, msg string
		kind      error
		f         func()
	}{
		{"lengths", "gan: LeastSquares.GeneratorValue: shape mismatch 3 outputs, 2 values of p_d, 3 of p_g",
			tensor.ErrShape, func() { l.GeneratorValue(three, []float64{1, 2}, three, 0.1) }},
		{"width", "gan: LeastSquares.DiscriminatorValue: bad argument cell width 0, want a finite h > 0",
			tensor.ErrArgument, func() { l.DiscriminatorValue(three, three, three, 0) }},
		{"infinite width", "gan: LeastSquares.GeneratorValue: bad argument cell width +Inf, want a finite h > 0",
			tensor.ErrArgument, func() { l.GeneratorValue(three, three, three, math.Inf(1)) }},
		{"density", "gan: LeastSquares.OptimalOutput: bad argument densities -1 and 2, want finite values ≥ 0",
			tensor.ErrArgument, func() { l.OptimalOutput(-1, 2) }},
		{"NaN density", "gan: LeastSquares.OptimalOutput: bad argument densities 1 and NaN, want finite values ≥ 0",
			tensor.ErrArgument, func() { l.OptimalOutput(1, math.NaN()) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			defer func() {
				err, ok := recover().(error)
				require.True(t, ok, "want a panic with an error")
				assert.True(t, errors.Is(err, tc.kind))
				assert.EqualError(t, err, tc.msg)
			}()
			tc.f()
		})
	}
}

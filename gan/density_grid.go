package gan

import (
	"math"

	"ganbook/gan/data"
)

// DensityGrid is the grid on which chapters 00 and 06 integrate two 1-D
// densities and compare a learned discriminator with the optimal one: n
// cells of width H on [lo, hi], evaluated at their midpoints X, with the
// densities p and q there, the optimal discriminator's output D*(x) for
// the chapter's loss, and the region where the comparison is made: the
// cells where (p + q)/2 is at least share of its largest value (outside
// it both densities are nearly 0, and so is any evidence about D*).
type DensityGrid struct {
	X, P, Q  []float64 // midpoints (n), p and q there
	Optimal  []float64 // D*(x) = optimal(p(x), q(x))
	H        float64   // the cells' width
	InRegion []bool    // the cells the comparison counts
}

// NewDensityGrid evaluates p, q and optimal(p, q) on the grid of n cells
// over [lo, hi] and marks the region of the cells whose (p + q)/2 is at
// least share of its largest value.
func NewDensityGrid(p, q *data.Mixture, lo, hi float64, n int, share float64, optimal func(px, qx float64) float64) DensityGrid {
	g := DensityGrid{H: (hi - lo) / float64(n)}
	peak := 0.0
	for i := range n {
		x := lo + (float64(i)+0.5)*g.H
		px, qx := p.Density([]float64{x}), q.Density([]float64{x})
		g.X, g.P, g.Q = append(g.X, x), append(g.P, px), append(g.Q, qx)
		g.Optimal = append(g.Optimal, optimal(px, qx))
		peak = math.Max(peak, (px+qx)/2)
	}
	for i := range n {
		g.InRegion = append(g.InRegion, (g.P[i]+g.Q[i])/2 >= share*peak)
	}
	return g
}

// Errors returns the largest and the mean |D(x) − D*(x)| over the region's
// cells, for D's outputs on the grid (in D*'s units: probabilities for the
// GAN's D, raw outputs for LSGAN's).
func (g DensityGrid) Errors(outputs []float64) (maxErr, meanErr float64) {
	n := 0
	for i, d := range outputs {
		if g.InRegion[i] {
			e := math.Abs(d - g.Optimal[i])
			maxErr = math.Max(maxErr, e)
			meanErr += e
			n++
		}
	}
	return maxErr, meanErr / float64(n)
}

// RegionBounds returns the left edge of the region's first cell and the
// right edge of its last one.
func (g DensityGrid) RegionBounds() (lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for i, in := range g.InRegion {
		if in {
			lo, hi = math.Min(lo, g.X[i]-g.H/2), math.Max(hi, g.X[i]+g.H/2)
		}
	}
	return lo, hi
}

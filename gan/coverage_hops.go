package gan

import (
	"math"

	"ganbook/gan/data"
	"ganbook/tensor"
)

// NearestModeShares returns, for each mode of m, the fraction of the
// samples (n, d) that lie closer to it than to any other mode, with no
// quality threshold: where the generator's mass is, even when it is not
// on the modes. A sample with a NaN coordinate counts for no mode (the
// shares then sum to less than 1). It panics with tensor.ErrShape unless
// samples is (n, d) with the mixture's d and n ≥ 1.
func NearestModeShares(samples *tensor.Tensor, m *data.Mixture) []float64 {
	if samples.Dims() != 2 || samples.Dim(0) < 1 || samples.Dim(1) != m.Dim() {
		panicf(tensor.ErrShape, "NearestModeShares", "samples %s for a mixture in %d dimensions",
			tensor.FormatShape(samples.Shape()), m.Dim())
	}
	n, d := samples.Dim(0), samples.Dim(1)
	x := samples.Data()
	counts := make([]int, len(m.Centers))
	for i := range n {
		best, bestSq := -1, math.Inf(1)
		for k, c := range m.Centers {
			sq := 0.0
			for j := range d {
				diff := x[i*d+j] - c[j]
				sq += diff * diff
			}
			if sq < bestSq {
				best, bestSq = k, sq
			}
		}
		if best >= 0 {
			counts[best]++
		}
	}
	shares := make([]float64, len(counts))
	for k, c := range counts {
		shares[k] = float64(c) / float64(n)
	}
	return shares
}

// DominantMode returns the mode that more than half of the samples lie
// closest to (see NearestModeShares), or −1 if no mode holds a majority. A
// generator collapsed into a blob beside one mode has that mode as its
// dominant one even when none of its samples is of high quality; a
// generator spread over the modes has none. It panics as
// NearestModeShares does.
func DominantMode(samples *tensor.Tensor, m *data.Mixture) int {
	for k, s := range NearestModeShares(samples, m) {
		if s > 0.5 {
			return k
		}
	}
	return -1
}

// ModeHops counts the changes of the dominant mode between consecutive
// evaluations (see DominantMode), skipping the evaluations that have none:
// one per move of a generator that carries its mass from mode to mode, as
// the plain GAN does on ring-8 in the unrolled GAN paper (arXiv
// 1611.02163, figure 1), and 0 for a generator that stays on one mode or
// spreads over several.
func ModeHops(dominant []int) int {
	hops, prev := 0, -1
	for _, k := range dominant {
		if k < 0 {
			continue
		}
		if prev >= 0 && k != prev {
			hops++
		}
		prev = k
	}
	return hops
}

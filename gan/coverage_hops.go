package gan

import (
	"ganbook/gan/data"
	"ganbook/tensor"
)

// DominantMode returns the mode of m that more than half of the samples
// (n, 2) lie closest to, or −1 if no mode holds a majority. It uses no
// quality threshold: a generator collapsed into a blob beside one mode
// has that mode as its dominant one even when none of its samples is of
// high quality, while a generator spread over all the modes has none. A
// sample with a NaN coordinate is closest to no mode. It panics with
// tensor.ErrShape unless samples is (n, d) with the mixture's d and n ≥ 1.
func DominantMode(samples *tensor.Tensor, m *data.Mixture) int {
	if samples.Dims() != 2 || samples.Dim(0) < 1 || samples.Dim(1) != m.Dim() {
		tensor.Panicf(tensor.ErrShape, "DominantMode", "samples %s for a mixture in %d dimensions",
			tensor.FormatShape(samples.Shape()), m.Dim())
	}
	n, d := samples.Dim(0), samples.Dim(1)
	x := samples.Data()
	counts := make([]int, len(m.Centers))
	for i := range n {
		best, bestSq := -1, 0.0
		for k, c := range m.Centers {
			sq := 0.0
			for j := range d {
				diff := x[i*d+j] - c[j]
				sq += diff * diff
			}
			if best < 0 || sq < bestSq {
				best, bestSq = k, sq
			}
		}
		if bestSq == bestSq { // not NaN
			counts[best]++
		}
	}
	for k, c := range counts {
		if 2*c > n {
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

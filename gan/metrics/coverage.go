package metrics

import (
	"fmt"
	"math"

	"ganbook/tensor"
)

// HighQualityDistance is the PacGAN threshold, in units of σ: a sample is of
// high quality when ‖x − μ‖/σ < HighQualityDistance for its nearest centre μ.
const HighQualityDistance = 3

// Coverage reports how a set of samples covers the modes of a mixture; see
// ModeCoverage.
type Coverage struct {
	// Modes is the number of modes captured: those that received at least
	// one high-quality sample.
	Modes int
	// HighQuality is the fraction of all samples that are of high quality,
	// in [0, 1].
	HighQuality float64
	// ReverseKL is KL(p ‖ uniform) = Σₖ pₖ·log(pₖ·K) in nats, where p is
	// the histogram of the high-quality samples over the K modes. It is 0
	// when every mode gets the same share, log(K/m) when m modes share
	// the samples equally, and +Inf when there are no high-quality samples.
	ReverseKL float64
	// Counts holds the number of high-quality samples assigned to each
	// mode, in the order of the centres.
	Counts []int
}

// String formats the coverage as one line, for example
//
//	modes 3/8, high quality 97.5%, reverse KL 0.981
func (c Coverage) String() string {
	return fmt.Sprintf("modes %d/%d, high quality %.1f%%, reverse KL %.3f",
		c.Modes, len(c.Counts), 100*c.HighQuality, c.ReverseKL)
}

// ModeCoverage measures n samples, an (n, d) tensor, against a mixture with
// K centres μₖ (each of length d) and common standard deviation σ = std, by
// the protocol of PacGAN (arXiv 1712.04086) and VEEGAN (arXiv 1705.07761):
//
//   - each sample x is assigned to the centre with the smallest normalised
//     distance ‖x − μₖ‖/σ (on a tie, the first such centre);
//   - it is of high quality if that distance is < 3 (HighQualityDistance);
//   - mode k is captured if at least one high-quality sample is assigned
//     to it;
//   - with cₖ high-quality samples at mode k and H = Σₖ cₖ, the histogram
//     pₖ = cₖ/H is compared with the uniform one:
//     ReverseKL = Σ_{pₖ>0} pₖ·log(pₖ·K). If H = 0 the histogram is not
//     defined and ReverseKL is +Inf, the worst value.
//
// A sample with a NaN coordinate is never of high quality. The papers draw
// 2,500 samples. ModeCoverage panics with tensor.ErrShape if samples is not
// 2-D or a centre's length is not d, and with tensor.ErrArgument if there
// are no samples or no centres, or std is not positive and finite.
func ModeCoverage(samples *tensor.Tensor, centers [][]float64, std float64) Coverage {
	checkCoverageArgs(samples, centers, std)
	n, d := samples.Dim(0), samples.Dim(1)
	x := samples.Data()
	counts := make([]int, len(centers))
	highQuality := 0
	for i := range n {
		k, distance := nearestCenter(x[i*d:(i+1)*d], centers)
		if k >= 0 && distance/std < HighQualityDistance {
			counts[k]++
			highQuality++
		}
	}
	modes := 0
	for _, c := range counts {
		if c > 0 {
			modes++
		}
	}
	return Coverage{
		Modes:       modes,
		HighQuality: float64(highQuality) / float64(n),
		ReverseKL:   reverseKL(counts, highQuality),
		Counts:      counts,
	}
}

// nearestCenter returns the index of the centre closest to x and the
// Euclidean distance to it, or −1 if no distance compares (x holds a NaN).
func nearestCenter(x []float64, centers [][]float64) (int, float64) {
	best, bestSquared := -1, math.Inf(1)
	for k, mu := range centers {
		squared := 0.0
		for j, xj := range x {
			diff := xj - mu[j]
			squared += diff * diff
		}
		if squared < bestSquared {
			best, bestSquared = k, squared
		}
	}
	return best, math.Sqrt(bestSquared)
}

// reverseKL returns Σₖ pₖ·log(pₖ·K) for pₖ = counts[k]/total, or +Inf when
// total is 0.
func reverseKL(counts []int, total int) float64 {
	if total == 0 {
		return math.Inf(1)
	}
	K := float64(len(counts))
	kl := 0.0
	for _, c := range counts {
		if c > 0 {
			p := float64(c) / float64(total)
			kl += p * math.Log(p*K)
		}
	}
	return kl
}

func checkCoverageArgs(samples *tensor.Tensor, centers [][]float64, std float64) {
	const op = "ModeCoverage"
	if samples.Dims() != 2 {
		panicf(tensor.ErrShape, op, "samples of shape %s, want (n, d)", tensor.FormatShape(samples.Shape()))
	}
	if samples.Dim(0) == 0 {
		panicf(tensor.ErrArgument, op, "no samples")
	}
	if len(centers) == 0 {
		panicf(tensor.ErrArgument, op, "no centres")
	}
	for k, mu := range centers {
		if len(mu) != samples.Dim(1) {
			panicf(tensor.ErrShape, op, "centre %d of length %d for samples of shape %s",
				k, len(mu), tensor.FormatShape(samples.Shape()))
		}
	}
	if !(std > 0) || math.IsInf(std, 1) {
		panicf(tensor.ErrArgument, op, "standard deviation %g", std)
	}
}

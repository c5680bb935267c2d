package metrics

import (
	"math"

	"ganbook/tensor"
)

// InceptionScore returns the Inception Score of a generator from a
// classifier's predictions on its samples (Salimans et al., arXiv
// 1606.03498, §4),
//
//	IS = exp( E_x KL(p(y|x) ‖ p(y)) ),   p(y) = E_x p(y|x),
//
// high when each sample is confidently one class (p(y|x) peaked) and the
// classes are used evenly (p(y) flat): it lies between 1 (every prediction
// the same) and K, the number of classes (confident and balanced). As in the
// reference code, the N rows of probs (N, K) are cut into splits
// consecutive parts, rows ⌊i·N/splits⌋ to ⌊(i+1)·N/splits⌋ − 1 for part i,
// p(y) is the mean over the part, and the score is computed per part; it
// returns the mean and the standard deviation (population, as np.std) of
// the splits' scores. The reference uses 10 splits (DefaultISSplits). Terms
// with p(y|x) = 0 contribute 0 (0·log 0 = 0).
//
// The classifier matters: scores from different classifiers are not
// comparable. It panics with tensor.ErrShape if probs is not 2-D, and with
// tensor.ErrArgument if splits is not in [1, N], or a row has a negative or
// non-finite entry or does not sum to 1 within 1e-6.
func InceptionScore(probs *tensor.Tensor, splits int) (mean, std float64) {
	const op = "InceptionScore"
	if probs.Dims() != 2 {
		panicf(tensor.ErrShape, op, "predictions %s are not (N,K)", tensor.FormatShape(probs.Shape()))
	}
	n, k := probs.Dim(0), probs.Dim(1)
	if splits < 1 || splits > n {
		panicf(tensor.ErrArgument, op, "%d splits of %d predictions", splits, n)
	}
	data := probs.Data()
	for i := range n {
		sum := 0.0
		for _, p := range data[i*k : (i+1)*k] {
			if !(p >= 0) || math.IsInf(p, 1) {
				panicf(tensor.ErrArgument, op, "row %d holds %g, not a probability", i, p)
			}
			sum += p
		}
		if math.Abs(sum-1) > 1e-6 {
			panicf(tensor.ErrArgument, op, "row %d sums to %g, not 1", i, sum)
		}
	}
	scores := make([]float64, splits)
	for s := range splits {
		lo, hi := s*n/splits, (s+1)*n/splits
		scores[s] = math.Exp(meanKLToMarginal(data[lo*k:hi*k], k))
	}
	for _, v := range scores {
		mean += v
	}
	mean /= float64(splits)
	for _, v := range scores {
		std += (v - mean) * (v - mean)
	}
	return mean, math.Sqrt(std / float64(splits))
}

// DefaultISSplits is the number of splits of the reference Inception Score
// code.
const DefaultISSplits = 10

// meanKLToMarginal returns (1/n)·Σₓ KL(p(·|x) ‖ p̄) for the n rows of k
// probabilities in rows, p̄ their mean.
func meanKLToMarginal(rows []float64, k int) float64 {
	n := len(rows) / k
	marginal := make([]float64, k)
	for i := range n {
		for j, p := range rows[i*k : (i+1)*k] {
			marginal[j] += p
		}
	}
	for j := range marginal {
		marginal[j] /= float64(n)
	}
	total := 0.0
	for i := range n {
		for j, p := range rows[i*k : (i+1)*k] {
			if p > 0 {
				total += p * (math.Log(p) - math.Log(marginal[j]))
			}
		}
	}
	return total / float64(n)
}

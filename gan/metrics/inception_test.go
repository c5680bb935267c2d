package metrics

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"ganbook/tensor"
)

// oneHot returns N rows of K classes, row i of class classes[i].
func oneHot(k int, classes ...int) *tensor.Tensor {
	t := tensor.Zeros(len(classes), k)
	for i, c := range classes {
		t.Set(1, i, c)
	}
	return t
}

func TestInceptionScoreClosedForms(t *testing.T) {
	// Every prediction uniform: p(y|x) = p(y), KL = 0, IS = 1.
	mean, std := InceptionScore(tensor.Full(0.25, 20, 4), DefaultISSplits)
	assert.InDelta(t, 1, mean, 1e-15)
	assert.InDelta(t, 0, std, 1e-15)
	// Confident and balanced within every split: KL = log K, IS = K.
	classes := make([]int, 20)
	for i := range classes {
		classes[i] = i % 4
	}
	mean, std = InceptionScore(oneHot(4, classes...), 5) // splits of 4 rows, one of each class
	assert.InDelta(t, 4, mean, 1e-14)
	assert.InDelta(t, 0, std, 1e-14)
	// Confident but collapsed onto one class: p(y) is that class, IS = 1.
	mean, _ = InceptionScore(oneHot(4, 2, 2, 2, 2), 1)
	assert.InDelta(t, 1, mean, 1e-15)
	// Two splits of different quality: classes {0, 1} then {0, 0}: scores
	// 2 and 1, mean 1.5, population std 0.5.
	mean, std = InceptionScore(oneHot(3, 0, 1, 0, 0), 2)
	assert.InDelta(t, 1.5, mean, 1e-15)
	assert.InDelta(t, 0.5, std, 1e-15)
}

// Splits are the reference code's ⌊i·N/s⌋ boundaries: with N = 5 and 2
// splits, rows 0–1 and 2–4.
func TestInceptionScoreSplitBoundaries(t *testing.T) {
	// Rows 0–1 cover two classes (score 2); rows 2–4 are classes 0, 1, 2
	// (score 3). Any other cut would mix them differently.
	mean, std := InceptionScore(oneHot(3, 0, 1, 0, 1, 2), 2)
	assert.InDelta(t, 2.5, mean, 1e-14)
	assert.InDelta(t, 0.5, std, 1e-14)
}

func TestInceptionScorePanics(t *testing.T) {
	runPanicCases(t, []panicCase{
		{"not 2-D", tensor.ErrShape, "metrics: InceptionScore: shape mismatch predictions (4) are not (N,K)", func() {
			InceptionScore(tensor.Full(0.25, 4), 1)
		}},
		{"too many splits", tensor.ErrArgument, "metrics: InceptionScore: bad argument 3 splits of 2 predictions", func() {
			InceptionScore(tensor.Full(0.5, 2, 2), 3)
		}},
		{"not a distribution", tensor.ErrArgument, "metrics: InceptionScore: bad argument row 1 sums to 1.5, not 1", func() {
			InceptionScore(tensor.FromRows([][]float64{{0.5, 0.5}, {1, 0.5}}), 1)
		}},
		{"negative", tensor.ErrArgument, "metrics: InceptionScore: bad argument row 0 holds -0.5, not a probability", func() {
			InceptionScore(tensor.FromRows([][]float64{{-0.5, 1.5}}), 1)
		}},
	})
}

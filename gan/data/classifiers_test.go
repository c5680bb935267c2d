package data_test

import (
	"math"
	"math/rand/v2"
)

// nearestCentroidAccuracy fits one mean image per class on the training
// images and returns the fraction of test images whose nearest mean (in
// Euclidean distance) has their label.
func nearestCentroidAccuracy(trainX []float64, trainY []int, testX []float64, testY []int, d int) float64 {
	centroids := make([]float64, 10*d)
	counts := make([]float64, 10)
	for i, y := range trainY {
		counts[y]++
		for j, v := range trainX[i*d : (i+1)*d] {
			centroids[y*d+j] += v
		}
	}
	for c := range 10 {
		for j := range d {
			centroids[c*d+j] /= max(1, counts[c])
		}
	}
	correct := 0
	for i, y := range testY {
		x := testX[i*d : (i+1)*d]
		best, bestDist := -1, math.Inf(1)
		for c := range 10 {
			dist := 0.0
			for j, v := range x {
				e := v - centroids[c*d+j]
				dist += e * e
			}
			if dist < bestDist {
				best, bestDist = c, dist
			}
		}
		if best == y {
			correct++
		}
	}
	return float64(correct) / float64(len(testY))
}

// softmaxRegressionAccuracy trains multinomial logistic regression
// (p = softmax(W·x + b)) with plain SGD, batch 1, learning rate lr, for
// epochs passes in a shuffled order drawn from r, and returns its test
// accuracy.
func softmaxRegressionAccuracy(r *rand.Rand, trainX []float64, trainY []int, testX []float64, testY []int, d, epochs int, lr float64) float64 {
	w := make([]float64, 10*(d+1)) // row c: d weights, then the bias
	logits := make([]float64, 10)
	predict := func(x []float64) {
		for c := range 10 {
			row := w[c*(d+1) : (c+1)*(d+1)]
			s := row[d]
			for j, v := range x {
				s += row[j] * v
			}
			logits[c] = s
		}
		m := logits[0]
		for _, z := range logits {
			m = max(m, z)
		}
		sum := 0.0
		for c, z := range logits {
			logits[c] = math.Exp(z - m)
			sum += logits[c]
		}
		for c := range logits {
			logits[c] /= sum
		}
	}
	order := make([]int, len(trainY))
	for i := range order {
		order[i] = i
	}
	for range epochs {
		r.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		for _, i := range order {
			x := trainX[i*d : (i+1)*d]
			predict(x)
			for c := range 10 {
				g := logits[c] // ∂(−log p_y)/∂z_c = p_c − [c = y]
				if c == trainY[i] {
					g--
				}
				row := w[c*(d+1) : (c+1)*(d+1)]
				for j, v := range x {
					row[j] -= lr * g * v
				}
				row[d] -= lr * g
			}
		}
	}
	correct := 0
	for i, y := range testY {
		predict(testX[i*d : (i+1)*d])
		best := 0
		for c := range 10 {
			if logits[c] > logits[best] {
				best = c
			}
		}
		if best == y {
			correct++
		}
	}
	return float64(correct) / float64(len(testY))
}

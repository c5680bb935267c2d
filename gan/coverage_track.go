package gan

import (
	"fmt"
	"math"
	"math/rand/v2"

	"ganbook/gan/data"
	"ganbook/gan/metrics"
	"ganbook/gan/plot"
	"ganbook/tensor"
)

// CoverageTrack follows how a generator's samples spread over the modes of
// a mixture during training: at each evaluation it measures a batch of
// generated samples with metrics.ModeCoverage (the PacGAN/VEEGAN protocol,
// arXiv 1712.04086, 1705.07761) and keeps the result, including the
// histogram of high-quality samples over the K modes. A generator that
// hops from mode to mode shows up as histograms whose mass moves between
// evaluations; Heatmap draws them side by side and Drift measures the
// movement.
type CoverageTrack struct {
	Centers   [][]float64        // the K mode centres μₖ
	Std       float64            // σ of every mode
	Steps     []int              // the training step of each evaluation
	Coverages []metrics.Coverage // the measurement at each evaluation
	Samples   []int              // the number of samples measured at each evaluation
}

// NewCoverageTrack returns an empty track for the modes of m.
func NewCoverageTrack(m *data.Mixture) *CoverageTrack {
	return &CoverageTrack{Centers: m.Centers, Std: m.Std}
}

// Add measures samples (n, d) at a training step, records the result and
// returns it. It panics as metrics.ModeCoverage does (tensor.ErrShape for
// samples that are not (n, d), tensor.ErrArgument for n = 0).
func (t *CoverageTrack) Add(step int, samples *tensor.Tensor) metrics.Coverage {
	c := metrics.ModeCoverage(samples, t.Centers, t.Std)
	t.Steps = append(t.Steps, step)
	t.Coverages = append(t.Coverages, c)
	t.Samples = append(t.Samples, samples.Dim(0))
	return c
}

// Len returns the number of evaluations recorded.
func (t *CoverageTrack) Len() int { return len(t.Steps) }

// Shares returns the K × E matrix, row-major, of the fraction of all
// samples that landed, with high quality, at mode k in evaluation e:
// Counts[k]/n. Columns sum to that evaluation's high-quality fraction.
func (t *CoverageTrack) Shares() []float64 {
	K, E := len(t.Centers), t.Len()
	out := make([]float64, K*E)
	for e, c := range t.Coverages {
		for k, count := range c.Counts {
			out[k*E+e] = float64(count) / float64(t.Samples[e])
		}
	}
	return out
}

// Drift is the mean, over consecutive evaluations, of the total variation
// distance between their mode histograms,
//
//	Drift = 1/|P| · Σ_{e ∈ P} ½·Σₖ |pₖ(e) − pₖ(e−1)|,   pₖ(e) = Countsₖ(e)/Σⱼ Countsⱼ(e),
//
// over the set P of consecutive pairs (e−1, e) that both have a histogram:
// all E−1 pairs when every evaluation has high-quality samples; one
// without has no histogram, and the pairs on either side of it are left
// out. It is a number in [0, 1]: 0 when the share of every mode stays put,
// 1 when each evaluation's samples sit on modes the previous one did not
// touch. Drift is NaN with fewer than
// two usable evaluations.
func (t *CoverageTrack) Drift() float64 {
	sum, pairs := 0.0, 0
	for e := 1; e < t.Len(); e++ {
		prev, cur := t.Coverages[e-1].Counts, t.Coverages[e].Counts
		np, nc := total(prev), total(cur)
		if np == 0 || nc == 0 {
			continue
		}
		tv := 0.0
		for k := range cur {
			tv += math.Abs(float64(cur[k])/float64(nc) - float64(prev[k])/float64(np))
		}
		sum += tv / 2
		pairs++
	}
	if pairs == 0 {
		return math.NaN()
	}
	return sum / float64(pairs)
}

func total(counts []int) int {
	n := 0
	for _, c := range counts {
		n += c
	}
	return n
}

// Heatmap pictures the track with SharesHeatmap: the colour is the share
// of all samples that landed at the mode with high quality (Shares), on a
// scale from 0 to the largest share seen. It panics with
// tensor.ErrArgument if the track is empty.
func (t *CoverageTrack) Heatmap(title string) plot.Heatmap {
	if t.Len() == 0 {
		panicf(tensor.ErrArgument, "CoverageTrack.Heatmap", "no evaluations recorded")
	}
	shares := make([][]float64, t.Len()) // [evaluation][mode]
	for e, c := range t.Coverages {
		shares[e] = make([]float64, len(c.Counts))
		for k, count := range c.Counts {
			shares[e][k] = float64(count) / float64(t.Samples[e])
		}
	}
	h := SharesHeatmap(title, t.Centers, t.Steps, shares)
	h.ValueLabel = "share of all samples"
	return h
}

// SharesHeatmap pictures where a generator's samples were during training:
// one row per mode, labelled with its index and its centre rounded to two
// decimals ("3 (-0.71,0.71)"); one column per evaluation, the x axis the
// training step steps[e]; the colour of cell (k, e) shares[e][k], the
// share of evaluation e's samples at mode k, on a scale from 0 to the
// largest share (1 if every share is 0). The labels say "generator step",
// "mode (centre)" and "share of the samples"; a caller whose shares mean
// something narrower, or that wants several pictures on one scale, sets
// ValueLabel, YLabel or Max on the result. It panics with
// tensor.ErrArgument if there is no evaluation, if steps and shares differ
// in length, or if an evaluation has not one share per centre.
func SharesHeatmap(title string, centers [][]float64, steps []int, shares [][]float64) plot.Heatmap {
	rows, cols := len(centers), len(shares)
	if cols == 0 || len(steps) != cols {
		panicf(tensor.ErrArgument, "SharesHeatmap", "%d steps for %d evaluations (want as many, at least one)", len(steps), cols)
	}
	values := make([]float64, rows*cols) // row-major: mode k, evaluation e at k·cols + e
	hi := 0.0
	for e, s := range shares {
		if len(s) != rows {
			panicf(tensor.ErrArgument, "SharesHeatmap", "evaluation %d has %d shares for %d modes", e, len(s), rows)
		}
		for k, v := range s {
			values[k*cols+e] = v
			hi = math.Max(hi, v)
		}
	}
	if hi == 0 {
		hi = 1
	}
	labels := make([]string, rows)
	for k, c := range centers {
		labels[k] = fmt.Sprintf("%d (%s)", k, formatCentre(c))
	}
	colValues := make([]float64, cols)
	for e, s := range steps {
		colValues[e] = float64(s)
	}
	return plot.Heatmap{Rows: rows, Cols: cols, Values: values, Min: 0, Max: hi,
		Title: title, XLabel: "generator step", YLabel: "mode (centre)", ValueLabel: "share of the samples",
		RowLabels: labels, ColValues: colValues}
}

// formatCentre writes a centre rounded to two decimals: "1,0" or "0.71,-0.71".
func formatCentre(c []float64) string {
	s := ""
	for i, v := range c {
		if i > 0 {
			s += ","
		}
		rounded := math.Round(v*100)/100 + 0 // +0 turns −0 into 0
		s += fmt.Sprint(rounded)
	}
	return s
}

// UniformCoverage is what the coverage protocol gives a "generator" that
// knows nothing but the data's extent: n points drawn uniformly from the
// bounding box of m's centres grown by an eighth of its size on each side
// (for grid-25 the square [−5, 5]², half a grid step beyond the outer
// modes; for ring-8 [−1.25, 1.25]²), from a stream of seed's own. With σ
// small next to the box, each mode catches a high-quality point with a
// small probability p, so the mode count is about K·(1 − (1 − p)ⁿ):
// samples spread everywhere "capture" modes without being near any of
// them, which is why modes must be read together with the high-quality
// fraction.
func UniformCoverage(m *data.Mixture, n int, seed uint64) metrics.Coverage {
	lo, hi := []float64{math.Inf(1), math.Inf(1)}, []float64{math.Inf(-1), math.Inf(-1)}
	for _, c := range m.Centers {
		for j := range 2 {
			lo[j], hi[j] = math.Min(lo[j], c[j]), math.Max(hi[j], c[j])
		}
	}
	r := rand.New(rand.NewPCG(seed, 7))
	x := tensor.Zeros(n, 2)
	d := x.Data()
	for i := range d {
		j := i % 2
		pad := (hi[j] - lo[j]) / 8
		d[i] = lo[j] - pad + r.Float64()*(hi[j]-lo[j]+2*pad)
	}
	return metrics.ModeCoverage(x, m.Centers, m.Std)
}

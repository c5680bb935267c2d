package data

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Each component gets its share of the samples exactly, the left-over ones
// going to the largest remainders, and every sample lies near its own
// component's centre.
func TestSampleStratifiedCounts(t *testing.T) {
	for _, c := range []struct {
		name    string
		m       *Mixture
		n       int
		want    []int
		nearest bool
	}{
		{"8 equal modes, 256 samples", Gaussians8(), 256, []int{32, 32, 32, 32, 32, 32, 32, 32}, true},
		{"8 equal modes, 10 samples", Gaussians8(), 10, []int{2, 2, 1, 1, 1, 1, 1, 1}, true},
		{"weights 1:2:5 (shares 1.25, 2.5, 6.25), 10 samples",
			&Mixture{Centers: [][]float64{{0}, {10}, {20}}, Std: 0.1, Weights: []float64{1, 2, 5}}, 10, []int{1, 3, 6}, true},
		{"a zero weight gets none", &Mixture{Centers: [][]float64{{0}, {10}}, Std: 0.1, Weights: []float64{0, 3}}, 7, []int{0, 7}, true},
		{"no samples", Ring8(), 0, []int{0, 0, 0, 0, 0, 0, 0, 0}, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			assert.Equal(t, c.want, c.m.stratifiedCounts(c.n))
			x := c.m.SampleStratified(newRand(1), c.n)
			require.Equal(t, []int{c.n, c.m.Dim()}, x.Shape())
			d := c.m.Dim()
			i := 0
			for k, count := range c.want {
				for range count {
					dist := 0.0
					for j, mu := range c.m.Centers[k] {
						dist += (x.Data()[i*d+j] - mu) * (x.Data()[i*d+j] - mu)
					}
					assert.Less(t, math.Sqrt(dist), 6*c.m.Std, "row %d belongs to component %d", i, k)
					i++
				}
			}
		})
	}
}

func TestSampleStratifiedIsDeterministicAndPanics(t *testing.T) {
	m := Grid25()
	assert.Equal(t, m.SampleStratified(newRand(5), 60).Data(), m.SampleStratified(newRand(5), 60).Data())
	assert.NotEqual(t, m.SampleStratified(newRand(5), 60).Data(), m.SampleStratified(newRand(6), 60).Data())
	assert.Panics(t, func() { m.SampleStratified(newRand(1), -1) })
	assert.Panics(t, func() { (&Mixture{Std: 1}).SampleStratified(newRand(1), 3) })
}

package gan

import (
	"errors"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"ganbook/gan/data"
	"ganbook/tensor"
)

// onModes returns one sample exactly on the centre of m's mode k for each
// k in ks, and a far-away sample (never of high quality) for each −1.
func onModes(m *data.Mixture, ks ...int) *tensor.Tensor {
	rows := make([][]float64, len(ks))
	for i, k := range ks {
		if k < 0 {
			rows[i] = []float64{100, 100}
			continue
		}
		rows[i] = append([]float64(nil), m.Centers[k]...)
	}
	return tensor.FromRows(rows)
}

func TestCoverageTrackRecordsEvaluations(t *testing.T) {
	ring := data.Ring8()
	track := NewCoverageTrack(ring)
	c := track.Add(10, onModes(ring, 0, 0, 1, -1))
	assert.Equal(t, 2, c.Modes)
	track.Add(20, onModes(ring, 2, 2, 2, 2))
	require.Equal(t, 2, track.Len())
	assert.Equal(t, []int{10, 20}, track.Steps)
	assert.Equal(t, []int{4, 4}, track.Samples)
	assert.Equal(t, []int{2, 1, 0, 0, 0, 0, 0, 0}, track.Coverages[0].Counts)

	// Shares is modes × evaluations, row-major: mode 0 has 2 of 4 samples
	// in the first evaluation, mode 1 one, mode 2 all four in the second.
	shares := track.Shares()
	require.Len(t, shares, 8*2)
	want := make([]float64, 16)
	want[0*2+0], want[1*2+0], want[2*2+1] = 0.5, 0.25, 1
	assert.InDeltaSlice(t, want, shares, 0)
}

func TestCoverageTrackDrift(t *testing.T) {
	ring := data.Ring8()
	cases := []struct {
		name    string
		batches [][]int // mode of each sample, −1 for a miss, per evaluation
		drift   float64
	}{
		// The histogram stays (½, ½) on modes 0 and 1: no movement.
		{"still", [][]int{{0, 1}, {1, 0}, {0, 0, 1, 1}}, 0},
		// All mass moves from mode 0 to mode 3 and back: TV 1 twice.
		{"hopping", [][]int{{0, 0}, {3, 3}, {0}}, 1},
		// (1, 0) → (½, ½): TV ½; misses do not count in the histogram.
		{"spreading", [][]int{{0, -1}, {0, 1, -1, -1}}, 0.5},
		// The middle evaluation has no high-quality sample: both of its
		// differences are skipped, leaving none.
		{"gap", [][]int{{0}, {-1}, {1}}, math.NaN()},
		// (1, 0, 0) → (⅓, ⅓, ⅓): TV = ½(⅔ + ⅓ + ⅓) = ⅔; then no change.
		{"mean of two", [][]int{{4}, {4, 5, 6}, {6, 5, 4}}, (2.0/3 + 0) / 2},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			track := NewCoverageTrack(ring)
			for i, b := range c.batches {
				track.Add(i, onModes(ring, b...))
			}
			if math.IsNaN(c.drift) {
				assert.True(t, math.IsNaN(track.Drift()))
				return
			}
			assert.InDelta(t, c.drift, track.Drift(), 1e-12)
		})
	}
}

func TestCoverageTrackHeatmap(t *testing.T) {
	ring := data.Ring8()
	track := NewCoverageTrack(ring)
	for step := 1; step <= 12; step++ {
		track.Add(step*5, onModes(ring, step%8, -1))
	}
	h := track.Heatmap("ring")
	assert.Equal(t, 8, h.Rows)
	assert.Equal(t, 12, h.Cols)
	assert.Equal(t, 0.0, h.Min)
	assert.Equal(t, 0.5, h.Max, "the largest share: one of two samples")
	require.Len(t, h.RowLabels, 8)
	assert.Equal(t, "0 (1,0)", h.RowLabels[0])
	assert.Equal(t, "3 (-0.71,0.71)", h.RowLabels[3])
	assert.Equal(t, []float64{5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55, 60}, h.ColValues)
	assert.Equal(t, "generator step", h.XLabel)
	assert.Equal(t, "mode (centre)", h.YLabel)
	assert.Equal(t, "share of all samples", h.ValueLabel, "high-quality samples among all of them")
	// Evaluation 0 (step 5) put its sample on mode 1.
	assert.Equal(t, 0.5, h.Values[1*12+0])
	_, err := h.Image()
	require.NoError(t, err)

	assert.PanicsWithError(t, "gan: CoverageTrack.Heatmap: bad argument no evaluations recorded", func() {
		NewCoverageTrack(ring).Heatmap("")
	})
}

// SharesHeatmap turns shares per evaluation into a modes × evaluations
// picture: cell (k, e) at k·E + e holds shares[e][k], the scale runs to
// the largest share, the rows name the modes, the columns' x values are
// the steps.
func TestSharesHeatmap(t *testing.T) {
	centers := [][]float64{{1, 0}, {-0.5, 0.866}, {-0.5, -0.866}}
	shares := [][]float64{ // [evaluation][mode]
		{0.5, 0.25, 0},
		{0, 0.1, 0.75},
	}
	h := SharesHeatmap("three modes", centers, []int{10, 30}, shares)
	assert.Equal(t, 3, h.Rows)
	assert.Equal(t, 2, h.Cols)
	assert.Equal(t, []float64{0.5, 0, 0.25, 0.1, 0, 0.75}, h.Values)
	assert.Equal(t, 0.0, h.Min)
	assert.Equal(t, 0.75, h.Max)
	assert.Equal(t, []string{"0 (1,0)", "1 (-0.5,0.87)", "2 (-0.5,-0.87)"}, h.RowLabels)
	assert.Equal(t, []float64{10, 30}, h.ColValues)
	assert.Equal(t, "three modes", h.Title)
	assert.Equal(t, "share of the samples", h.ValueLabel)
	_, err := h.Image()
	require.NoError(t, err)

	// No sample anywhere: the scale still runs from 0 to 1.
	assert.Equal(t, 1.0, SharesHeatmap("", centers, []int{1}, [][]float64{{0, 0, 0}}).Max)

	for name, bad := range map[string]func(){
		"no evaluation":   func() { SharesHeatmap("", centers, nil, nil) },
		"steps too short": func() { SharesHeatmap("", centers, []int{10}, shares) },
		"a share missing": func() { SharesHeatmap("", centers, []int{10}, [][]float64{{0.5, 0.5}}) },
	} {
		func() {
			defer func() {
				err, ok := recover().(error)
				require.True(t, ok, name)
				assert.True(t, errors.Is(err, tensor.ErrArgument), name)
			}()
			bad()
		}()
	}
}

func TestCoverageTrackHeatmapPanicIsTyped(t *testing.T) {
	defer func() {
		err, ok := recover().(error)
		require.True(t, ok)
		assert.True(t, errors.Is(err, tensor.ErrArgument))
	}()
	NewCoverageTrack(data.Grid25()).Heatmap("")
}

package gan

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"ganbook/tensor"
)

func TestSeriesWindowMeans(t *testing.T) {
	s := &Series{Name: "loss", Steps: []int{1, 2, 3, 4, 5, 6, 7}, Values: []float64{1, 3, 2, 4, 10, 20, 6}}
	for _, tc := range []struct {
		name        string
		window      int
		steps, mean []float64 // the points: a window's last step and its mean
	}{
		{"windows of 1: the series itself", 1, []float64{1, 2, 3, 4, 5, 6, 7}, []float64{1, 3, 2, 4, 10, 20, 6}},
		{"windows of 2, the last one shorter", 2, []float64{2, 4, 6, 7}, []float64{2, 3, 15, 6}},
		{"windows of 3, the last one shorter", 3, []float64{3, 6, 7}, []float64{2, 34.0 / 3, 6}},
		{"one window of everything", 7, []float64{7}, []float64{46.0 / 7}},
		{"a window longer than the series", 10, []float64{7}, []float64{46.0 / 7}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := s.WindowMeans(tc.window)
			assert.Equal(t, "loss", l.Name)
			require.Len(t, l.Points, len(tc.steps))
			for i, p := range l.Points {
				assert.Equal(t, tc.steps[i], p.X, "point %d", i)
				assert.InDelta(t, tc.mean[i], p.Y, 1e-15, "point %d", i)
			}
		})
	}
	assert.Empty(t, (&Series{Name: "empty"}).WindowMeans(3).Points)
}

func TestSeriesWindowMeansPanicsOnWindowBelowOne(t *testing.T) {
	defer func() {
		err, ok := recover().(error)
		require.True(t, ok, "panics with an error")
		assert.True(t, errors.Is(err, tensor.ErrArgument))
		assert.Contains(t, err.Error(), "gan: Series.WindowMeans")
	}()
	(&Series{Name: "x", Steps: []int{1}, Values: []float64{1}}).WindowMeans(0)
}

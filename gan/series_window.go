package gan

import (
	"ganbook/gan/plot"
	"ganbook/tensor"
)

// WindowMeans averages a per-step series over consecutive windows of
// window values, as a chart line named after the series: for windows
// w_k = values[k·window : (k+1)·window], the point
//
//	(step of w_k's last value, mean of w_k),
//
// the last window holding whatever is left (it may be shorter). A
// quantity recorded at every training step becomes one point per
// evaluation window when window is the run's EvalEvery. An empty series
// gives a line without points. It panics with tensor.ErrArgument if
// window is below 1.
func (s *Series) WindowMeans(window int) plot.Line {
	if window < 1 {
		panicf(tensor.ErrArgument, "Series.WindowMeans", "window %d", window)
	}
	var pts []plot.Point
	sum, n := 0.0, 0
	for i, v := range s.Values {
		sum += v
		n++
		if n == window || i == len(s.Values)-1 {
			pts = append(pts, plot.Point{X: float64(s.Steps[i]), Y: sum / float64(n)})
			sum, n = 0, 0
		}
	}
	return plot.Line{Name: s.Name, Points: pts}
}

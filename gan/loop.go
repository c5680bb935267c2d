package gan

import (
	"fmt"
	"io"
	"math"

	"ganbook/autograd"
	"ganbook/gan/progress"
)

// Scalar is a named number: a loss at one step, a metric at one evaluation.
type Scalar struct {
	Name  string
	Value float64
}

// Loop runs a training run of Steps steps: the shared mechanics, so that a
// chapter only writes what happens in one step.
type Loop struct {
	Name      string          // label of the progress bar
	Steps     int             // number of steps, ≥ 1
	EvalEvery int             // evaluate every EvalEvery steps (0: only after the last)
	Progress  io.Writer       // where progress goes (os.Stderr); nil for none
	Watch     []*autograd.Var // parameters whose values and gradients must stay finite
}

// DivergenceError reports a quantity that became NaN or infinite.
type DivergenceError struct {
	Step     int
	Quantity string
	Value    float64
}

func (e *DivergenceError) Error() string {
	return fmt.Sprintf("training diverged at step %d: %s is %v", e.Step, e.Quantity, e.Value)
}

// Run calls step(i) for i = 1..Steps and eval(i) every EvalEvery steps and
// after the last step (eval may be nil). Every scalar that step returns is
// recorded in the history under its name, and every scalar eval returns
// under its name at that step. After each step, the scalars and the watched
// parameters (values and, where present, gradients) are checked: the first
// NaN or ±Inf stops the run with a *DivergenceError naming the step and the
// quantity. Run returns the history up to that point in any case.
func (l Loop) Run(step func(i int) []Scalar, eval func(i int) []Scalar) (*History, error) {
	h := NewHistory()
	if l.Steps < 1 {
		return h, fmt.Errorf("%s: steps must be at least 1, got %d", l.Name, l.Steps)
	}
	var bar *progress.Bar
	if l.Progress != nil {
		bar = progress.New(l.Progress, l.Steps, l.Name)
	}
	var shown []progress.Metric
	for i := 1; i <= l.Steps; i++ {
		for _, s := range step(i) {
			if bad(s.Value) {
				return h, &DivergenceError{Step: i, Quantity: s.Name, Value: s.Value}
			}
			h.Add(s.Name, i, s.Value)
		}
		if err := l.checkWatched(i); err != nil {
			return h, err
		}
		if eval != nil && (i == l.Steps || (l.EvalEvery > 0 && i%l.EvalEvery == 0)) {
			shown = shown[:0]
			for _, s := range eval(i) {
				h.Add(s.Name, i, s.Value)
				shown = append(shown, progress.Metric{Name: s.Name, Value: s.Value})
			}
		}
		if bar != nil {
			bar.Update(i, shown...)
		}
	}
	if bar != nil {
		bar.Finish()
	}
	return h, nil
}

func (l Loop) checkWatched(i int) error {
	for k, p := range l.Watch {
		if v, ok := firstBad(p.Value.Data()); ok {
			return &DivergenceError{Step: i, Quantity: fmt.Sprintf("parameter %d (%s)", k, shapeOf(p)), Value: v}
		}
		if p.Grad != nil {
			if v, ok := firstBad(p.Grad.Data()); ok {
				return &DivergenceError{Step: i, Quantity: fmt.Sprintf("gradient of parameter %d (%s)", k, shapeOf(p)), Value: v}
			}
		}
	}
	return nil
}

func shapeOf(v *autograd.Var) string { return fmt.Sprint(v.Shape()) }

func bad(v float64) bool { return math.IsNaN(v) || math.IsInf(v, 0) }

func firstBad(xs []float64) (float64, bool) {
	for _, v := range xs {
		if bad(v) {
			return v, true
		}
	}
	return 0, false
}

// History keeps every recorded series, in the order first seen.
type History struct {
	order  []string
	series map[string]*Series
}

// Series is one named quantity over steps.
type Series struct {
	Name   string
	Steps  []int
	Values []float64
}

// NewHistory returns an empty history.
func NewHistory() *History { return &History{series: map[string]*Series{}} }

// Add records value for name at step.
func (h *History) Add(name string, step int, value float64) {
	s := h.series[name]
	if s == nil {
		s = &Series{Name: name}
		h.series[name] = s
		h.order = append(h.order, name)
	}
	s.Steps = append(s.Steps, step)
	s.Values = append(s.Values, value)
}

// Get returns the series called name, or an empty one.
func (h *History) Get(name string) *Series {
	if s := h.series[name]; s != nil {
		return s
	}
	return &Series{Name: name}
}

// Names lists the series in the order they were first recorded.
func (h *History) Names() []string { return append([]string(nil), h.order...) }

// Last returns the last value of a series (NaN if it is empty).
func (s *Series) Last() float64 {
	if len(s.Values) == 0 {
		return math.NaN()
	}
	return s.Values[len(s.Values)-1]
}

// First returns the first value of a series (NaN if it is empty).
func (s *Series) First() float64 {
	if len(s.Values) == 0 {
		return math.NaN()
	}
	return s.Values[0]
}

// Xs returns the steps as float64, for plotting.
func (s *Series) Xs() []float64 {
	xs := make([]float64, len(s.Steps))
	for i, st := range s.Steps {
		xs[i] = float64(st)
	}
	return xs
}

package gan

import (
	"context"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"

	"ganbook/gan/progress"
	"ganbook/layers"
	"ganbook/tensor"
)

// Quantity is a named number: a loss at one step, a metric at one
// evaluation.
type Quantity struct {
	Name  string
	Value float64
}

// Loop runs a training run of Steps steps: the shared mechanics, so that a
// chapter only writes what happens in one step.
type Loop struct {
	Name      string    // names the run in the progress bar and in its errors: "WGAN-GP grid-25"
	Steps     int       // number of steps, ≥ 1
	EvalEvery int       // evaluate every EvalEvery steps (0: only after the last)
	Progress  io.Writer // where progress goes (os.Stderr); nil for none
	// Watch names the networks whose parameters must stay finite and within
	// ±ParameterLimit, and whose gradients must stay finite: {"G": G, "D": D}.
	Watch map[string]layers.Module
	// Context, when cancelled (Ctrl-C), stops the run at the next step
	// boundary with an *InterruptedError; nil means never.
	Context context.Context
}

// ParameterLimit is the largest magnitude a watched parameter may reach.
// No network of this project has a weight anywhere near 10⁶ while it
// trains; one that does has been thrown off by a learning rate far too
// large, and what it measures afterwards means nothing, even while every
// number is still finite.
const ParameterLimit = 1e6

// DivergenceError reports a quantity that became NaN or infinite, or a
// parameter that passed ±ParameterLimit.
type DivergenceError struct {
	Run      string // the Loop's Name
	Step     int
	Quantity string
	Value    float64
}

// Error returns "<Run>: training diverged at step <Step>: <Quantity> is
// NaN" (or +Inf, -Inf), or for a parameter beyond the limit "... <Quantity>
// reached 2.5e+06, beyond ±1e6 (is the learning rate too large?)".
func (e *DivergenceError) Error() string {
	what := fmt.Sprintf("%s is %v", e.Quantity, e.Value)
	if !bad(e.Value) {
		limit := strings.Replace(fmt.Sprintf("%g", ParameterLimit), "e+0", "e", 1)
		what = fmt.Sprintf("%s reached %.3g, beyond ±%s (is the learning rate too large?)", e.Quantity, e.Value, limit)
	}
	return fmt.Sprintf("%s: training diverged at step %d: %s", e.Run, e.Step, what)
}

// InterruptedError reports a run stopped through its Loop's Context after
// Step of Steps steps. It wraps the context's error, context.Canceled for
// Ctrl-C.
type InterruptedError struct {
	Run         string
	Step, Steps int
	Cause       error
}

// Error returns "<Run>: interrupted after step <Step> of <Steps>".
func (e *InterruptedError) Error() string {
	return fmt.Sprintf("%s: interrupted after step %d of %d", e.Run, e.Step, e.Steps)
}

// Unwrap returns Cause, the context's error, so that
// errors.Is(err, context.Canceled) holds for Ctrl-C.
func (e *InterruptedError) Unwrap() error { return e.Cause }

// Run calls step(i) for i = 1..Steps and eval(i) every EvalEvery steps and
// after the last step (eval may be nil). Every quantity that step returns
// is recorded in the history under its name, and every quantity eval
// returns under its name at that step. After each step, the quantities and
// the watched parameters (values and, where present, gradients) are
// checked: the first NaN or ±Inf, or a parameter beyond ±ParameterLimit,
// stops the run with a *DivergenceError naming the run, the step and the
// quantity. A cancelled Context stops it before the next step with an
// *InterruptedError. Either way the progress line is finished first, and
// Run returns the history up to that point.
func (l Loop) Run(step func(i int) []Quantity, eval func(i int) []Quantity) (*History, error) {
	h := NewHistory()
	if l.Steps < 1 {
		return h, fmt.Errorf("%s: steps must be at least 1, got %d", l.Name, l.Steps)
	}
	var bar *progress.Bar
	if l.Progress != nil {
		bar = progress.New(l.Progress, l.Steps, l.Name)
	}
	stop := func(err error) (*History, error) {
		if bar != nil {
			bar.Finish()
		}
		return h, err
	}
	watched := l.watched()
	var shown []progress.Metric
	for i := 1; i <= l.Steps; i++ {
		if l.Context != nil && l.Context.Err() != nil {
			return stop(&InterruptedError{Run: l.Name, Step: i - 1, Steps: l.Steps, Cause: l.Context.Err()})
		}
		for _, s := range step(i) {
			if bad(s.Value) {
				return stop(&DivergenceError{Run: l.Name, Step: i, Quantity: s.Name, Value: s.Value})
			}
			h.Add(s.Name, i, s.Value)
		}
		if err := checkWatched(watched, l.Name, i); err != nil {
			return stop(err)
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
	return stop(nil)
}

// namedParam is a watched parameter with its full name, "D.2.weight".
type namedParam struct {
	name  string
	param layers.Parameter
}

// watched lists the watched parameters in a fixed order (by network name).
func (l Loop) watched() []namedParam {
	var out []namedParam
	keys := make([]string, 0, len(l.Watch))
	for k := range l.Watch {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		for _, p := range l.Watch[k].Parameters() {
			out = append(out, namedParam{k + "." + p.Name, p})
		}
	}
	return out
}

func checkWatched(params []namedParam, run string, i int) error {
	for _, p := range params {
		v := p.param.Var
		what := func() string { return fmt.Sprintf("%s (%s)", p.name, shapeText(v.Shape())) } // only for the error
		if x, ok := firstBad(v.Value.Data(), ParameterLimit); ok {
			return &DivergenceError{Run: run, Step: i, Quantity: what(), Value: x}
		}
		if v.Grad != nil {
			if x, ok := firstBad(v.Grad.Data(), math.Inf(1)); ok {
				return &DivergenceError{Run: run, Step: i, Quantity: "the gradient of " + what(), Value: x}
			}
		}
	}
	return nil
}

// shapeText writes a shape as "64×2".
func shapeText(shape []int) string {
	s := make([]string, len(shape))
	for i, d := range shape {
		s[i] = fmt.Sprint(d)
	}
	return strings.Join(s, "×")
}

func bad(v float64) bool { return math.IsNaN(v) || math.IsInf(v, 0) }

// firstBad returns the first value that is NaN, infinite or beyond ±limit.
// It runs over every parameter and gradient after every step, so it makes
// one test of |v| per value in the common case: |v| ≤ limit is false for
// NaN, and |v| ≤ MaxFloat64 rules out ±Inf when limit is +Inf.
func firstBad(xs []float64, limit float64) (float64, bool) {
	for _, v := range xs {
		if a := math.Abs(v); !(a <= limit) || a > math.MaxFloat64 {
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

// Has says whether a series called name was recorded.
func (h *History) Has(name string) bool { return h.series[name] != nil }

// Get returns the series called name. A name never recorded is a mistake
// (a typo would otherwise become a null metric and an empty chart line), so
// Get panics with tensor.ErrArgument, listing the names there are; use Has
// to ask first.
func (h *History) Get(name string) *Series {
	s := h.series[name]
	if s == nil {
		panicf(tensor.ErrArgument, "History.Get", "no series %q (recorded: %q)", name, h.order)
	}
	return s
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

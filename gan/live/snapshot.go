package live

import (
	"math"
	"strconv"

	"ganbook/autograd"
	"ganbook/tensor"
)

// Snapshot is what the page draws: the state of the run after Step
// generator updates, computed on the training goroutine and never changed
// after it is published, so HTTP handlers may read it freely. It is sent as
// JSON by /state and /events; arrays of points are flat, row-major, with
// Dim numbers per point.
type Snapshot struct {
	Seq     uint64 `json:"seq"`     // publication number, increasing
	Step    int    `json:"step"`    // generator updates done
	Running bool   `json:"running"` // training, as opposed to paused
	// Error, when not empty, says why the run stopped by itself: a NaN or
	// ±Inf in training (the run is paused until reset).
	Error  string `json:"error,omitempty"`
	Config Config `json:"config"` // the settings in force
	// Dim is the data's dimension, 1 or 2. Window is the part of the
	// plane shown: x from Window[0] to Window[1], y from Window[2] to
	// Window[3] (unused in 1-D).
	Dim    int        `json:"dim"`
	Window [4]float64 `json:"window"`

	// Heat is the discriminator on a grid of the window.
	Heat Heat `json:"heat"`
	// Real holds real samples (showN, Dim), Fake generated ones: G at a
	// fixed set of noise vectors, so that points move only as G changes.
	Real Numbers `json:"real"`
	Fake Numbers `json:"fake"`
	// Arrows holds, for the first arrowN generated samples xᵢ, the
	// direction in which the generator's loss pushes them, −n·∂L_G/∂xᵢ
	// (n = the number of samples in the batch, so each is the gradient of
	// that sample's own term): (arrowN, Dim).
	Arrows Numbers `json:"arrows"`
	// Manifold is G's image of a grid of noise.
	Manifold Manifold `json:"manifold"`
	// Centers holds the data's modes (K, Dim), empty for the swiss roll.
	Centers Numbers `json:"centers"`
	// Series are the losses (mean over windows of steps) and the metrics
	// (at every evaluation), for the charts.
	Series []Series `json:"series"`
	// StepsPerSecond is the recent training speed (wall time: the one
	// field that differs between two identical runs).
	StepsPerSecond float64 `json:"steps_per_second"`
}

// Heat is the discriminator on the window: NX × NY cells, row-major from
// the top-left (row 0 is the top of the window), each holding D at the
// cell's centre; NY = 1 in 1-D. For the classifier losses the values are
// D's probability that the point is real, σ(ℓ), in [0, 1] (Min = 0, Max =
// 1); for the Wasserstein losses they are the critic's raw scores, and Min
// and Max are their smallest and largest values.
type Heat struct {
	NX          int     `json:"nx"`
	NY          int     `json:"ny"`
	Values      Numbers `json:"values"`
	Min         float64 `json:"min"`
	Max         float64 `json:"max"`
	Probability bool    `json:"probability"` // values are probabilities (else critic scores)
}

// Manifold is the manifold view: the noise Z, a grid (N × N points,
// row-major, row j with the second coordinate fixed) in 2-D or N points on
// the line in 1-D, and X = G(Z), the same number of points in data space.
type Manifold struct {
	N int     `json:"n"`
	Z Numbers `json:"z"`
	X Numbers `json:"x"`
}

// Series is one quantity over steps. Chart names the chart it is drawn in:
// series of the same chart share its axes.
type Series struct {
	Name   string  `json:"name"`
	Chart  string  `json:"chart"`
	Steps  []int   `json:"steps"`
	Values Numbers `json:"values"`
}

// Numbers is a list of float64 that encodes to JSON with 5 significant
// digits (ample for a picture, and a third of the bytes) and writes NaN
// and ±Inf as null, which encoding/json would refuse.
type Numbers []float64

// MarshalJSON writes the numbers as a JSON array.
func (ns Numbers) MarshalJSON() ([]byte, error) {
	if ns == nil {
		return []byte("[]"), nil
	}
	b := make([]byte, 0, 8*len(ns)+2)
	b = append(b, '[')
	for i, v := range ns {
		if i > 0 {
			b = append(b, ',')
		}
		if math.IsNaN(v) || math.IsInf(v, 0) {
			b = append(b, "null"...)
			continue
		}
		b = strconv.AppendFloat(b, v, 'g', 5, 64)
	}
	return append(b, ']'), nil
}

// snapshot computes the picture of the run as it is now. It evaluates the
// networks (so it runs on the training goroutine) and copies every number
// into fresh slices: nothing in the result shares storage with a tensor.
// Seq, Running and StepsPerSecond are left for the caller.
func (e *engine) snapshot() *Snapshot {
	s := &Snapshot{Step: e.step, Error: e.diverged, Config: e.cfg, Dim: e.set.dim, Window: e.set.window,
		Real: Numbers(clone(e.showReal)), Centers: Numbers(clone(e.centers))}
	for _, h := range e.hist {
		s.Series = append(s.Series, Series{Name: h.name, Chart: h.chart,
			Steps: append([]int(nil), h.steps...), Values: Numbers(clone(h.values))})
	}

	d := e.set.dim
	show := tensor.Slice(e.evalZ, 0, 0, showN) // (showN, d)
	autograd.NoGrad(func() {
		s.Fake = Numbers(clone(e.G.Forward(autograd.Const(show)).Value.Data()))
		s.Manifold = Manifold{N: e.manifoldZ.Dim(0), Z: Numbers(clone(e.manifoldZ.Data())),
			X: Numbers(clone(e.G.Forward(autograd.Const(e.manifoldZ)).Value.Data()))}
		if d == 2 {
			s.Manifold.N = manifoldSide
		}
		s.Heat = e.heat()
	})

	// The arrows: x = the first arrowN generated points as a leaf that
	// requires a gradient, L_G = Loss.G(D(x)), and −n·∂L_G/∂x. Only the
	// input's gradient is computed; D's weights are not touched.
	x := autograd.Param(tensor.New(clone(s.Fake[:arrowN*d]), arrowN, d))
	lg := e.game.loss.G(nil, e.D.Forward(x))
	g := autograd.Grad([]*autograd.Var{lg}, []*autograd.Var{x}, false)[0].Value.Data()
	s.Arrows = make(Numbers, len(g))
	for i, v := range g {
		s.Arrows[i] = -float64(arrowN) * v
	}
	return s
}

// heat evaluates D on the cells' centres; it must run inside NoGrad.
func (e *engine) heat() Heat {
	out := e.D.Forward(autograd.Const(e.heatX)).Value.Data() // (cells, 1)
	h := Heat{NX: heatSide, NY: heatSide, Values: make(Numbers, len(out)), Probability: !e.loss.critic}
	if e.set.dim == 1 {
		h.NX, h.NY = heatLine, 1
	}
	h.Min, h.Max = 0, 1
	if h.Probability {
		for i, l := range out {
			h.Values[i] = 1 / (1 + math.Exp(-l)) // σ(ℓ)
		}
		return h
	}
	h.Min, h.Max = math.Inf(1), math.Inf(-1)
	for i, v := range out {
		h.Values[i] = v
		h.Min, h.Max = math.Min(h.Min, v), math.Max(h.Max, v)
	}
	if !(h.Max > h.Min) || math.IsInf(h.Max-h.Min, 0) { // flat (or non-finite): a range the page can draw
		h.Min, h.Max = 0, 1
	}
	return h
}

func clone(xs []float64) []float64 { return append([]float64(nil), xs...) }

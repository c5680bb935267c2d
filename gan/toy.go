package gan

import (
	"context"
	"fmt"
	"io"
	"math"
	"math/rand/v2"

	"ganbook/autograd"
	"ganbook/gan/data"
	"ganbook/gan/metrics"
	"ganbook/layers"
	"ganbook/tensor"
)

// ---- Toy runs: comparing games on 2-D mixtures ---------------------------------
//
// Several chapters compare ways of training a GAN on the same 2-D mixture
// (ring-8, grid-25, 8 Gaussians), and a comparison is only fair if
// everything but the method is the same: the networks' initial weights, the
// batches, the number of generator updates, the learning-rate schedule, the
// evaluation. A ToyRun is that common ground. The method itself, the Game,
// is written by the chapter that teaches it, where a reader sees it.

// Toy is what a game sees of a toy run: the two networks, the data, the
// batch size and the random streams. A game draws everything random from
// R, in the order it needs, so that two games that draw alike get the same
// batches.
type Toy struct {
	G, D    *layers.Sequential // G: z (N, 2) → x (N, 2); D: x (N, 2) → score (N, 1)
	Data    *data.Mixture
	Batch   int        // B
	R       *rand.Rand // the training stream: real batches, noise, a penalty's random points
	Monitor *rand.Rand // for measurements that must not change the training

	budget    ToyBudget
	steps     int
	stepNorms []float64 // gradient norms recorded during the current step
}

// Real draws a batch of real samples from R: (B, 2).
func (t *Toy) Real() *tensor.Tensor { return t.Data.Sample(t.R, t.Batch) }

// Noise draws a batch of noise z ~ N(0, I₂) from R: (B, 2).
func (t *Toy) Noise() *autograd.Var { return autograd.Const(tensor.RandN(t.R, t.Batch, 2)) }

// Fake returns G(z) for a fresh batch of noise, computed without recording
// a graph: a discriminator's update on it sends no gradient into G.
// (B, 2).
func (t *Toy) Fake() *tensor.Tensor {
	var fake *tensor.Tensor
	autograd.NoGrad(func() { fake = t.G.Forward(t.Noise()).Value })
	return fake
}

// LR is the learning rate of step i (1-based) for a game whose paper uses
// published: published times the budget's LRScale and, with LinearDecay,
// falling linearly to 1/Steps of that at the last step,
// lr(i) = published·LRScale·(Steps − i + 1)/Steps.
func (t *Toy) LR(published float64, i int) float64 {
	return scheduledLR(published, t.budget.LRScale, t.budget.LinearDecay, i, t.steps)
}

// scheduledLR is published·scale at step i of steps (1-based), and with
// decay (steps − i + 1)/steps of that: the schedule of toy and image runs.
func scheduledLR(published, scale float64, decay bool, i, steps int) float64 {
	lr := published * scale
	if decay {
		lr = lr * float64(steps-i+1) / float64(steps)
	}
	return lr
}

// RecordNorms keeps gradient norms measured during the current step (a
// penalty's per-sample norms). The run reports their mean as "grad norm"
// for the step and keeps them all for the evaluation window (see
// ToyResult.WindowNorms).
func (t *Toy) RecordNorms(norms *tensor.Tensor) {
	t.stepNorms = append(t.stepNorms, norms.Data()...)
}

// Game is a way of training the two players of a Toy. It is called once,
// with the freshly initialised networks, to build its optimizers, and
// returns the step: one generator update, with the discriminator updates
// that precede it, returning the step's losses.
type Game func(t *Toy) (step func(i int) []Quantity)

// ToyRun trains one Game with one pair of Networks on one 2-D mixture under
// a ToyBudget and measures mode coverage as it goes. Everything random
// comes from Seed, through separate streams for the initial weights (1),
// the training (2, Toy.R), the evaluation noise (3) and monitoring (4,
// Toy.Monitor), so two runs that differ only in the game start from the
// same networks and are scored on the same noise.
type ToyRun struct {
	Name     string // the run's label in the progress bar and in errors: "WGAN-GP grid-25"
	Game     Game
	Networks Networks
	Data     *data.Mixture
	Budget   ToyBudget
	Seed     uint64
	Steps    int             // generator updates
	Progress io.Writer       // progress bar (nil: none)
	Context  context.Context // cancelled: stop at the next step (nil: never)
	// AfterEval, if set, is called after every evaluation with the step,
	// the run's Toy and the generated samples. Its first error stops
	// nothing but is returned by Run, wrapped with the run's name and the
	// step: "WGAN-GP grid-25: after the evaluation at step 500: ...".
	AfterEval func(step int, t *Toy, samples *tensor.Tensor) error
}

// ToyResult is what a ToyRun leaves behind.
type ToyResult struct {
	// History holds, per step, what the game's step returns and, if it
	// recorded norms, "grad norm" (their mean); per evaluation "modes",
	// "high quality" and "reverse KL".
	History *History
	Track   *CoverageTrack     // the mode histogram at every evaluation
	Samples *tensor.Tensor     // the last evaluation's generated samples (EvalSamples, 2)
	G, D    *layers.Sequential // the trained networks
	// WindowNorms holds every gradient norm recorded since the previous
	// evaluation, as of the last evaluation: for the default settings the
	// last EvalEvery steps. Nil without norms.
	WindowNorms []float64
}

// FinalCoverage returns the coverage measured at the last evaluation.
func (r *ToyResult) FinalCoverage() metrics.Coverage {
	return r.Track.Coverages[r.Track.Len()-1]
}

// MeanWindowNorm is the mean of WindowNorms (NaN if there are none).
func (r *ToyResult) MeanWindowNorm() float64 { return mean(r.WindowNorms) }

// Run trains and evaluates. It returns an error for a setting out of range
// (see ToyBudget.Check; fewer than 1 step) and, with the result so far, if
// training diverges or is interrupted (see Loop.Run).
func (run ToyRun) Run() (*ToyResult, error) {
	if err := run.Budget.Check(); err != nil {
		return nil, fmt.Errorf("%s: %w", run.Name, err)
	}
	if run.Steps < 1 {
		return nil, fmt.Errorf("%s: steps must be at least 1, got %d", run.Name, run.Steps)
	}
	b := run.Budget
	t := &Toy{Data: run.Data, Batch: b.Batch, budget: b, steps: run.Steps,
		R:       rand.New(rand.NewPCG(run.Seed, 2)),
		Monitor: rand.New(rand.NewPCG(run.Seed, 4)),
	}
	t.G, t.D = run.Networks(rand.New(rand.NewPCG(run.Seed, 1)))
	gameStep := run.Game(t)

	res := &ToyResult{Track: NewCoverageTrack(run.Data), G: t.G, D: t.D}
	var window []float64
	step := func(i int) []Quantity {
		t.stepNorms = nil
		out := gameStep(i)
		if t.stepNorms != nil {
			window = append(window, t.stepNorms...)
			out = append(out, Quantity{"grad norm", mean(t.stepNorms)})
		}
		return out
	}
	evalZ := autograd.Const(tensor.RandN(rand.New(rand.NewPCG(run.Seed, 3)), b.EvalSamples, 2)) // (n, 2)
	var afterErr error
	eval := func(i int) []Quantity {
		// Batch norm keeps using batch statistics: the samples are what the
		// generator produces in training, over a batch of n noise vectors.
		autograd.NoGrad(func() { res.Samples = t.G.Forward(evalZ).Value })
		c := res.Track.Add(i, res.Samples)
		res.WindowNorms, window = window, nil
		if run.AfterEval != nil {
			if err := run.AfterEval(i, t, res.Samples); err != nil && afterErr == nil {
				afterErr = fmt.Errorf("%s: after the evaluation at step %d: %w", run.Name, i, err)
			}
		}
		return []Quantity{{"modes", float64(c.Modes)}, {"high quality", c.HighQuality}, {"reverse KL", c.ReverseKL}}
	}
	loop := Loop{Name: run.Name, Steps: run.Steps, EvalEvery: b.EvalEvery, Progress: run.Progress,
		Context: run.Context, Watch: map[string]layers.Module{"G": t.G, "D": t.D}}
	history, err := loop.Run(step, eval)
	res.History = history
	if err == nil {
		err = afterErr
	}
	return res, err
}

// InterpolationNorms returns ‖∇ₓ̂ d(x̂)‖₂ per sample at WGAN-GP's
// interpolates x̂ = x̃ + α·(x − x̃), α ~ U[0, 1) per sample from r, for
// watching a critic that is not trained on them: a first-order gradient,
// nothing recorded. real and fake are (N, ...); the result is (N).
func InterpolationNorms(d func(*autograd.Var) *autograd.Var, real, fake *tensor.Tensor, r *rand.Rand) *tensor.Tensor {
	alpha := perSample(r, real)
	return GradientNorms(d, tensor.Add(fake, tensor.Mul(alpha, tensor.Sub(real, fake))))
}

func mean(xs []float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	s := 0.0
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}

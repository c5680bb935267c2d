package gan

import (
	"fmt"
	"math"

	"ganbook/gan/chapter"
)

// ToyBudget is the scaled-down setting in which chapters compare recipes
// on the 2-D mixtures: the papers train for 10⁵ (WGAN-GP) to 4·10⁵ (PacGAN)
// generator steps with hidden layers of 200 to 512 units, which pure Go on
// two cores cannot do in a minute. Every experiment built from one budget
// has the same batch, widths, learning-rate scaling, evaluation and seed,
// so that only the recipe (and, where a paper prescribes them, the
// networks' shape) differs.
type ToyBudget struct {
	Batch       int     // samples per batch, real and generated alike (PacGAN: 100)
	Width       int     // units in every hidden layer of both players
	LRScale     float64 // every recipe's learning rate is multiplied by this
	LinearDecay bool    // decay the learning rates linearly over the run
	Lambda      float64 // WGAN-GP's penalty weight λ
	EvalEvery   int     // steps between evaluations
	EvalSamples int     // generator samples per evaluation (PacGAN: 2,500)
}

// ToyDefaultSteps is the number of generator steps of the shared default
// runs.
const ToyDefaultSteps = 2000

// DefaultToyBudget returns the default budget: batch 100 as in PacGAN,
// width 32, learning rates ×10 decayed linearly to 0, λ = 1, and the
// coverage of 2,500 samples measured every 50 steps. The chapters that use
// it explain the choices with measurements.
func DefaultToyBudget() ToyBudget {
	return ToyBudget{Batch: 100, Width: 32, LRScale: 10, LinearDecay: true, Lambda: 1, EvalEvery: 50, EvalSamples: 2500}
}

// RegisterFlags registers the budget's settings as flags (-batch, -width,
// -lr-scale, -lr-decay, -lambda, -eval-every) with the current values as
// defaults, each with the values it accepts.
func (b *ToyBudget) RegisterFlags(fs *chapter.FlagSet) {
	fs.Int(&b.Batch, "batch", b.Batch, "batch size (real and generated)", 2)
	fs.Int(&b.Width, "width", b.Width, "units in every hidden layer of G and D", 1)
	fs.Float(&b.LRScale, "lr-scale", b.LRScale, "multiply every published learning rate by this", chapter.Positive)
	fs.Bool(&b.LinearDecay, "lr-decay", b.LinearDecay, "decay the learning rates linearly over the run")
	fs.Float(&b.Lambda, "lambda", b.Lambda, "WGAN-GP penalty weight λ", chapter.NonNegative)
	fs.Int(&b.EvalEvery, "eval-every", b.EvalEvery, "steps between evaluations", 1)
}

// Memory estimates the memory that runs of steps steps under the budget
// take, for a chapter that keeps the results of runs of them: the largest
// networks (PacGAN's, about 14·W² weights, each with its gradient and
// Adam's two moments), the activations of a step (a few hundred numbers
// per sample and unit with a penalty's double backward pass), an
// evaluation and a picture of D on its 120 × 120 grid, and every run's
// history.
func (b ToyBudget) Memory(steps, runs int) []chapter.Need {
	w, batch := float64(b.Width), float64(b.Batch)
	what := func(s string) string { return fmt.Sprintf(s, b.Width, b.Batch) }
	return []chapter.Need{
		{What: what("the networks' weights and optimizer state (-width %[1]d)"), Bytes: 14 * w * w * 4 * 8},
		{What: what("a training step's activations (-width %[1]d × -batch %[2]d)"), Bytes: 200 * w * batch * 8},
		{What: what("an evaluation's activations (-width %[1]d)"), Bytes: 40 * w * float64(b.EvalSamples+120*120) * 8},
		{What: fmt.Sprintf("the histories of %d runs (-steps %d)", runs, steps), Bytes: float64(runs) * float64(steps) * 6 * 16},
	}
}

// Check returns an error naming the first setting out of range.
func (b ToyBudget) Check() error {
	switch {
	case b.Batch < 2:
		return fmt.Errorf("-batch must be at least 2, got %d", b.Batch)
	case b.Width < 1:
		return fmt.Errorf("-width must be at least 1, got %d", b.Width)
	case !(b.LRScale > 0) || math.IsInf(b.LRScale, 1):
		return fmt.Errorf("-lr-scale must be positive and finite, got %g", b.LRScale)
	case !(b.Lambda >= 0) || math.IsInf(b.Lambda, 1):
		return fmt.Errorf("-lambda must be non-negative and finite, got %g", b.Lambda)
	case b.EvalEvery < 1:
		return fmt.Errorf("-eval-every must be at least 1, got %d", b.EvalEvery)
	case b.EvalSamples < 1:
		return fmt.Errorf("evaluation samples must be at least 1, got %d", b.EvalSamples)
	}
	return nil
}

// PacGAN returns PacGANNetworks with the budget's width for both players.
func (b ToyBudget) PacGAN() Networks { return PacGANNetworks(b.Width, b.Width) }

// WGANGP returns WGANGPNetworks with the budget's width.
func (b ToyBudget) WGANGP() Networks { return WGANGPNetworks(b.Width) }

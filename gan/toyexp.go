package gan

import (
	"flag"
	"fmt"
	"image/color"
	"io"
	"math"
	"math/rand/v2"

	"ganbook/autograd"
	"ganbook/gan/data"
	"ganbook/gan/metrics"
	"ganbook/gan/plot"
	"ganbook/layers"
	"ganbook/layers/optim"
	"ganbook/tensor"
)

// ---- Toy experiments on 2-D mixtures --------------------------------------------
//
// Several chapters compare ways of training a GAN on the same 2-D mixture
// (ring-8, grid-25), and a comparison is only fair if everything but the
// method is the same: the networks, their initial weights, the batch, the
// number of generator updates, the seed, the evaluation. The recipes and the
// experiment runner below are that common ground, kept in one place so that
// two chapters that quote the same experiment get the same bits.

// Penalty says which gradient penalty a Recipe adds to the discriminator's
// loss.
type Penalty int

const (
	// NoPenalty adds nothing.
	NoPenalty Penalty = iota
	// PenaltyWGANGP adds λ·GradientPenalty: (‖∇D‖ − 1)² at random points
	// between real and generated samples (arXiv 1704.00028).
	PenaltyWGANGP
	// PenaltyDRAGAN adds λ·DRAGANPenalty: (‖∇D‖ − 1)² at random points
	// near the real samples (arXiv 1705.07215).
	PenaltyDRAGAN
)

// Recipe is one way of training a GAN: the adversarial loss, how often the
// discriminator (or critic) is updated per generator update, how it is kept
// in check (a gradient penalty, weight clipping, or nothing), and the
// optimizer both players use, with its published settings.
type Recipe struct {
	Name     string  // a label for tables and file names: "GAN", "WGAN-GP", ...
	Loss     Loss    // the adversarial objective
	DSteps   int     // discriminator updates per generator update (n_critic), ≥ 1
	Penalty  Penalty // the gradient penalty added to D's loss
	Lambda   float64 // λ, the penalty's weight
	PerturbC float64 // DRAGAN's c: reals are perturbed by up to c·std(x)
	Clip     float64 // after every D update clip D's weights to [−Clip, Clip]; 0: no clipping
	RMSprop  bool    // RMSprop instead of Adam
	LR       float64 // the learning rate of both players
	Beta1    float64 // Adam's β₁ (ignored by RMSprop)
	Beta2    float64 // Adam's β₂ (ignored by RMSprop)
}

// NonSaturatingRecipe is the GAN of PacGAN's toy experiments (arXiv
// 1712.04086): the non-saturating loss of Goodfellow et al. (arXiv
// 1406.2661), one discriminator update per generator update, and Adam with
// lr 10⁻⁴, β₁ = 0.8 (β₂ = 0.999, TensorFlow's default) for both players.
func NonSaturatingRecipe() Recipe {
	return Recipe{Name: "GAN", Loss: NonSaturating{}, DSteps: 1, LR: 1e-4, Beta1: 0.8, Beta2: 0.999}
}

// WGANGPRecipe is WGAN-GP (Gulrajani et al., arXiv 1704.00028): the
// Wasserstein loss plus λ·E[(‖∇D(x̂)‖ − 1)²] at interpolates x̂, five critic
// updates per generator update, and Adam with lr 10⁻⁴, β = (0.5, 0.9) as in
// the paper's toy code. The paper uses λ = 10; its toy code λ = 0.1.
func WGANGPRecipe(lambda float64) Recipe {
	return Recipe{Name: "WGAN-GP", Loss: Wasserstein{}, DSteps: 5, Penalty: PenaltyWGANGP, Lambda: lambda,
		LR: 1e-4, Beta1: 0.5, Beta2: 0.9}
}

// DRAGANRecipe is DRAGAN (Kodali et al., arXiv 1705.07215): the
// non-saturating loss plus λ·E[(‖∇D(x̂)‖ − 1)²] at points x̂ near the real
// data, λ = 10, c = 0.5, one discriminator update per generator update, and
// Adam with lr 10⁻⁴, β = (0.5, 0.9).
func DRAGANRecipe() Recipe {
	return Recipe{Name: "DRAGAN", Loss: NonSaturating{}, DSteps: 1, Penalty: PenaltyDRAGAN, Lambda: 10, PerturbC: 0.5,
		LR: 1e-4, Beta1: 0.5, Beta2: 0.9}
}

// WeightClippingRecipe is the original WGAN (Arjovsky et al., arXiv
// 1701.07875): the Wasserstein loss, critic weights clipped to ±0.01 after
// every critic update, five critic updates per generator update, and
// RMSprop with lr 5·10⁻⁵.
func WeightClippingRecipe() Recipe {
	return Recipe{Name: "WGAN-clip", Loss: Wasserstein{}, DSteps: 5, Clip: 0.01, RMSprop: true, LR: 5e-5}
}

// ScaleLR returns the recipe with its learning rate multiplied by k, for
// runs much shorter than the paper's. It panics with tensor.ErrArgument
// unless k is positive and finite.
func (r Recipe) ScaleLR(k float64) Recipe {
	if !(k > 0) || math.IsInf(k, 1) {
		tensor.Panicf(tensor.ErrArgument, "Recipe.ScaleLR", "factor %g", k)
	}
	r.LR *= k
	return r
}

// optimizer builds the recipe's optimizer over params.
func (r Recipe) optimizer(params []*autograd.Var) optim.Optimizer {
	if r.RMSprop {
		return optim.NewRMSprop(params, r.LR)
	}
	return optim.NewAdam(params, r.LR, r.Beta1, r.Beta2)
}

// ---- The networks ------------------------------------------------------------------

// Networks builds a generator and a discriminator, drawing their initial
// weights from r. G maps noise z (N, 2) to samples (N, 2); D maps samples
// (N, 2) to raw scores (N, 1): logits for the classifier losses, the
// critic's values for the Wasserstein ones.
type Networks func(r *rand.Rand) (G, D *layers.Sequential)

// PacGANNetworks are the networks of PacGAN's 2-D experiments (arXiv
// 1712.04086, unpacked) with their widths as parameters:
//
//	G: z (N, 2) → [Linear → BatchNorm → ReLU] × 4 → Linear → (N, 2)
//	D: x (N, 2) → Maxout(dWidth units × 5 pieces) × 3 → Linear → (N, 1)
//
// The paper uses gWidth 400 and dWidth 200. It panics with
// tensor.ErrArgument (when called) if a width is below 1.
func PacGANNetworks(gWidth, dWidth int) Networks {
	return func(r *rand.Rand) (G, D *layers.Sequential) {
		return PacGANGenerator(r, gWidth, 4), PacGANDiscriminator(r, dWidth, 5, 3)
	}
}

// WGANGPNetworks are the networks of WGAN-GP's toy experiments
// (gan_toy.py, arXiv 1704.00028) with their width as a parameter: three
// hidden ReLU layers of width units in both, no normalisation anywhere,
//
//	G: z (N, 2) → W → W → W → (N, 2),   D: x (N, 2) → W → W → W → (N, 1).
//
// The paper's code uses width 512. It panics with tensor.ErrArgument
// (when called) if width is below 1.
func WGANGPNetworks(width int) Networks {
	return func(r *rand.Rand) (G, D *layers.Sequential) {
		return MLP(r, layers.ReLU{}, 2, width, width, width, 2), MLP(r, layers.ReLU{}, 2, width, width, width, 1)
	}
}

// PacGANGenerator is the generator of PacGAN's 2-D experiments with its
// width and depth as parameters:
//
//	z (N, 2) → [Linear → BatchNorm → ReLU] × depth → Linear → x (N, 2)
//
// with width units in every hidden layer. The paper uses depth 4 and width
// 400. It panics with tensor.ErrArgument if width or depth is below 1.
func PacGANGenerator(r *rand.Rand, width, depth int) *layers.Sequential {
	if width < 1 || depth < 1 {
		tensor.Panicf(tensor.ErrArgument, "PacGANGenerator", "width %d, depth %d", width, depth)
	}
	var mods []layers.Module
	in := 2
	for range depth {
		mods = append(mods, layers.NewLinear(r, in, width), layers.NewBatchNorm(width), layers.ReLU{})
		in = width
	}
	return layers.NewSequential(append(mods, layers.NewLinear(r, width, 2))...)
}

// PacGANDiscriminator is the discriminator of PacGAN's 2-D experiments
// (unpacked) with its sizes as parameters:
//
//	x (N, 2) → Maxout(width units × pieces) × depth → Linear → (N, 1)
//
// It has no batch norm, so it could also serve as a WGAN-GP critic, whose
// penalty treats every sample on its own. The paper uses depth 3, width
// 200 and 5 pieces. It panics with tensor.ErrArgument if a size is below 1.
func PacGANDiscriminator(r *rand.Rand, width, pieces, depth int) *layers.Sequential {
	if width < 1 || pieces < 1 || depth < 1 {
		tensor.Panicf(tensor.ErrArgument, "PacGANDiscriminator", "width %d, pieces %d, depth %d", width, pieces, depth)
	}
	var mods []layers.Module
	in := 2
	for range depth {
		mods = append(mods, layers.NewMaxout(r, in, width, pieces))
		in = width
	}
	return layers.NewSequential(append(mods, layers.NewLinear(r, width, 1))...)
}

// ---- The experiment ------------------------------------------------------------------

// ToyExperiment trains one Recipe with one pair of Networks on one 2-D
// mixture and measures mode coverage as it goes. Everything random comes
// from Seed, through separate streams for the initial weights, the training
// batches and the evaluation noise, so two experiments that differ only in
// the recipe start from the same networks (weight clipping then clips them)
// and are scored on the same noise.
//
// A step is one generator update, preceded by the recipe's DSteps
// discriminator updates; every update draws a fresh batch of Batch real
// samples and Batch noise vectors z ~ N(0, I₂).
type ToyExperiment struct {
	Recipe      Recipe
	Networks    Networks
	Data        *data.Mixture
	Seed        uint64
	Steps       int // generator updates
	Batch       int
	EvalEvery   int // steps between evaluations (and after the last step)
	EvalSamples int // generator samples per evaluation (PacGAN: 2,500)
	// MonitorNorms asks, for a recipe without a penalty, for the gradient
	// norms ‖∇ₓ̂D(x̂)‖ at WGAN-GP's interpolates of the last D update of
	// every step, measured without training on them (from a stream of
	// their own, so the training is the same with or without them).
	MonitorNorms bool
	// LinearDecay lowers both learning rates linearly from the recipe's LR
	// at the first step to LR/Steps at the last, lr(i) = LR·(Steps − i + 1)/Steps,
	// as WGAN-GP's CIFAR-10 code does over its whole run.
	LinearDecay bool
	Progress    io.Writer // progress bar (nil: none)
	// AfterEval, if set, is called after every evaluation with the step,
	// the networks and the generated samples.
	AfterEval func(step int, G, D *layers.Sequential, samples *tensor.Tensor)
}

// ToyResult is what a ToyExperiment leaves behind.
type ToyResult struct {
	// History holds, per step, "D loss", "G loss" and, with a penalty or
	// MonitorNorms, "grad norm" (the mean of the per-sample gradient norms
	// over the step's D updates); per evaluation "modes", "high quality"
	// and "reverse KL".
	History *History
	Track   *CoverageTrack     // the mode histogram at every evaluation
	Samples *tensor.Tensor     // the last evaluation's generated samples (EvalSamples, 2)
	G, D    *layers.Sequential // the trained networks
	// WindowNorms holds every per-sample gradient norm of the D updates
	// since the previous evaluation, recorded at the last evaluation: for
	// the default settings the last EvalEvery steps. Nil without norms.
	WindowNorms []float64
}

// FinalCoverage returns the coverage measured at the last evaluation.
func (r *ToyResult) FinalCoverage() metrics.Coverage {
	return r.Track.Coverages[r.Track.Len()-1]
}

// MeanWindowNorm is the mean of WindowNorms (NaN if there are none).
func (r *ToyResult) MeanWindowNorm() float64 { return mean(r.WindowNorms) }

// check returns an error naming the first setting out of range.
func (e ToyExperiment) check() error {
	for _, s := range []struct {
		name  string
		value int
	}{{"steps", e.Steps}, {"batch", e.Batch}, {"evaluation interval", e.EvalEvery},
		{"evaluation samples", e.EvalSamples}, {"D steps", e.Recipe.DSteps}} {
		if s.value < 1 {
			return fmt.Errorf("%s %s: %s must be at least 1, got %d", e.Recipe.Name, e.Data.Name, s.name, s.value)
		}
	}
	if e.Batch < 2 {
		return fmt.Errorf("%s %s: batch must be at least 2 for batch norm, got %d", e.Recipe.Name, e.Data.Name, e.Batch)
	}
	return nil
}

// Run trains and evaluates. Building and differentiating the graph
// allocates many small, short-lived tensors, so for the duration of the run
// Run lets the heap grow to 5 times the live data before the garbage
// collector runs (GOGC 400 instead of 100), which cuts a run's time by about
// a quarter; the numbers do not change. It returns an error for a setting
// below 1 (a batch below 2, which batch norm cannot use) and,
// with the history so far, if training diverges (see Loop.Run).
func (e ToyExperiment) Run() (*ToyResult, error) {
	if err := e.check(); err != nil {
		return nil, err
	}
	init := rand.New(rand.NewPCG(e.Seed, 1))
	t := &toyTrainer{ToyExperiment: e,
		r:       rand.New(rand.NewPCG(e.Seed, 2)),
		monitor: rand.New(rand.NewPCG(e.Seed, 4)),
	}
	t.G, t.D = e.Networks(init)
	t.gParams, t.dParams = layers.Vars(t.G), layers.Vars(t.D)
	if e.Recipe.Clip > 0 {
		ClipWeights(t.dParams, e.Recipe.Clip) // start inside the constraint
	}
	t.optG, t.optD = e.Recipe.optimizer(t.gParams), e.Recipe.optimizer(t.dParams)

	evalZ := autograd.Const(tensor.RandN(rand.New(rand.NewPCG(e.Seed, 3)), e.EvalSamples, 2)) // (n, 2)
	res := &ToyResult{Track: NewCoverageTrack(e.Data), G: t.G, D: t.D}
	eval := func(step int) []Scalar {
		// Batch norm keeps using batch statistics: the samples are what the
		// generator produces in training, over a batch of n noise vectors.
		autograd.NoGrad(func() { res.Samples = t.G.Forward(evalZ).Value })
		c := res.Track.Add(step, res.Samples)
		res.WindowNorms, t.window = t.window, nil
		if e.AfterEval != nil {
			e.AfterEval(step, t.G, t.D, res.Samples)
		}
		return []Scalar{{"modes", float64(c.Modes)}, {"high quality", c.HighQuality}, {"reverse KL", c.ReverseKL}}
	}
	loop := Loop{Name: e.Recipe.Name + " " + e.Data.Name, Steps: e.Steps, EvalEvery: e.EvalEvery,
		Progress: e.Progress, Watch: append(append([]*autograd.Var(nil), t.gParams...), t.dParams...)}
	history, err := loop.Run(t.step, eval)
	res.History = history
	return res, err
}

// toyTrainer holds a run's state: the networks, their optimizers, the
// random streams and the gradient norms of the current evaluation window.
type toyTrainer struct {
	ToyExperiment
	r, monitor       *rand.Rand
	G, D             *layers.Sequential
	gParams, dParams []*autograd.Var
	optG, optD       optim.Optimizer
	window           []float64
}

// step is one generator update after DSteps discriminator updates.
func (t *toyTrainer) step(i int) []Scalar {
	rec := t.Recipe
	if t.LinearDecay {
		lr := linearDecay(rec.LR, t.Steps, i)
		t.optG.SetLR(lr)
		t.optD.SetLR(lr)
	}
	var lossD *autograd.Var
	var stepNorms []float64
	for k := range rec.DSteps {
		real := t.Data.Sample(t.r, t.Batch) // (B, 2)
		var fake *tensor.Tensor
		autograd.NoGrad(func() { fake = t.G.Forward(t.noise()).Value }) // (B, 2), no graph into G
		lossD = rec.Loss.D(t.D.Forward(autograd.Const(real)), t.D.Forward(autograd.Const(fake)))
		var norms *tensor.Tensor
		switch rec.Penalty {
		case PenaltyWGANGP:
			var gp *autograd.Var
			gp, norms = GradientPenalty(t.D.Forward, real, fake, t.r)
			lossD = autograd.Add(lossD, autograd.Scale(gp, rec.Lambda))
		case PenaltyDRAGAN:
			var gp *autograd.Var
			gp, norms = DRAGANPenalty(t.D.Forward, real, rec.PerturbC, t.r)
			lossD = autograd.Add(lossD, autograd.Scale(gp, rec.Lambda))
		default:
			if t.MonitorNorms && k == rec.DSteps-1 {
				norms = interpolateNorms(t.D.Forward, real, fake, t.monitor)
			}
		}
		t.optD.ZeroGrad()
		lossD.Backward()
		t.optD.Step()
		if rec.Clip > 0 {
			ClipWeights(t.dParams, rec.Clip)
		}
		if norms != nil {
			stepNorms = append(stepNorms, norms.Data()...)
		}
	}

	// The generator's loss reaches D's weights too; switching their
	// gradients off for this pass skips work nobody would use.
	setRequiresGrad(t.dParams, false)
	t.optG.ZeroGrad()
	lossG := rec.Loss.G(nil, t.D.Forward(t.G.Forward(t.noise())))
	lossG.Backward()
	t.optG.Step()
	setRequiresGrad(t.dParams, true)

	out := []Scalar{{"D loss", lossD.Item()}, {"G loss", lossG.Item()}}
	if stepNorms != nil {
		t.window = append(t.window, stepNorms...)
		out = append(out, Scalar{"grad norm", mean(stepNorms)})
	}
	return out
}

// linearDecay is the learning rate of step i (1-based) of a run of the
// given length when it falls linearly from lr: lr·(steps − i + 1)/steps.
func linearDecay(lr float64, steps, i int) float64 {
	return lr * float64(steps-i+1) / float64(steps)
}

// noise draws a batch of z ~ N(0, I₂), (B, 2).
func (t *toyTrainer) noise() *autograd.Var { return autograd.Const(tensor.RandN(t.r, t.Batch, 2)) }

// interpolateNorms returns ‖∇ₓ̂ d(x̂)‖₂ per sample at WGAN-GP's interpolates
// x̂ = x̃ + α·(x − x̃), for watching a critic that is not trained on them:
// a first-order gradient, nothing recorded.
func interpolateNorms(d func(*autograd.Var) *autograd.Var, real, fake *tensor.Tensor, r *rand.Rand) *tensor.Tensor {
	alpha := perSample(r, real)
	x := autograd.Param(tensor.Add(fake, tensor.Mul(alpha, tensor.Sub(real, fake))))
	g := autograd.Grad([]*autograd.Var{d(x)}, []*autograd.Var{x}, false)[0].Value // (N, 2)
	flat := tensor.Reshape(g, g.Dim(0), -1)
	return tensor.Sqrt(tensor.Sum(tensor.Mul(flat, flat), 1))
}

func setRequiresGrad(params []*autograd.Var, on bool) {
	for _, p := range params {
		p.SetRequiresGrad(on)
	}
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

// ---- The budget chapters share ------------------------------------------------------

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
// defaults.
func (b *ToyBudget) RegisterFlags(fs *flag.FlagSet) {
	fs.IntVar(&b.Batch, "batch", b.Batch, "batch size (real and generated)")
	fs.IntVar(&b.Width, "width", b.Width, "units in every hidden layer of G and D")
	fs.Float64Var(&b.LRScale, "lr-scale", b.LRScale, "multiply every published learning rate by this")
	fs.BoolVar(&b.LinearDecay, "lr-decay", b.LinearDecay, "decay the learning rates linearly over the run")
	fs.Float64Var(&b.Lambda, "lambda", b.Lambda, "WGAN-GP penalty weight λ")
	fs.IntVar(&b.EvalEvery, "eval-every", b.EvalEvery, "steps between evaluations")
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

// Experiment returns the experiment of one recipe and pair of networks on
// m under the budget, with the recipe's learning rate scaled.
func (b ToyBudget) Experiment(rec Recipe, nets Networks, m *data.Mixture, seed uint64, steps int) ToyExperiment {
	return ToyExperiment{Recipe: rec.ScaleLR(b.LRScale), Networks: nets, Data: m, Seed: seed, Steps: steps,
		Batch: b.Batch, EvalEvery: b.EvalEvery, EvalSamples: b.EvalSamples, LinearDecay: b.LinearDecay}
}

// WGANGPExperiment is WGAN-GP with the budget's λ and WGAN-GP's networks
// on m: the reference that chapter 01 quotes and chapter 08 studies, built
// here once so that both get the same bits.
func (b ToyBudget) WGANGPExperiment(m *data.Mixture, seed uint64, steps int) ToyExperiment {
	return b.Experiment(WGANGPRecipe(b.Lambda), b.WGANGP(), m, seed, steps)
}

// ---- Pictures -------------------------------------------------------------------------

// ToyScatter is the picture of a toy run: real samples (green) and the
// last evaluation's generated samples (orange) over a map of D, with rings
// on the modes' centres, in a square window around the modes. With
// probability true the map is σ(D(x)), D's probability that x is real,
// coloured on [0, 1] (white at ½); otherwise it is the critic's raw value,
// stretched over its range.
func ToyScatter(res *ToyResult, m *data.Mixture, real *tensor.Tensor, probability bool) plot.Scatter {
	centres := make([]plot.Point, len(m.Centers))
	for i, c := range m.Centers {
		centres[i] = plot.Point{X: c[0], Y: c[1]}
	}
	window := plot.FitWindow(0.15, centres).Square()
	d, lo, hi := res.D.Forward, 0.0, 0.0
	if probability {
		d = func(x *autograd.Var) *autograd.Var { return autograd.Sigmoid(res.D.Forward(x)) }
		hi = 1
	}
	return plot.Scatter{
		Window: window,
		Field:  Field(d, window, 120, 120, lo, hi),
		Layers: []plot.Dots{
			plot.Real(Points(real)),
			{Points: Points(res.Samples), Color: ToyGeneratedColor, Radius: 1.6},
			plot.Modes(centres),
		},
	}
}

// ToyGeneratedColor is the colour of generated samples in ToyScatter: an
// orange that stands out on both ends of the purple–green map.
var ToyGeneratedColor = color.RGBA{0xf0, 0x80, 0x00, 0xff}

// ---- A baseline ----------------------------------------------------------------------

// UniformCoverage is what the coverage protocol gives a "generator" that
// knows nothing but the data's extent: n points drawn uniformly from the
// bounding box of m's centres grown by an eighth of its size on each side
// (for grid-25 the square [−5, 5]², half a grid step beyond the outer
// modes; for ring-8 [−1.25, 1.25]²), from a stream of seed's own. With σ small next to the box, each mode catches a
// high-quality point with a small probability p, so the mode count is
// about K·(1 − (1 − p)ⁿ): samples spread everywhere "capture" modes
// without being near any of them, which is why modes must be read
// together with the high-quality fraction.
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

package gan

import (
	"context"
	"fmt"
	"io"
	"math"
	"math/rand/v2"

	"ganbook/autograd"
	"ganbook/gan/chapter"
	"ganbook/gan/plot"
	"ganbook/layers"
	"ganbook/layers/optim"
	"ganbook/tensor"
)

// ---- Image runs: a DCGAN on digits -------------------------------------------------
//
// Chapters 03, 16 and 17 train the same DCGAN (NewDCGAN) on 16×16 digits
// and measure it with the classifier of gan/digitnet. An ImageRun is what
// they share: the networks, the budget, the batches, the learning-rate
// schedule, the fixed evaluation noise and when evaluations happen, all
// from separate random streams of one seed, so that two chapters run with
// the same flags train the very same generator. The game itself (who is
// updated on which loss) is an ImageGame; chapter 03 writes DCGAN's out,
// and DCGANGame is the same lines for the other two chapters.
//
// Shape legend: B batch, Z noise, S = 16 the image side, M training images.

// ImageBudget sizes a DCGAN run so that a chapter's default run fits in
// its time: the paper (arXiv 1511.06434) trains 64×64 images with batch
// 128, Z = 100, 1024 channels in G's first layer and Adam at 2·10⁻⁴ for
// hours on a GPU.
type ImageBudget struct {
	Noise       int     // Z, the size of the noise vector
	Width       int     // C, the channels of G's first and D's last feature maps
	Batch       int     // B, real and generated images per step
	LRScale     float64 // Adam's learning rate is 2·10⁻⁴ times this
	LinearDecay bool    // decay the learning rate linearly to 0 over the run
	EvalEvery   int     // steps between evaluations
	EvalSamples int     // generated images per evaluation
}

// ImageDefaultSteps is the number of steps of the image chapters' default
// runs.
const ImageDefaultSteps = 1000

// DefaultImageBudget is the image chapters' default: Z = 32, C = 32,
// batch 32, the paper's learning rate ×10 decayed linearly to 0, 1,000
// generated images per evaluation, every 100 steps. docs/03-quality-and-metrics.md
// shows what the paper's rate and other sizes give in the same time.
func DefaultImageBudget() ImageBudget {
	return ImageBudget{Noise: 32, Width: 32, Batch: 32, LRScale: 10, LinearDecay: true, EvalEvery: 100, EvalSamples: 1000}
}

// DCGANLR is the learning rate of DCGAN's paper, for both players (Adam,
// β₁ = 0.5).
const DCGANLR = 2e-4

// RegisterFlags registers the budget's settings as flags (-noise, -width,
// -batch, -lr-scale, -lr-decay, -eval-every, -eval-samples), each with
// the values it accepts.
func (b *ImageBudget) RegisterFlags(fs *chapter.FlagSet) {
	fs.Int(&b.Noise, "noise", b.Noise, "size of the generator's noise vector z", 2)
	fs.Int(&b.Width, "width", b.Width, "channels of G's first and D's last feature maps", 2)
	fs.Int(&b.Batch, "batch", b.Batch, "real and generated images per step", 2)
	fs.Float(&b.LRScale, "lr-scale", b.LRScale, "multiply DCGAN's learning rate 2e-4 by this", chapter.Positive)
	fs.Bool(&b.LinearDecay, "lr-decay", b.LinearDecay, "decay the learning rate linearly to 0 over the run")
	fs.Int(&b.EvalEvery, "eval-every", b.EvalEvery, "steps between evaluations", 1)
	fs.Int(&b.EvalSamples, "eval-samples", b.EvalSamples, "generated images per evaluation", 10)
}

// Check returns an error naming the first setting out of range.
func (b ImageBudget) Check() error {
	switch {
	case b.Noise < 2:
		return fmt.Errorf("-noise must be at least 2, got %d", b.Noise)
	case b.Width < 2:
		return fmt.Errorf("-width must be at least 2, got %d", b.Width)
	case b.Batch < 2:
		return fmt.Errorf("-batch must be at least 2, got %d", b.Batch)
	case !(b.LRScale > 0) || math.IsInf(b.LRScale, 1):
		return fmt.Errorf("-lr-scale must be positive and finite, got %g", b.LRScale)
	case b.EvalEvery < 1:
		return fmt.Errorf("-eval-every must be at least 1, got %d", b.EvalEvery)
	case b.EvalSamples < 2:
		return fmt.Errorf("-eval-samples must be at least 2, got %d", b.EvalSamples)
	}
	return nil
}

// Memory estimates what a run takes: the networks (about 20·C² weights
// each, with gradients and Adam's two moments), a step's activations
// (about 60·C values per image kept for the backward passes), the
// evaluation's images and their activations (generated in chunks of B),
// and the history.
func (b ImageBudget) Memory(steps int) []chapter.Need {
	c := float64(b.Width)
	return []chapter.Need{
		{What: fmt.Sprintf("the networks' weights and optimizer state (-width %d, -noise %d)", b.Width, b.Noise),
			Bytes: 2 * (20*c*c + float64(b.Noise)*16*c) * 4 * 8},
		{What: fmt.Sprintf("a step's activations (-width %d × -batch %d)", b.Width, b.Batch), Bytes: 6 * 60 * c * float64(b.Batch) * 8},
		{What: fmt.Sprintf("an evaluation's images (-eval-samples %d)", b.EvalSamples),
			Bytes: float64(b.EvalSamples)*(DigitSize*DigitSize+float64(b.Noise)+200)*8 + 60*c*float64(b.Batch)*8},
		{What: fmt.Sprintf("the history (-steps %d)", steps), Bytes: float64(steps) * 6 * 16},
	}
}

// Images is what a game sees of an image run: the two networks, the
// training images and the random stream. A game draws everything random
// from R, in the order it needs.
type Images struct {
	G, D  *layers.Sequential // G: z (B,Z) → x (B,1,S,S) in (−1, 1); D: x → logit (B,1)
	Data  *tensor.Tensor     // the training images (M,1,S,S)
	Batch int                // B
	Noise int                // Z
	R     *rand.Rand         // the training stream: batches and noise

	budget ImageBudget
	steps  int
	order  []int // the current pass over Data, shuffled
	next   int   // the position in order of the next batch
}

// Real returns the next batch of training images, (B,1,S,S): the images
// are visited in an order shuffled from R, reshuffled after every pass
// (an epoch), as a data loader with shuffling does.
func (t *Images) Real() *tensor.Tensor {
	m := t.Data.Dim(0)
	if t.order == nil || t.next+t.Batch > m {
		t.order, t.next = t.R.Perm(m), 0
	}
	idx := t.order[t.next : t.next+t.Batch]
	t.next += t.Batch
	return tensor.IndexSelect(t.Data, 0, idx)
}

// Z draws a batch of noise z ~ N(0, I_Z) from R: (B,Z).
func (t *Images) Z() *autograd.Var { return autograd.Const(tensor.RandN(t.R, t.Batch, t.Noise)) }

// Fake returns G(z) for a fresh batch of noise, computed without recording
// a graph: a discriminator's update on it sends no gradient into G.
// (B,1,S,S).
func (t *Images) Fake() *tensor.Tensor {
	var fake *tensor.Tensor
	autograd.NoGrad(func() { fake = t.G.Forward(t.Z()).Value })
	return fake
}

// LR is the learning rate of step i (1-based) for a game whose paper uses
// published: published·LRScale and, with LinearDecay, falling linearly to
// 1/Steps of that at the last step, published·LRScale·(Steps − i + 1)/Steps.
func (t *Images) LR(published float64, i int) float64 {
	return scheduledLR(published, t.budget.LRScale, t.budget.LinearDecay, i, t.steps)
}

// ImageGame is a way of training the two players of an image run: called
// once with the fresh networks to build its optimizers, it returns the
// step, one generator update with the discriminator updates before it,
// which returns the step's losses.
type ImageGame func(t *Images) (step func(i int) []Quantity)

// DCGANGame is the game of DCGAN (Radford et al., arXiv 1511.06434):
// one discriminator update on the non-saturating GAN loss
//
//	D minimises E softplus(−D(x)) + E softplus(D(G(z)))
//
// on a real batch and a generated one, then one generator update on
// E softplus(−D(G(z))) (= −E log σ(D(G(z)))) with D frozen and fresh
// noise; Adam for both with the paper's lr 2·10⁻⁴ (scaled by the budget)
// and β = (0.5, 0.999). Chapter 03 writes the same lines out (its test
// checks that the two give identical runs); chapters 16 and 17 train with
// this one.
func DCGANGame() ImageGame {
	return func(t *Images) func(int) []Quantity {
		optD := optim.NewAdam(layers.Vars(t.D), t.LR(DCGANLR, 1), 0.5, 0.999)
		optG := optim.NewAdam(layers.Vars(t.G), t.LR(DCGANLR, 1), 0.5, 0.999)
		loss := NonSaturating{}
		return func(i int) []Quantity {
			optD.SetLR(t.LR(DCGANLR, i))
			optG.SetLR(t.LR(DCGANLR, i))
			real, fake := autograd.Const(t.Real()), autograd.Const(t.Fake())
			lossD := loss.D(t.D.Forward(real), t.D.Forward(fake))
			optD.ZeroGrad()
			lossD.Backward()
			optD.Step()
			var lossG *autograd.Var
			Frozen(t.D, func() {
				optG.ZeroGrad()
				lossG = loss.G(nil, t.D.Forward(t.G.Forward(t.Z())))
				lossG.Backward()
				optG.Step()
			})
			return []Quantity{{"D loss", lossD.Item()}, {"G loss", lossG.Item()}}
		}
	}
}

// ImageRun trains one ImageGame with NewDCGAN's networks on Data under an
// ImageBudget and evaluates as it goes. Everything random comes from Seed
// through separate streams: the initial weights (1), the training (2,
// Images.R) and the evaluation noise (3), so that runs that differ only
// in the game start from the same networks and are evaluated on the same
// noise.
type ImageRun struct {
	Name     string // the run's label in the progress bar and in errors: "DCGAN drawn digits"
	Game     ImageGame
	Budget   ImageBudget
	Data     *tensor.Tensor  // training images (M,1,S,S), M ≥ Batch
	Seed     uint64          //
	Steps    int             // generator updates
	Progress io.Writer       // progress bar (nil: none)
	Context  context.Context // cancelled: stop at the next step (nil: never)
	// Eval, if set, is called before the first step (step 0), every
	// EvalEvery steps and after the last, with the run's Images and
	// EvalSamples images generated from the same fixed noise every time
	// (see Generate). What it returns is recorded in the history at that
	// step.
	Eval func(step int, t *Images, samples *tensor.Tensor) []Quantity
}

// ImageResult is what an ImageRun leaves behind.
type ImageResult struct {
	History *History           // per step the game's losses; per evaluation what Eval returned
	Samples *tensor.Tensor     // the last evaluation's images (EvalSamples,1,S,S)
	First   *tensor.Tensor     // the images of the evaluation at step 0, before training
	G, D    *layers.Sequential // the trained networks
	EvalZ   *tensor.Tensor     // the fixed evaluation noise (EvalSamples,Z)
}

// Run trains and evaluates. It returns an error for a setting out of range
// and, with the result so far, if training diverges or is interrupted
// (see Loop.Run).
func (run ImageRun) Run() (*ImageResult, error) {
	b := run.Budget
	if err := b.Check(); err != nil {
		return nil, fmt.Errorf("%s: %w", run.Name, err)
	}
	if run.Steps < 1 {
		return nil, fmt.Errorf("%s: steps must be at least 1, got %d", run.Name, run.Steps)
	}
	if run.Data.Dims() != 4 || run.Data.Dim(0) < b.Batch {
		return nil, fmt.Errorf("%s: training images %s, want (M,1,S,S) with M ≥ the batch %d", run.Name, tensor.FormatShape(run.Data.Shape()), b.Batch)
	}
	t := &Images{Data: run.Data, Batch: b.Batch, Noise: b.Noise, budget: b, steps: run.Steps,
		R: rand.New(rand.NewPCG(run.Seed, 2))}
	t.G, t.D = NewDCGAN(rand.New(rand.NewPCG(run.Seed, 1)), DCGANConfig{Size: run.Data.Dim(2), Noise: b.Noise, Width: b.Width})
	gameStep := run.Game(t)

	res := &ImageResult{G: t.G, D: t.D, EvalZ: tensor.RandN(rand.New(rand.NewPCG(run.Seed, 3)), b.EvalSamples, b.Noise)}
	var first []Quantity
	evaluate := func(i int) []Quantity {
		res.Samples = Generate(t.G, res.EvalZ, b.Batch)
		if run.Eval == nil {
			return nil
		}
		return run.Eval(i, t, res.Samples)
	}
	first = evaluate(0)
	res.First = res.Samples
	loop := Loop{Name: run.Name, Steps: run.Steps, EvalEvery: b.EvalEvery, Progress: run.Progress,
		Context: run.Context, Watch: map[string]layers.Module{"G": t.G, "D": t.D}}
	history, err := loop.Run(gameStep, evaluate)
	// The evaluation before training goes first in each of its series.
	res.History = NewHistory()
	for _, q := range first {
		res.History.Add(q.Name, 0, q.Value)
	}
	for _, name := range history.Names() {
		s := history.Get(name)
		for k, step := range s.Steps {
			res.History.Add(name, step, s.Values[k])
		}
	}
	return res, err
}

// Generate returns G(z) for the rows of z (N,Z), computed without a graph
// in consecutive chunks of batch rows, (N,1,S,S). G stays in training
// mode: its batch normalisation uses each chunk's own statistics, as in
// every training step, so that the images are those the discriminator was
// trained against (the running statistics, which evaluation mode would
// use, lag behind a generator that is still changing fast).
func Generate(G layers.Module, z *tensor.Tensor, batch int) *tensor.Tensor {
	n := z.Dim(0)
	var parts []*tensor.Tensor
	autograd.NoGrad(func() {
		for lo := 0; lo < n; {
			hi := min(lo+batch, n)
			if n-hi == 1 { // never leave a last chunk of one image, whose batch statistics are undefined
				hi = n
			}
			parts = append(parts, G.Forward(autograd.Const(tensor.Slice(z, 0, lo, hi))).Value)
			lo = hi
		}
	})
	return tensor.Concat(0, parts...)
}

// DigitGrid lays out the first n images of images (N,1,S,S), values in
// [−1, 1], cols to a row, each pixel drawn 4×4 with a 1-pixel border: the
// image chapters' grids of digits.
func DigitGrid(images *tensor.Tensor, n, cols int) plot.ImageGrid {
	n = min(n, images.Dim(0))
	part := tensor.Slice(images, 0, 0, n)
	return plot.ImageGrid{Pixels: part.Data(), Shape: part.Shape(), Lo: -1, Hi: 1, Cols: cols, Scale: 4, Border: 1}
}

// Chapter 12 mirrors the article's section "Técnicas 6: Apilamiento de
// GANs" (stacking GANs, and ProGAN).
//
// One GAN may not be strong enough for the whole task; several, each
// solving a simpler part, may be. The article's examples are FashionGAN
// (arXiv 1710.07346), two GANs in sequence, and, taking the idea to its
// end, the progressively grown GAN (ProGAN; Karras, Aila, Laine and
// Lehtinen, arXiv 1710.10196), which makes the task gradually harder. This
// program trains three generators of 16×16 digits for the same amount of
// work, counted as the multiply-adds of their training steps
// (tensor.MultiplyAdds), and measures each with the Fréchet distance in
// the feature space of the book's digit classifier (gan/digitnet, chapter
// 17):
//
//	FID = ‖μ_r − μ_g‖² + Tr Σ_r + Tr Σ_g − 2·Tr (Σ_r Σ_g)^½.
//
// The three:
//
//   - direct: DCGAN (gan.NewDCGAN and gan.DCGANGame: chapter 03's run)
//     trained at 16×16 from the first step, for -steps steps. Its work is
//     the budget W of the other two.
//   - stacked (as StackGAN, arXiv 1612.03242): a DCGAN draws 8×8 digits
//     (stage 1); then, with stage 1 fixed, a second GAN refines them: its
//     generator takes stage 1's image and fresh noise and draws the 16×16
//     digit, its discriminator judges 16×16 images (stage 2). Both stages
//     get the same number of steps, as many as fit in W.
//   - progressive (ProGAN): the same DCGAN blocks, grown from 4×4 to
//     16×16 in five phases of the same number of steps, as many as fit in
//     W: 4×4; 8×8 fading in; 8×8; 16×16 fading in; 16×16 (-phases).
//
// While a resolution fades in, the generator's output is the old
// resolution's image, enlarged, blended with the new block's,
//
//	x = (1 − α)·upsample(toRGB_old(h)) + α·block_new(h),
//
// with α rising from 0 to 1 over the phase; the discriminator blends its
// new input block with its old one (fed the image halved) in the same way,
// and the real images are blended alike, (1 − α)·upsample(downsample(x)) +
// α·x. D ends with ProGAN's minibatch standard deviation: one more channel
// holding the mean over features of the standard deviation across groups
// of 4 images.
//
// FID at a resolution r < 16 (progressive_fid_4, progressive_fid_8,
// stacked_fid_8) compares images at r with real digits reduced to r, both
// enlarged back to 16×16 (nearest neighbour) for the classifier; the floor
// (fid_floor_*) is training digits against the test digits of the
// reference.
//
// Run it with
//
//	go run ./chapters/12-progressive-growing
//
// and look in out/12-progressive-growing/: real.png, samples_direct.png,
// samples_stacked.png, samples_progressive.png (from the same noise),
// progressive_resolutions.png (the same noise at the end of the 4×4, 8×8
// and 16×16 phases), fade_in.png (the same noise across the 16×16 fade-in,
// at α = 0.1, 0.3, 0.5, 0.7, 0.9 and at the end of the run),
// stacked_stages.png (stage 1's 8×8 digits and what stage 2 makes of
// them), fid.svg (FID against the work done), and metrics.json, written
// last. docs/12-progressive-growing.md shows a default run.
package main

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"strings"
	"time"

	"ganbook/autograd"
	"ganbook/gan"
	"ganbook/gan/chapter"
	"ganbook/gan/data"
	"ganbook/gan/digitnet"
	"ganbook/gan/metrics"
	"ganbook/gan/plot"
	"ganbook/layers"
	"ganbook/layers/optim"
	"ganbook/tensor"
)

// Shape legend: B batch, Z noise, C width (G's first and D's last feature
// maps), S the side of the current images (4, 8 or 16), K the noise
// channels of the stacked refiner.
type config struct {
	budget      gan.ImageBudget // Z, C, B, the learning rate and its decay, the evaluation's images
	digits      gan.DigitData
	refineNoise int    // K
	phases      string // progressive growing's schedule
}

// Drawn digits: gan.DrawnTrainDigits for training, and a test set whose
// first EvalSamples are the real reference.
const (
	testDigits = 2000
	gridCols   = 10
)

var spec = chapter.Spec{
	Name:     "12-progressive-growing",
	Defaults: chapter.Flags{Seed: 1, Steps: 600},
	Outputs: []string{"real.png", "samples_direct.png", "samples_stacked.png", "samples_progressive.png",
		"progressive_resolutions.png", "fade_in.png", "stacked_stages.png", "fid.svg"},
	Setup: func(fs *chapter.FlagSet) func(chapter.Env) error {
		cfg := config{budget: gan.DefaultImageBudget(), refineNoise: 4, phases: defaultPhases}
		b := &cfg.budget
		fs.Int(&b.Noise, "noise", b.Noise, "size of the noise vector z", 2)
		fs.Int(&b.Width, "width", b.Width, "channels of G's first and D's last feature maps", 4)
		fs.Int(&b.Batch, "batch", b.Batch, "real and generated images per step (a multiple of 4: the minibatch deviation's groups)", 4)
		fs.Float(&b.LRScale, "lr-scale", b.LRScale, "multiply DCGAN's learning rate 2e-4 by this", chapter.Positive)
		fs.Bool(&b.LinearDecay, "lr-decay", b.LinearDecay, "decay the learning rate linearly to 0 with the work done")
		fs.Int(&b.EvalSamples, "eval-samples", b.EvalSamples, "generated images per FID", 10)
		fs.Int(&cfg.refineNoise, "refine-noise", cfg.refineNoise, "noise channels K of the stacked refiner's 8×8 input", 1)
		fs.String(&cfg.phases, "phases", cfg.phases, "progressive growing's phases, each given the same number of steps: 4, 8, 16, fade8, fade16",
			func(v string) error { _, err := parsePhases(v); return err })
		cfg.digits.RegisterFlag(fs)
		fs.Check(func() error { return check(cfg) })
		fs.Memory(func(f chapter.Flags) []chapter.Need {
			// Stage 2's noise maps: a batch's (B,K·64), its first layer's
			// input and the 3×3 windows of it (9×) with their gradients,
			// that layer's weights (C/2,1+K,3,3) with Adam's state, and the
			// evaluation's maps (N,K·64).
			k := float64(cfg.refineNoise)
			refiner := chapter.Need{What: fmt.Sprintf("the stacked refiner's noise maps (-refine-noise %d)", cfg.refineNoise),
				Bytes: (24*float64(b.Batch)+float64(b.EvalSamples))*k*64*8 + 4*float64(b.Width)*k*9*8}
			return append(b.Memory(f.Steps), refiner, cfg.digits.Memory(gan.DrawnTrainDigits, testDigits, "the chapter's fixed numbers"))
		})
		return func(env chapter.Env) error { return run(env, cfg) }
	},
}

func main() { os.Exit(chapter.Main(spec, os.Args[1:], os.Stdout, os.Stderr)) }

// check refuses flags that do not fit together.
func check(cfg config) error {
	b := cfg.budget
	if b.Batch%4 != 0 {
		return fmt.Errorf("-batch %d: the minibatch standard deviation takes groups of 4", b.Batch)
	}
	test := testDigits
	if set := cfg.digits.MNIST(); set != nil {
		test = set.Test.Dim(0)
	}
	if b.EvalSamples > test {
		return fmt.Errorf("-eval-samples %d: the real reference has %d test digits", b.EvalSamples, test)
	}
	return nil
}

// ---- 1. The growing networks --------------------------------------------------------
//
// DCGAN's blocks (gan.NewDCGAN), cut at each resolution, with a 1×1
// convolution to turn each intermediate feature map into an image (toRGB,
// here one grey channel) and one to turn an image into a feature map
// (fromRGB). At 16×16, fully grown, G is exactly DCGAN's generator, and D
// is DCGAN's discriminator with the minibatch-deviation channel before its
// last layer. The one exception: at 4×4, D's last layer is linear, so a
// 1×1 fromRGB4 would leave D a sum of one term per pixel, blind to how the
// pixels go together (chapter 14 shows what that costs); fromRGB4 is a
// 3×3 convolution.
//
//	G: z (B,Z) → Linear → (B,C,4,4) → BN → ReLU = h4     toRGB4: 1×1 conv → tanh
//	   h4 → ConvT(C → C/2, 4, 2, 1) → BN → ReLU = h8     toRGB8: 1×1 conv → tanh
//	   h8 → ConvT(C/2 → 1, 4, 2, 1) → tanh = the 16×16 image
//	D: x16 → Conv(1 → C/2, 4, 2, 1) → LeakyReLU = d8      fromRGB8: x8 → 1×1 conv → LeakyReLU
//	   d8 → Conv(C/2 → C, 4, 2, 1) → BN → LeakyReLU = d4  fromRGB4: x4 → 3×3 conv → LeakyReLU
//	   d4 → minibatch std (+1 channel) → Flatten → Linear → a logit

// growingG is the generator at resolution Res, fading in with Alpha < 1.
type growingG struct {
	Res    int     // 4, 8 or 16
	Alpha  float64 // α of the fade-in, in (0, 1); 1 when the resolution is not fading in
	Fading bool    // Res is fading in

	base, block8, out16 *layers.Sequential // z → h4, h4 → h8, h8 → the 16×16 image
	toRGB4, toRGB8      *layers.Sequential // h4 → 4×4 image, h8 → 8×8 image
}

// growingD is the discriminator at resolution Res, fading in with Alpha.
type growingD struct {
	Res    int
	Alpha  float64
	Fading bool

	in16, block8, head *layers.Sequential // x16 → d8, d8 → d4, d4 → logit
	fromRGB8, fromRGB4 *layers.Sequential // x8 → d8, x4 → d4
}

func newGrowing(r *rand.Rand, b gan.ImageBudget) (*growingG, *growingD) {
	c, half := b.Width, b.Width/2
	init := layers.WithInit(layers.Normal(0.02)) // DCGAN's N(0, 0.02)
	lrelu := layers.LeakyReLU{Slope: 0.2}
	g := &growingG{Res: 4, Alpha: 1,
		base: layers.NewSequential(layers.NewLinear(r, b.Noise, c*16, init, layers.WithoutBias()), layers.NewReshape(c, 4, 4),
			batchNorm(r, c), layers.ReLU{}),
		block8: layers.NewSequential(layers.NewConvTranspose2D(r, c, half, 4, 2, 1, init, layers.WithoutBias()), batchNorm(r, half), layers.ReLU{}),
		out16:  layers.NewSequential(layers.NewConvTranspose2D(r, half, 1, 4, 2, 1, init), layers.Tanh{}),
		toRGB4: layers.NewSequential(layers.NewConv2D(r, c, 1, 1, 1, 0, init), layers.Tanh{}),
		toRGB8: layers.NewSequential(layers.NewConv2D(r, half, 1, 1, 1, 0, init), layers.Tanh{}),
	}
	mbstd := layers.NewMinibatchStdDev()
	mbstd.GroupSize = 4 // as ProGAN's code
	d := &growingD{Res: 4, Alpha: 1,
		in16:     layers.NewSequential(layers.NewConv2D(r, 1, half, 4, 2, 1, init), lrelu),
		block8:   layers.NewSequential(layers.NewConv2D(r, half, c, 4, 2, 1, init, layers.WithoutBias()), batchNorm(r, c), lrelu),
		head:     layers.NewSequential(mbstd, layers.Flatten{}, layers.NewLinear(r, (c+1)*16, 1, init)),
		fromRGB8: layers.NewSequential(layers.NewConv2D(r, 1, half, 1, 1, 0, init), lrelu),
		fromRGB4: layers.NewSequential(layers.NewConv2D(r, 1, c, 3, 1, 1, init), lrelu),
	}
	return g, d
}

// Forward draws images (B,1,S,S) from z (B,Z). While a resolution fades in,
// the new block's image is blended with the old resolution's image,
// enlarged: (1 − α)·upsample(old) + α·new.
func (g *growingG) Forward(z *autograd.Var) *autograd.Var {
	h4 := g.base.Forward(z) // (B,C,4,4)
	if g.Res == 4 {
		return g.toRGB4.Forward(h4)
	}
	h8 := g.block8.Forward(h4) // (B,C/2,8,8)
	var img, old *autograd.Var
	switch g.Res {
	case 8:
		img = g.toRGB8.Forward(h8) // (B,1,8,8)
		if g.Fading {
			old = g.toRGB4.Forward(h4)
		}
	case 16:
		img = g.out16.Forward(h8) // (B,1,16,16)
		if g.Fading {
			old = g.toRGB8.Forward(h8)
		}
	}
	if !g.Fading {
		return img
	}
	return blend(autograd.UpsampleNearest(old, 2), img, g.Alpha)
}

// Forward scores images x (B,1,S,S) with logits (B,1). While a resolution
// fades in, the new input block's features are blended with those the old
// input block makes of the image halved by 2×2 averaging.
func (d *growingD) Forward(x *autograd.Var) *autograd.Var {
	var d4 *autograd.Var // (B,C,4,4)
	switch d.Res {
	case 4:
		d4 = d.fromRGB4.Forward(x)
	case 8:
		d4 = d.block8.Forward(d.fromRGB8.Forward(x))
		if d.Fading {
			d4 = blend(d.fromRGB4.Forward(autograd.AvgPool2D(x, 2)), d4, d.Alpha)
		}
	case 16:
		d8 := d.in16.Forward(x) // (B,C/2,8,8)
		if d.Fading {
			d8 = blend(d.fromRGB8.Forward(autograd.AvgPool2D(x, 2)), d8, d.Alpha)
		}
		d4 = d.block8.Forward(d8)
	}
	return d.head.Forward(d4)
}

// blend returns (1 − α)·old + α·new.
func blend(old, new *autograd.Var, alpha float64) *autograd.Var {
	return autograd.Add(autograd.Scale(old, 1-alpha), autograd.Scale(new, alpha))
}

// Parameters lists every block's parameters, used at this resolution or
// not ("base.0.weight", …).
func (g *growingG) Parameters() []layers.Parameter {
	return prefixed([]string{"base", "block8", "out16", "toRGB4", "toRGB8"}, g.base, g.block8, g.out16, g.toRGB4, g.toRGB8)
}

func (d *growingD) Parameters() []layers.Parameter {
	return prefixed([]string{"in16", "block8", "head", "fromRGB8", "fromRGB4"}, d.in16, d.block8, d.head, d.fromRGB8, d.fromRGB4)
}

func prefixed(names []string, parts ...*layers.Sequential) []layers.Parameter {
	var out []layers.Parameter
	for i, p := range parts {
		for _, q := range p.Parameters() {
			out = append(out, layers.Parameter{Name: names[i] + "." + q.Name, Var: q.Var})
		}
	}
	return out
}

// batchNorm is batch normalisation with scales drawn from N(1, 0.02), as
// DCGAN initialises them.
func batchNorm(r *rand.Rand, features int) *layers.BatchNorm {
	bn := layers.NewBatchNorm(features)
	for i := range bn.Weight.Value.Data() {
		bn.Weight.Value.Data()[i] = 1 + 0.02*r.NormFloat64()
	}
	return bn
}

// ---- 2. The game ---------------------------------------------------------------------
//
// Every GAN here plays DCGAN's game (chapter 03, gan.DCGANGame): one D
// update on the non-saturating loss with a real batch and a generated one
// (made without a graph back into G), then one G update through the frozen
// D; Adam with β = (0.5, 0.999) and lr 2·10⁻⁴ × -lr-scale, falling
// linearly to 0 with the work done (-lr-decay). dcganStep is that step on
// any pair of networks, real batches from real() and noise from z(); it
// returns the losses.
func dcganStep(G, D layers.Module, optG, optD *optim.Adam, real func() *tensor.Tensor, z func() *autograd.Var) []gan.Quantity {
	loss := gan.NonSaturating{}
	var fake *autograd.Var
	autograd.NoGrad(func() { fake = G.Forward(z()) })
	lossD := loss.D(D.Forward(autograd.Const(real())), D.Forward(autograd.Const(fake.Value))) // E softplus(−D(x)) + E softplus(D(G(z)))
	optD.ZeroGrad()
	lossD.Backward()
	optD.Step()
	var lossG *autograd.Var
	gan.Frozen(D, func() {
		optG.ZeroGrad()
		lossG = loss.G(nil, D.Forward(G.Forward(z()))) // E softplus(−D(G(z)))
		lossG.Backward()
		optG.Step()
	})
	return []gan.Quantity{{Name: "D loss", Value: lossD.Item()}, {Name: "G loss", Value: lossG.Item()}}
}

// workMeter tracks the work a run has done, in multiply-adds, and sets its
// learning rate from it.
type workMeter struct {
	planned float64 // the multiply-adds the run will do
	done    float64 // those done so far
	lr      float64 // the learning rate at no work done
	decay   bool
}

// rate is the learning rate after the work done so far,
// lr·(1 − done/planned) with decay, lr without.
func (w *workMeter) rate() float64 {
	if !w.decay {
		return w.lr
	}
	return w.lr * math.Max(0, 1-w.done/w.planned)
}

// counted runs step, adds its multiply-adds to the work done and records
// them.
func (w *workMeter) counted(step func(i int) []gan.Quantity) func(i int) []gan.Quantity {
	return func(i int) []gan.Quantity {
		before := tensor.MultiplyAdds()
		q := step(i)
		work := float64(tensor.MultiplyAdds() - before)
		w.done += work
		return append(q, gan.Quantity{Name: "multiply-adds", Value: work})
	}
}

// stepCost returns the multiply-adds of one step, measured by running the
// step once on throwaway networks of the same shapes: the count depends on
// the shapes, not on the values.
func stepCost(dryStep func()) float64 {
	before := tensor.MultiplyAdds()
	dryStep()
	return float64(tensor.MultiplyAdds() - before)
}

// equalSteps returns the number of steps k that every phase gets when
// each phase runs k steps and all of them together cost at most total:
// ⌊total / Σ costs⌋, at least 1. ProGAN shows every phase the same number
// of images (800,000 in the paper), and StackGAN trains both stages for
// the same number of epochs.
func equalSteps(total float64, costs []float64) int {
	sum := 0.0
	for _, c := range costs {
		sum += c
	}
	return max(1, int(total/sum))
}

// ---- 3. Measuring -----------------------------------------------------------------------

// fidAt measures images against the real reference at their resolution.
type fidAt struct {
	net  *digitnet.Net
	real map[int]*tensor.Tensor // features of the real reference at 4, 8 and 16
}

// newFID reduces the reference digits (N,1,16,16) to each resolution
// (area averaging) and enlarges them back (nearest neighbour), and keeps
// their features.
func newFID(net *digitnet.Net, reference *tensor.Tensor) *fidAt {
	f := &fidAt{net: net, real: map[int]*tensor.Tensor{}}
	for _, r := range []int{4, 8, 16} {
		f.real[r] = net.Features(atResolution(reference, r))
	}
	return f
}

// atResolution reduces images (N,1,16,16) to r×r and enlarges them back to
// 16×16: what an image at r looks like to the classifier.
func atResolution(images *tensor.Tensor, r int) *tensor.Tensor {
	if r == gan.DigitSize {
		return images
	}
	return data.Resize(data.Resize(images, r), gan.DigitSize)
}

// of returns the FID of images (N,1,S,S) against the reference at S. Its
// error, a result that is not finite (as a diverged generator's images
// give), says what was measured: what, such as "FID of the direct DCGAN at
// step 600".
func (f *fidAt) of(what string, images *tensor.Tensor) (float64, error) {
	s := images.Dim(2)
	fid, err := metrics.FrechetDistanceOf(f.net.Features(data.Resize(images, gan.DigitSize)), f.real[s])
	if err != nil {
		return fid, fmt.Errorf("%s: %w", what, err)
	}
	return fid, nil
}

// evaluation is one FID measured during a run: after how much work, at
// which resolution, with which value.
type evaluation struct {
	fraction float64 // the fraction of the budget W done
	res      int
	fid      float64
}

// ---- 4. The three runs -------------------------------------------------------------------
//
// Everything random comes from the seed through streams of their own:
// initial weights 1 (stage 2's: 4), batches and noise 2, the evaluation
// noise 3, the throwaway networks that measure a step's cost 90 and up.

// runResult is what one of the three runs leaves behind.
type runResult struct {
	evals   []evaluation
	samples *tensor.Tensor     // the last evaluation's images
	work    float64            // multiply-adds of its training steps
	steps   map[string]int     // steps of each phase
	costs   map[string]float64 // multiply-adds of one step of each phase
}

func run(env chapter.Env, cfg config) error {
	b := cfg.budget
	n := b.EvalSamples
	digits := cfg.digits.Set(env.Seed, gan.DrawnTrainDigits, testDigits)
	net := digitnet.Load()
	reference := tensor.Slice(digits.Test, 0, 0, n)
	fid := newFID(net, reference)
	evalZ := tensor.RandN(rand.New(rand.NewPCG(env.Seed, 3)), n, b.Noise) // the same noise for every evaluation

	// ---- The direct DCGAN: chapter 03's run, its work counted --------------------------
	start := time.Now()
	direct := &runResult{steps: map[string]int{"direct": env.Steps}}
	meter := &workMeter{} // counts only: the direct run's learning rate is gan.ImageRun's
	counting := func(t *gan.Images) func(int) []gan.Quantity { return meter.counted(gan.DCGANGame()(t)) }
	var evalErr error // the first FID that failed; the run stops with it
	evalDirect := func(i int, _ *gan.Images, samples *tensor.Tensor) []gan.Quantity {
		f, err := fid.of(fmt.Sprintf("FID of the direct DCGAN at step %d", i), samples)
		if err != nil && evalErr == nil {
			evalErr = err
		}
		direct.evals = append(direct.evals, evaluation{float64(i) / float64(env.Steps), 16, f})
		return []gan.Quantity{{Name: "FID", Value: f}}
	}
	db := b
	db.EvalEvery = max(1, env.Steps/5)
	res, err := gan.ImageRun{Name: "direct DCGAN 16×16", Game: counting, Budget: db, Data: digits.Train, Seed: env.Seed,
		Steps: env.Steps, Progress: env.Stderr, Context: env.Context, Eval: evalDirect}.Run()
	if err != nil {
		return err
	}
	if evalErr != nil {
		return evalErr
	}
	direct.samples, direct.work = res.Samples, meter.done
	total := meter.done // W
	wallDirect := time.Since(start)

	// ---- Progressive growing --------------------------------------------------------------
	start = time.Now()
	prog, snaps, err := progressive(env, cfg, digits.Train, total, fid, evalZ)
	if err != nil {
		return err
	}
	wallProg := time.Since(start)

	// ---- Stacked ------------------------------------------------------------------------------
	start = time.Now()
	stacked, stages, err := stack(env, cfg, digits.Train, total, fid, evalZ)
	if err != nil {
		return err
	}
	wallStacked := time.Since(start)

	// ---- 5. Results -------------------------------------------------------------------------
	// The floors: n training digits against the reference, at 16, 8 and 4;
	// and the direct run's last images reduced to 8 and 4.
	floor := map[int]float64{}
	for _, r := range []int{16, 8, 4} {
		train := tensor.Slice(digits.Train, 0, 0, n) // (n,1,16,16)
		f, err := metrics.FrechetDistanceOf(net.Features(atResolution(train, r)), fid.real[r])
		if err != nil {
			return fmt.Errorf("the floor at %d×%d (training digits against the reference): %w", r, r, err)
		}
		floor[r] = f
	}
	directAt := map[int]float64{}
	for _, r := range []int{8, 4} {
		what := fmt.Sprintf("FID of the direct DCGAN's last images reduced to %d×%d", r, r)
		if directAt[r], err = fid.of(what, data.Resize(direct.samples, r)); err != nil {
			return err
		}
	}
	lastAt := func(m *runResult, r int) float64 {
		v := math.NaN()
		for _, e := range m.evals {
			if e.res == r {
				v = e.fid
			}
		}
		return v
	}
	var m chapter.Metrics
	m.Set("direct_fid", lastAt(direct, 16))
	m.Set("stacked_fid", lastAt(stacked, 16))
	m.Set("fid_floor", floor[16])
	m.Set("stacked_fid_8", lastAt(stacked, 8))
	m.Set("progressive_fid_4", lastAt(prog, 4))
	m.Set("progressive_fid_8", lastAt(prog, 8))
	m.Set("progressive_fid_16", lastAt(prog, 16))
	m.Set("direct_fid_8", directAt[8])
	m.Set("direct_fid_4", directAt[4])
	m.Set("fid_floor_8", floor[8])
	m.Set("fid_floor_4", floor[4])
	m.Set("stacked_consistency", stages.consistency)
	m.Set("stacked_consistency_shuffled", stages.shuffled)
	m.Set("madds_budget", total)
	m.Set("madds_stacked", stacked.work)
	m.Set("madds_progressive", prog.work)
	m.Set("direct_steps", float64(env.Steps))
	// Steps, and the cost of a step against a step of the direct run.
	directCost := total / float64(env.Steps)
	for _, k := range []string{"stage1", "stage2"} {
		m.Set("stacked_steps_"+k, float64(stacked.steps[k]))
		m.Set("stacked_step_cost_"+k, stacked.costs[k]/directCost)
	}
	phases, _ := parsePhases(cfg.phases)
	for _, ph := range phases {
		m.Set("progressive_steps_"+ph.String(), float64(prog.steps[ph.String()]))
		m.Set("progressive_step_cost_"+ph.String(), prog.costs[ph.String()]/directCost)
	}
	m.Set("eval_samples", float64(n))
	chapter.PrintTable(env.Stdout, "12-progressive-growing: direct, stacked and progressive GANs for the same work", &m)
	fmt.Fprintf(env.Stdout, "\nwall time, training and its FID measurements: %.1f s direct, %.1f s stacked, %.1f s progressive (not in metrics.json)\n",
		wallDirect.Seconds(), wallStacked.Seconds(), wallProg.Seconds())

	// ---- 6. Pictures ------------------------------------------------------------------------------
	grid := func(images *tensor.Tensor, rows int) plot.ImageGrid {
		return gan.DigitGrid(data.Resize(images, gan.DigitSize), rows*gridCols, gridCols)
	}
	pictures := []chapter.Picture{
		chapter.Picture{Name: "real.png", Save: grid(reference, 2).Save},
		chapter.Picture{Name: "samples_direct.png", Save: grid(direct.samples, 3).Save},
		chapter.Picture{Name: "samples_stacked.png", Save: grid(stacked.samples, 3).Save},
		chapter.Picture{Name: "samples_progressive.png", Save: grid(prog.samples, 3).Save},
		chapter.Picture{Name: "progressive_resolutions.png", Save: rows(snaps.resolutions).Save},
		chapter.Picture{Name: "stacked_stages.png", Save: rows([]*tensor.Tensor{stages.coarse, stages.fine}).Save},
		chapter.Picture{Name: "fid.svg", Save: fidChart(direct, stacked, prog, floor[16]).Save},
	}
	if len(snaps.fade) > 0 { // a schedule with a 16×16 fade-in
		pictures = append(pictures, chapter.Picture{Name: "fade_in.png", Save: rows(snaps.fade).Save})
	}
	if err := env.SavePictures(pictures...); err != nil {
		return err
	}
	return env.WriteJSON(&m) // last: it marks a finished run
}

// rows lays out one row of gridCols images per tensor, each enlarged to
// 16×16 (nearest neighbour, so that 4×4 and 8×8 images show their pixels).
func rows(sets []*tensor.Tensor) plot.ImageGrid {
	var parts []*tensor.Tensor
	for _, s := range sets {
		parts = append(parts, data.Resize(tensor.Slice(s, 0, 0, min(gridCols, s.Dim(0))), gan.DigitSize))
	}
	return gan.DigitGrid(tensor.Concat(0, parts...), len(sets)*gridCols, gridCols)
}

// fidChart draws FID against the fraction of the budget done, one series
// per run and resolution.
func fidChart(direct, stacked, prog *runResult, floor float64) plot.LineChart {
	var series []plot.Line
	add := func(name string, m *runResult) {
		for _, r := range []int{4, 8, 16} {
			var pts []plot.Point
			for _, e := range m.evals {
				if e.res == r {
					pts = append(pts, plot.Point{X: e.fraction, Y: e.fid})
				}
			}
			if len(pts) > 0 {
				series = append(series, plot.Line{Name: fmt.Sprintf("%s at %d×%d", name, r, r), Points: pts, Markers: true})
			}
		}
	}
	add("direct", direct)
	add("stacked", stacked)
	add("progressive", prog)
	return plot.LineChart{Title: "FID against real digits at the same resolution", XLabel: "fraction of the work budget done",
		YLabel: "FID", LogY: true, Series: series, Refs: []plot.RefLine{{Y: floor, Label: "real against real, 16×16"}}}
}

// phase is one phase of progressive growing: training at resolution res,
// which is fading in or not.
type phase struct {
	res    int
	fading bool
}

func (p phase) String() string {
	if p.fading {
		return fmt.Sprintf("fade%d", p.res)
	}
	return fmt.Sprint(p.res)
}

// defaultPhases is ProGAN's schedule from 4×4: each resolution is trained,
// then the next one fades in.
const defaultPhases = "4,fade8,8,fade16,16"

// parsePhases reads a schedule such as "4,fade8,8,fade16,16": phases at 4,
// 8 or 16, "fadeR" for R fading in over the phase. The resolution never
// falls, a fade-in to R follows a phase at R/2, a schedule does not start
// with a fade-in and ends at 16. A jump from R/2 to R without "fadeR"
// grows the networks at once; "16" alone trains the grown networks from
// the start.
func parsePhases(s string) ([]phase, error) {
	var out []phase
	for _, tok := range strings.Split(s, ",") {
		tok = strings.TrimSpace(tok)
		ph := phase{fading: strings.HasPrefix(tok, "fade")}
		switch strings.TrimPrefix(tok, "fade") {
		case "4":
			ph.res = 4
		case "8":
			ph.res = 8
		case "16":
			ph.res = 16
		default:
			return nil, fmt.Errorf("%q is not a phase: want 4, 8, 16, fade8 or fade16", tok)
		}
		prev := 0
		if len(out) > 0 {
			prev = out[len(out)-1].res
		}
		switch {
		case ph.fading && (ph.res == 4 || prev != ph.res/2):
			return nil, fmt.Errorf("%q must follow a phase at %d×%d", tok, ph.res/2, ph.res/2)
		case ph.res < prev:
			return nil, fmt.Errorf("%q after a phase at %d×%d: the resolution never falls", tok, prev, prev)
		}
		out = append(out, ph)
	}
	if out[len(out)-1].res != 16 {
		return nil, fmt.Errorf("the last phase must be at 16×16, the images' size")
	}
	return out, nil
}

// growth are the snapshots of the progressive run for its pictures: the
// first gridCols images of the evaluation noise at the end of the 4×4,
// 8×8 and 16×16 phases, and across the 16×16 fade-in.
type growth struct {
	resolutions []*tensor.Tensor
	fade        []*tensor.Tensor
}

// realsAt returns a batch of real images (B,1,16,16) as the discriminator
// sees them at resolution res: reduced by area averaging, and while res
// fades in, blended with the same images at half the resolution, enlarged,
// as the generator's output is: (1 − α)·upsample(downsample(x)) + α·x.
func realsAt(x *tensor.Tensor, res int, fading bool, alpha float64) *tensor.Tensor {
	x = data.Resize(x, res)
	if !fading {
		return x
	}
	low := data.Resize(data.Resize(x, res/2), res) // area average, then nearest neighbour
	return tensor.Add(tensor.Scale(low, 1-alpha), tensor.Scale(x, alpha))
}

// progressive grows G and D from 4×4 to 16×16 through the -phases
// schedule, every phase the same number of steps, as many as fit in the
// budget (a 4×4 step costs a twentieth of an 8×8 one). Each phase starts
// fresh Adam optimizers (ProGAN's code resets them at every resolution);
// the learning rate keeps falling with the work done over the whole run.
// α rises linearly over a fading phase, (i − ½)/k at its step i of k.
func progressive(env chapter.Env, cfg config, train *tensor.Tensor, total float64, fid *fidAt, evalZ *tensor.Tensor) (*runResult, *growth, error) {
	b := cfg.budget
	G, D := newGrowing(rand.New(rand.NewPCG(env.Seed, 1)), b)
	t := &gan.Images{Data: train, Batch: b.Batch, Noise: b.Noise, R: rand.New(rand.NewPCG(env.Seed, 2))}
	meter := &workMeter{lr: gan.DCGANLR * b.LRScale, decay: b.LinearDecay}
	m, snaps := &runResult{steps: map[string]int{}, costs: map[string]float64{}}, &growth{}
	first := func() *tensor.Tensor { // the first gridCols images of the evaluation noise, generated in batches as in training
		n := min(evalZ.Dim(0), max(gridCols, b.Batch))
		return tensor.Slice(gan.Generate(G, tensor.Slice(evalZ, 0, 0, n), b.Batch), 0, 0, min(n, gridCols))
	}
	phases, _ := parsePhases(cfg.phases) // checked with the flags
	set := func(g *growingG, d *growingD, res int, fading bool, alpha float64) {
		g.Res, g.Fading, g.Alpha = res, fading, alpha
		d.Res, d.Fading, d.Alpha = res, fading, alpha
	}
	costs := make([]float64, len(phases))
	for p, ph := range phases {
		costs[p] = stepCost(func() {
			g, d := newGrowing(rand.New(rand.NewPCG(env.Seed, 90)), b)
			set(g, d, ph.res, ph.fading, 0.5)
			dry := &gan.Images{Data: train, Batch: b.Batch, Noise: b.Noise, R: rand.New(rand.NewPCG(env.Seed, 91))}
			dcganStep(g, d, optim.NewAdam(layers.Vars(g), 0, 0.5, 0.999), optim.NewAdam(layers.Vars(d), 0, 0.5, 0.999),
				func() *tensor.Tensor { return realsAt(dry.Real(), ph.res, ph.fading, 0.5) }, dry.Z)
		})
	}
	steps := equalSteps(total, costs)
	for _, c := range costs {
		meter.planned += float64(steps) * c
	}
	for p, ph := range phases {
		m.steps[ph.String()], m.costs[ph.String()] = steps, costs[p]
		optG := optim.NewAdam(layers.Vars(G), meter.rate(), 0.5, 0.999)
		optD := optim.NewAdam(layers.Vars(D), meter.rate(), 0.5, 0.999)
		nextSnap := 0                  // the next fade snapshot, at α = 0.1, 0.3, 0.5, 0.7, 0.9
		alpha := func(i int) float64 { // α at step i of the phase
			if !ph.fading {
				return 1
			}
			return (float64(i) - 0.5) / float64(steps)
		}
		trainStep := meter.counted(func(i int) []gan.Quantity {
			set(G, D, ph.res, ph.fading, alpha(i))
			optG.SetLR(meter.rate())
			optD.SetLR(meter.rate())
			return dcganStep(G, D, optG, optD, func() *tensor.Tensor { return realsAt(t.Real(), ph.res, ph.fading, alpha(i)) }, t.Z)
		})
		step := func(i int) []gan.Quantity {
			q := trainStep(i)
			if ph.fading && ph.res == 16 && nextSnap < 5 && alpha(i) >= 0.1+0.2*float64(nextSnap) {
				snaps.fade = append(snaps.fade, first()) // not counted: a picture, not training
				nextSnap++
			}
			return q
		}
		name := fmt.Sprintf("progressive %d×%d", ph.res, ph.res)
		if ph.fading {
			name += " fading in"
		}
		_, err := gan.Loop{Name: name, Steps: steps, Progress: env.Stderr, Context: env.Context,
			Watch: map[string]layers.Module{"G": G, "D": D}}.Run(step, nil)
		if err != nil {
			return nil, nil, err
		}
		m.samples = gan.Generate(G, evalZ, b.Batch)
		f, err := fid.of(fmt.Sprintf("FID of the progressive GAN at the end of phase %s (step %d of %d)", ph, (p+1)*steps, len(phases)*steps), m.samples)
		if err != nil {
			return nil, nil, err
		}
		m.evals = append(m.evals, evaluation{meter.done / total, ph.res, f})
		if !ph.fading {
			snaps.resolutions = append(snaps.resolutions, first())
		}
	}
	if len(snaps.fade) > 0 {
		snaps.fade = append(snaps.fade, first()) // and where the fade-in ended up
	}
	m.work = meter.done
	return m, snaps, nil
}

// stackedG is the stacked generator: stage 1 (fixed) draws an 8×8 digit
// c = G1(z₁), stage 2 refines it, x = G2([c, n]) with n a K-channel 8×8
// noise map. Its noise is one vector (B, Z + K·64): z₁, then n. Its
// parameters are stage 2's.
type stackedG struct {
	G1, G2   *layers.Sequential
	noise, k int // Z and K
}

func (s *stackedG) Forward(z *autograd.Var) *autograd.Var {
	parts := autograd.Split(z, 1, s.noise, s.k*64)
	var c *autograd.Var
	autograd.NoGrad(func() { c = s.G1.Forward(autograd.Const(parts[0].Value)) }) // (B,1,8,8), stage 1 fixed
	n := autograd.Reshape(parts[1], z.Value.Dim(0), s.k, 8, 8)                   // (B,K,8,8)
	return s.G2.Forward(autograd.Concat(1, autograd.Const(c.Value), n))          // (B,1,16,16)
}

func (s *stackedG) Parameters() []layers.Parameter { return s.G2.Parameters() }

// stageImages are the stacked run's pictures and its consistency: how far
// stage 2's images, reduced to 8×8, are from the stage 1 images they were
// drawn from (mean |·| per pixel), and from another image's stage 1 image.
type stageImages struct {
	coarse, fine          *tensor.Tensor
	consistency, shuffled float64
}

// stack trains the two stages for the same number of steps, as many as
// fit in the budget (a stage 1 step costs about a fifth of a stage 2
// one). Stage 1 is DCGAN at 8×8 (gan.NewDCGAN) on the digits reduced to
// 8×8. Stage 2's generator is
//
//	[c, n] (B,1+K,8,8) → Conv(1+K → C/2, 3, 1, 1) → BN → ReLU
//	                   → Conv(C/2 → C/2, 3, 1, 1) → BN → ReLU
//	                   → ConvT(C/2 → 1, 4, 2, 1) → (B,1,16,16) → tanh,
//
// and its discriminator DCGAN's at 16×16, which sees only the 16×16 image,
// as StackGAN's stage-2 discriminator sees the image (and the text, which
// we do not have). Each stage's learning rate falls to 0 over its own
// steps.
func stack(env chapter.Env, cfg config, train *tensor.Tensor, total float64, fid *fidAt, evalZ *tensor.Tensor) (*runResult, *stageImages, error) {
	b := cfg.budget
	m := &runResult{steps: map[string]int{}, costs: map[string]float64{}}
	t := &gan.Images{Data: train, Batch: b.Batch, Noise: b.Noise, R: rand.New(rand.NewPCG(env.Seed, 2))}
	train8 := data.Resize(train, 8)
	t8 := &gan.Images{Data: train8, Batch: b.Batch, Noise: b.Noise, R: t.R}

	k := cfg.refineNoise
	newStage1 := func(stream uint64) (*layers.Sequential, *layers.Sequential) {
		return gan.NewDCGAN(rand.New(rand.NewPCG(env.Seed, stream)), gan.DCGANConfig{Size: 8, Noise: b.Noise, Width: b.Width})
	}
	newStage2 := func(g1 *layers.Sequential, stream uint64) (*stackedG, *layers.Sequential) {
		r := rand.New(rand.NewPCG(env.Seed, stream))
		c, half := b.Width, b.Width/2
		init := layers.WithInit(layers.Normal(0.02))
		g2 := layers.NewSequential(
			layers.NewConv2D(r, 1+k, half, 3, 1, 1, init, layers.WithoutBias()), batchNorm(r, half), layers.ReLU{},
			layers.NewConv2D(r, half, half, 3, 1, 1, init, layers.WithoutBias()), batchNorm(r, half), layers.ReLU{},
			layers.NewConvTranspose2D(r, half, 1, 4, 2, 1, init), layers.Tanh{})
		_, d2 := gan.NewDCGAN(r, gan.DCGANConfig{Size: gan.DigitSize, Noise: b.Noise, Width: c}) // its D; the G is not used
		return &stackedG{G1: g1, G2: g2, noise: b.Noise, k: k}, d2
	}
	z := func(r *rand.Rand) func() *autograd.Var { // stage 2's noise, (B, Z + K·64)
		return func() *autograd.Var { return autograd.Const(tensor.RandN(r, b.Batch, b.Noise+k*64)) }
	}
	noAdam := func(m layers.Module) *optim.Adam { return optim.NewAdam(layers.Vars(m), 0, 0.5, 0.999) }
	cost1 := stepCost(func() {
		g, d := newStage1(92)
		dry := &gan.Images{Data: train8, Batch: b.Batch, Noise: b.Noise, R: rand.New(rand.NewPCG(env.Seed, 93))}
		dcganStep(g, d, noAdam(g), noAdam(d), dry.Real, dry.Z)
	})
	cost2 := stepCost(func() {
		g1, _ := newStage1(94)
		g, d := newStage2(g1, 95)
		dry := &gan.Images{Data: train, Batch: b.Batch, Noise: b.Noise, R: rand.New(rand.NewPCG(env.Seed, 96))}
		dcganStep(g, d, noAdam(g), noAdam(d), dry.Real, z(dry.R))
	})
	steps := equalSteps(total, []float64{cost1, cost2})
	m.steps["stage1"], m.steps["stage2"] = steps, steps
	m.costs["stage1"], m.costs["stage2"] = cost1, cost2

	// Stage 1: DCGAN at 8×8.
	G1, D1 := newStage1(1)
	meter1 := &workMeter{planned: float64(steps) * cost1, lr: gan.DCGANLR * b.LRScale, decay: b.LinearDecay}
	opt1G, opt1D := optim.NewAdam(layers.Vars(G1), meter1.rate(), 0.5, 0.999), optim.NewAdam(layers.Vars(D1), meter1.rate(), 0.5, 0.999)
	_, err := gan.Loop{Name: "stacked stage 1, 8×8", Steps: steps, Progress: env.Stderr, Context: env.Context,
		Watch: map[string]layers.Module{"G": G1, "D": D1}}.Run(meter1.counted(func(int) []gan.Quantity {
		opt1G.SetLR(meter1.rate())
		opt1D.SetLR(meter1.rate())
		return dcganStep(G1, D1, opt1G, opt1D, t8.Real, t8.Z)
	}), nil)
	if err != nil {
		return nil, nil, err
	}
	coarse := gan.Generate(G1, evalZ, b.Batch) // (N,1,8,8)
	f, err := fid.of(fmt.Sprintf("FID of the stacked GAN's stage 1 at 8×8 (step %d)", steps), coarse)
	if err != nil {
		return nil, nil, err
	}
	m.evals = append(m.evals, evaluation{meter1.done / total, 8, f})

	// Stage 2: the refiner, with stage 1 fixed.
	G, D2 := newStage2(G1, 4)
	meter2 := &workMeter{planned: float64(steps) * cost2, lr: gan.DCGANLR * b.LRScale, decay: b.LinearDecay}
	opt2G, opt2D := optim.NewAdam(layers.Vars(G), meter2.rate(), 0.5, 0.999), optim.NewAdam(layers.Vars(D2), meter2.rate(), 0.5, 0.999)
	_, err = gan.Loop{Name: "stacked stage 2, 8×8 → 16×16", Steps: steps, Progress: env.Stderr, Context: env.Context,
		Watch: map[string]layers.Module{"G2": G, "D2": D2}}.Run(meter2.counted(func(int) []gan.Quantity {
		opt2G.SetLR(meter2.rate())
		opt2D.SetLR(meter2.rate())
		return dcganStep(G, D2, opt2G, opt2D, t.Real, z(t.R))
	}), nil)
	if err != nil {
		return nil, nil, err
	}
	// The evaluation noise for stage 2: stage 1's z₁ and a noise map of
	// its own.
	maps := tensor.RandN(rand.New(rand.NewPCG(env.Seed, 5)), evalZ.Dim(0), k*64)
	m.samples = gan.Generate(G, tensor.Concat(1, evalZ, maps), b.Batch)
	if f, err = fid.of(fmt.Sprintf("FID of the stacked GAN's stage 2 at 16×16 (step %d)", steps), m.samples); err != nil {
		return nil, nil, err
	}
	m.evals = append(m.evals, evaluation{(meter1.done + meter2.done) / total, 16, f})
	m.work = meter1.done + meter2.done

	st := &stageImages{coarse: coarse, fine: m.samples}
	reduced := data.Resize(m.samples, 8)
	nImg := coarse.Dim(0)
	per := 64 * float64(nImg)
	for i := range nImg {
		for p := range 64 {
			st.consistency += math.Abs(reduced.Data()[i*64+p]-coarse.Data()[i*64+p]) / per
			st.shuffled += math.Abs(reduced.Data()[i*64+p]-coarse.Data()[((i+1)%nImg)*64+p]) / per
		}
	}
	return m, st, nil
}

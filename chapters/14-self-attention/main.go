// Chapter 14 mirrors the article's section "Técnicas 8: Mecanismo de
// auto-atención" (self-attention).
//
// A convolution sees a small window. A unit deep in a network sees a larger
// one, but still only part of the image, and the parts of an image far
// apart from each other are related only through the few layers, if any,
// whose window covers both. The Self-Attention GAN (Zhang, Goodfellow,
// Metaxas and Odena, arXiv 1805.08318) adds a layer in which every position
// of a feature map x (C channels at P = H·W positions) draws on every other:
//
//	f(x) = W_f·x,  g(x) = W_g·x   (1×1 convolutions to C/8 channels)
//	h(x) = W_h·x                   (a 1×1 convolution to C channels)
//	β_{j,i} = softmax_i( f(xᵢ)ᵀ g(xⱼ) )   (where position j looks)
//	o_j = Σᵢ β_{j,i}·h(xᵢ),    y_j = γ·o_j + x_j,
//
// with γ a learned scalar that starts at 0: the layer starts as the
// identity, and the network learns how much non-local evidence to use
// (layers.SelfAttention, checked against PyTorch and to second order).
// SAGAN puts the layer in both networks, normalises every layer's weights
// spectrally (chapter 09) and trains with the hinge loss and two time-scale
// learning rates (chapter 07).
//
// The data set here is made for the question: TwinBars (gan/data), 16×16
// images with a bar in the top-left corner and one in the bottom-right,
// always at the same angle. Either bar alone can be at any angle; only
// the pair shows whether an image is real. The corners are 11 pixels apart.
// A rule reads each corner's angle from the second moments of its ink; a
// pair agrees if both bars are readable and within 15° (data.ScoreTwinBars).
// Two independent bars agree 1/6 of the time.
//
// This program trains the same GAN twice, from the same initial weights,
// batches and noise: with self-attention (on the 4×4 maps, in G after its
// first layer and in D after its second convolution) and without. The
// claim, measured on 1,000 generated images:
//
//  1. with attention the bars agree (agreement_with_attention, against the
//     rule's score of real images, agreement_real), without it they agree
//     as often as independent bars would (agreement_without, against the
//     same images with their corners shuffled, shuffled_without);
//  2. why: without attention every unit of D's last feature map sees a
//     10×10 window, and no window reaches both corners, so D's score, a
//     linear read-out of those units, is a sum of a term for each corner:
//     swapping the bottom-right corners of two real images changes the sum
//     of their scores by nothing but rounding (swap_gap_without), and D
//     cannot reward agreement. With attention it can (swap_gap_with_attention);
//  3. γ of D's attention moves away from 0 (gamma_end_d) and its maps show
//     each corner attending to the other.
//
// Run it with
//
//	go run ./chapters/14-self-attention
//
// and look in out/14-self-attention/: real.png, samples_with_attention.png
// and samples_without.png (generated images of the two runs, from the same
// noise), agreement.svg (over training, with the shuffled baselines),
// gamma.svg, attention_maps.svg (where D's attention looks from each
// corner, on real and generated images), and metrics.json, written last.
package main

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"time"

	"ganbook/autograd"
	"ganbook/gan"
	"ganbook/gan/chapter"
	"ganbook/gan/data"
	"ganbook/gan/plot"
	"ganbook/layers"
	"ganbook/layers/optim"
	"ganbook/tensor"
)

// Shape legend: B batch, Z noise, C the width (G's first and D's last
// feature maps have C channels), S = 16 the image side; the attention
// layers work on 4×4 maps, P = 16 positions.
type config struct {
	width, noise, batch int
	lrScale             float64 // TTUR's rates (D 4·10⁻⁴, G 10⁻⁴) times this
	evalEvery           int
	evalSamples         int
	attendG, attendD    bool // where the run with attention has it
	gSpectral           bool // spectral normalisation in G too, as SAGAN
}

var spec = chapter.Spec{
	Name:     "14-self-attention",
	Defaults: chapter.Flags{Seed: 1, Steps: 1000},
	Outputs: []string{"real.png", "samples_with_attention.png", "samples_without.png", "agreement.svg", "gamma.svg",
		"attention_maps.svg"},
	Setup: func(fs *chapter.FlagSet) func(chapter.Env) error {
		cfg := config{width: 32, noise: 32, batch: 32, lrScale: 10, evalEvery: 200, evalSamples: 1000, attendG: true, attendD: true}
		fs.Int(&cfg.width, "width", cfg.width, "channels C of G's first and D's last feature maps (at least 8: attention's f and g get C/8)", 8)
		fs.Int(&cfg.noise, "noise", cfg.noise, "size of the noise vector z", 1)
		fs.Int(&cfg.batch, "batch", cfg.batch, "real and generated images per step", 2)
		fs.Float(&cfg.lrScale, "lr-scale", cfg.lrScale, "multiply TTUR's learning rates (D 4e-4, G 1e-4) by this", chapter.Positive)
		fs.Int(&cfg.evalEvery, "eval-every", cfg.evalEvery, "steps between evaluations", 1)
		fs.Int(&cfg.evalSamples, "eval-samples", cfg.evalSamples, "generated images per evaluation", 10)
		fs.Bool(&cfg.attendG, "g-attention", cfg.attendG, "give G a self-attention layer in the run with attention")
		fs.Bool(&cfg.attendD, "d-attention", cfg.attendD, "give D a self-attention layer in the run with attention")
		fs.Bool(&cfg.gSpectral, "g-spectral-norm", cfg.gSpectral, "normalise G's layers spectrally too, as SAGAN does (D's always are)")
		fs.Check(func() error {
			if !cfg.attendG && !cfg.attendD {
				return fmt.Errorf("-g-attention and -d-attention are both false: the run with attention would have none")
			}
			return nil
		})
		fs.Memory(func(f chapter.Flags) []chapter.Need { return memory(cfg, f.Steps) })
		return func(env chapter.Env) error { return run(env, cfg) }
	},
}

func main() { os.Exit(chapter.Main(spec, os.Args[1:], os.Stdout, os.Stderr)) }

// ---- 1. The networks ---------------------------------------------------------------
//
// DCGAN's networks for 16×16 images (gan.NewDCGAN), as SAGAN changes them:
// no batch normalisation in D, every layer of D spectrally normalised,
// LeakyReLU with slope 0.1, and PyTorch's default initialisation. The
// attention layers sit on the 4×4 maps, where SAGAN puts them on the
// 32×32 maps of 128×128 images: a quarter of the image's side.
//
//	G: z (B,Z) → Linear → (B,C,4,4) → BN → ReLU → [attention]
//	           → ConvT(C → C/2, 4, 2, 1) → (B,C/2,8,8) → BN → ReLU
//	           → ConvT(C/2 → 1, 4, 2, 1) → (B,1,16,16) → tanh
//	D: x (B,1,16,16) → SN Conv(1 → C/2, 4, 2, 1) → (B,C/2,8,8) → LeakyReLU
//	           → SN Conv(C/2 → C, 4, 2, 1) → (B,C,4,4) → LeakyReLU → [attention]
//	           → Flatten → SN Linear(16·C → 1), a score
//
// Each unit of D's 4×4 map sees a 10×10 window of the image (rows
// 4i − 3 … 4i + 6 of row i), and no window holds pixels of both corners
// (rows 0–4 and 11–15). The last layer is linear, so without attention
// D(x) = Σ_u w_u·φ_u(window u): a sum of terms that each see one corner.
type nets struct {
	G, D         *layers.Sequential
	gAttn, dAttn *layers.SelfAttention // nil where there is none
}

// newNets builds the networks, with attention where asked. The layers
// both runs have are drawn from the seed's stream 1 in the same order
// whatever the attention, and the attention layers from stream 2, so the
// two runs start from the same weights, and, as γ = 0, from the same
// functions.
func newNets(seed uint64, cfg config, attendG, attendD bool) nets {
	r, ra := rand.New(rand.NewPCG(seed, 1)), rand.New(rand.NewPCG(seed, 2))
	c, half := cfg.width, cfg.width/2
	spectral := func(m layers.Module) layers.Module { return layers.NewSpectralNorm(r, m) }
	gLayer := func(m layers.Module) layers.Module {
		if cfg.gSpectral {
			return spectral(m)
		}
		return m
	}
	attention := func(channels int, spectralNorm bool) *layers.SelfAttention {
		a := layers.NewSelfAttention(ra, channels) // γ = 0
		if spectralNorm {
			a.F, a.G, a.H = layers.NewSpectralNorm(ra, a.F), layers.NewSpectralNorm(ra, a.G), layers.NewSpectralNorm(ra, a.H)
		}
		return a
	}
	var n nets
	g := []layers.Module{gLayer(layers.NewLinear(r, cfg.noise, c*16)), layers.NewReshape(c, 4, 4), layers.NewBatchNorm(c), layers.ReLU{}}
	if attendG {
		n.gAttn = attention(c, cfg.gSpectral)
		g = append(g, n.gAttn)
	}
	g = append(g,
		gLayer(layers.NewConvTranspose2D(r, c, half, 4, 2, 1)), layers.NewBatchNorm(half), layers.ReLU{},
		gLayer(layers.NewConvTranspose2D(r, half, 1, 4, 2, 1)), layers.Tanh{})
	d := []layers.Module{
		spectral(layers.NewConv2D(r, 1, half, 4, 2, 1)), layers.LeakyReLU{Slope: 0.1},
		spectral(layers.NewConv2D(r, half, c, 4, 2, 1)), layers.LeakyReLU{Slope: 0.1}}
	if attendD {
		n.dAttn = attention(c, true)
		d = append(d, n.dAttn)
	}
	d = append(d, layers.Flatten{}, spectral(layers.NewLinear(r, c*16, 1)))
	n.G, n.D = layers.NewSequential(g...), layers.NewSequential(d...)
	return n
}

// ---- 2. The game ---------------------------------------------------------------------
//
// SAGAN's: the hinge loss (gan.Hinge), one D update per G update, Adam
// with β = (0, 0.9) and TTUR's rates, D 4·10⁻⁴ and G 10⁻⁴, both scaled by
// -lr-scale for a run of a thousand steps. D sees the real and the
// generated batch as one batch, so that each of its updates runs one step
// of every layer's power iteration (chapter 09); G's update runs D in
// evaluation mode, with the stored σ̂, and frozen (gan.Frozen), so that G's
// loss leaves no gradient in D's weights.

// runResult is what train returns for one run: its networks, what it
// measured and its last evaluation's images.
type runResult struct {
	nets
	history *gan.History
	samples *tensor.Tensor // the last evaluation's images (evalSamples,1,16,16)
	work    float64        // multiply-adds of a training step (the last)
	evalZ   *tensor.Tensor // the evaluation noise (evalSamples, Z)
}

func train(env chapter.Env, cfg config, name string, attend bool) (*runResult, error) {
	n := newNets(env.Seed, cfg, attend && cfg.attendG, attend && cfg.attendD)
	res := &runResult{nets: n}
	rTrain := rand.New(rand.NewPCG(env.Seed, 3)) // batches and noise: the same for both runs
	evalZ := tensor.RandN(rand.New(rand.NewPCG(env.Seed, 4)), cfg.evalSamples, cfg.noise)
	res.evalZ = evalZ
	lrD, lrG := 4e-4*cfg.lrScale, 1e-4*cfg.lrScale
	optD := optim.NewAdam(layers.Vars(n.D), lrD, 0, 0.9)
	optG := optim.NewAdam(layers.Vars(n.G), lrG, 0, 0.9)
	loss := gan.Hinge{}
	z := func() *autograd.Var { return autograd.Const(tensor.RandN(rTrain, cfg.batch, cfg.noise)) } // (B, Z)

	step := func(int) []gan.Quantity {
		work := tensor.MultiplyAdds()
		real, _ := data.TwinBars(rTrain, cfg.batch) // (B,1,16,16), a fresh batch
		var fake *autograd.Var
		autograd.NoGrad(func() { fake = n.G.Forward(z()) }) // (B,1,16,16), no graph into G
		scores := n.D.Forward(autograd.Const(tensor.Concat(0, real, fake.Value)))
		parts := autograd.Split(scores, 0, cfg.batch, cfg.batch) // D(x), D(G(z)): (B,1) each
		lossD := loss.D(parts[0], parts[1])                      // E max(0, 1 − D(x)) + E max(0, 1 + D(G(z)))
		optD.ZeroGrad()
		lossD.Backward()
		optD.Step()

		var lossG *autograd.Var
		layers.SetTraining(n.D, false) // the stored σ̂: no power iteration
		gan.Frozen(n.D, func() {
			optG.ZeroGrad()
			lossG = loss.G(nil, n.D.Forward(n.G.Forward(z()))) // −E D(G(z))
			lossG.Backward()
			optG.Step()
		})
		layers.SetTraining(n.D, true)
		res.work = float64(tensor.MultiplyAdds() - work)
		return []gan.Quantity{{Name: "D loss", Value: lossD.Item()}, {Name: "G loss", Value: lossG.Item()}}
	}

	// ---- 3. Measuring agreement -------------------------------------------------------
	// Every -eval-every steps, and before the first: the rule's verdict on
	// evalSamples images generated from the same noise, and the γ's.
	eval := func(int) []gan.Quantity {
		res.samples = gan.Generate(n.G, evalZ, cfg.batch)
		sc := data.ScoreTwinBars(res.samples)
		q := []gan.Quantity{{Name: "agreement", Value: sc.Agreement}, {Name: "shuffled", Value: sc.Shuffled},
			{Name: "readable", Value: sc.Readable}, {Name: "mean gap", Value: degrees(sc.MeanGap)}}
		if n.gAttn != nil {
			q = append(q, gan.Quantity{Name: "gamma G", Value: n.gAttn.Gamma.Item()})
		}
		if n.dAttn != nil {
			q = append(q, gan.Quantity{Name: "gamma D", Value: n.dAttn.Gamma.Item()})
		}
		return q
	}
	first := eval(0)
	loop := gan.Loop{Name: name, Steps: env.Steps, EvalEvery: cfg.evalEvery, Progress: env.Stderr, Context: env.Context,
		Watch: map[string]layers.Module{"G": n.G, "D": n.D}}
	h, err := loop.Run(step, eval)
	res.history = gan.NewHistory()
	for _, q := range first {
		res.history.Add(q.Name, 0, q.Value)
	}
	for _, name := range h.Names() {
		s := h.Get(name)
		for k, st := range s.Steps {
			res.history.Add(name, st, s.Values[k])
		}
	}
	return res, err
}

func run(env chapter.Env, cfg config) error {
	start := time.Now()
	with, err := train(env, cfg, "with attention", true)
	if err != nil {
		return err
	}
	timeWith := time.Since(start)
	start = time.Now()
	without, err := train(env, cfg, "without attention", false)
	if err != nil {
		return err
	}
	timeWithout := time.Since(start)

	// ---- 4. The swap test -------------------------------------------------------------
	// For pairs of real images (a, b), the bottom-right corners swapped:
	// |D(a) + D(b) − D(a') − D(b')|. Zero, up to rounding, for a D whose
	// score is a sum of one term per corner.
	pairs, _ := data.TwinBars(rand.New(rand.NewPCG(env.Seed, 5)), 2*256)
	gapWith, gapWithout := swapGap(with.D, pairs), swapGap(without.D, pairs)

	// ---- 5. Results ---------------------------------------------------------------------
	realImages, _ := data.TwinBars(rand.New(rand.NewPCG(env.Seed, 6)), cfg.evalSamples)
	realScore := data.ScoreTwinBars(realImages)
	w, wo := with.history, without.history
	var m chapter.Metrics
	m.Set("agreement_with_attention", w.Get("agreement").Last())
	m.Set("agreement_without", wo.Get("agreement").Last())
	m.Set("shuffled_with_attention", w.Get("shuffled").Last())
	m.Set("shuffled_without", wo.Get("shuffled").Last())
	m.Set("agreement_real", realScore.Agreement)
	m.Set("readable_with_attention", w.Get("readable").Last())
	m.Set("readable_without", wo.Get("readable").Last())
	m.Set("mean_gap_deg_with_attention", w.Get("mean gap").Last())
	m.Set("mean_gap_deg_without", wo.Get("mean gap").Last())
	gammaD := last(w, "gamma D")
	m.Set("gamma_end", gammaD) // an alias of gamma_end_d
	m.Set("gamma_end_g", last(w, "gamma G"))
	m.Set("gamma_end_d", gammaD)
	m.Set("swap_gap_with_attention", gapWith)
	m.Set("swap_gap_without", gapWithout)
	m.Set("madds_per_step_with_attention", with.work)
	m.Set("madds_per_step_without", without.work)
	m.Set("steps", float64(env.Steps))
	m.Set("eval_samples", float64(cfg.evalSamples))
	chapter.PrintTable(env.Stdout, "14-self-attention: twin bars with and without self-attention", &m)
	fmt.Fprintf(env.Stdout, "\nwall time: %.1f s with attention, %.1f s without (not in metrics.json)\n",
		timeWith.Seconds(), timeWithout.Seconds())

	// ---- 6. Pictures ---------------------------------------------------------------------
	const cols = 10
	grid := func(images *tensor.Tensor, rows int) plot.ImageGrid { return gan.DigitGrid(images, rows*cols, cols) }
	lines := func(key string) []plot.Line {
		return []plot.Line{w.Get(key).Line().Named("with attention"), wo.Get(key).Line().Named("without")}
	}
	agreement := append(lines("agreement"),
		w.Get("shuffled").Line().Named("with attention, corners shuffled"),
		wo.Get("shuffled").Line().Named("without, corners shuffled"))
	return savePicturesAndMetrics(env, &m,
		chapter.Picture{Name: "real.png", Save: grid(realImages, 2).Save},
		chapter.Picture{Name: "samples_with_attention.png", Save: grid(with.samples, 3).Save},
		chapter.Picture{Name: "samples_without.png", Save: grid(without.samples, 3).Save},
		chapter.Picture{Name: "agreement.svg", Save: plot.LineChart{
			Title: "Generated images whose two bars agree (within 15°)", XLabel: "generator step", YLabel: "fraction of images",
			YRange: [2]float64{0, 1.05}, Series: agreement,
			Refs: []plot.RefLine{{Y: realScore.Agreement, Label: "real images"}, {Y: 1.0 / 6, Label: "independent bars, 1/6"}},
		}.Save},
		chapter.Picture{Name: "gamma.svg", Save: plot.LineChart{
			Title: "γ of the attention layers (run with attention)", XLabel: "generator step", YLabel: "γ",
			Series: gammas(w),
			Refs:   []plot.RefLine{{Y: 0, Label: "0: the identity"}},
		}.Save},
		chapter.Picture{Name: "attention_maps.svg", Save: attentionMaps(with, realImages, with.evalZ, cfg.batch).Save},
	)
}

// last is the last value of a series, NaN if it was not recorded (γ of a
// network without attention).
func last(h *gan.History, name string) float64 {
	if !h.Has(name) {
		return math.NaN()
	}
	return h.Get(name).Last()
}

// gammas are the lines of γ in G and in D, where there is attention.
func gammas(h *gan.History) []plot.Line {
	var out []plot.Line
	for _, net := range []string{"G", "D"} {
		if h.Has("gamma " + net) {
			out = append(out, h.Get("gamma "+net).Line().Named("γ in "+net))
		}
	}
	return out
}

// savePicturesAndMetrics writes the pictures, then metrics.json, last.
func savePicturesAndMetrics(env chapter.Env, m *chapter.Metrics, pictures ...chapter.Picture) error {
	if err := env.SavePictures(pictures...); err != nil {
		return err
	}
	return env.WriteJSON(m)
}

// swapGap returns the mean over pairs (a, b) of the first and second half
// of images of |D(a) + D(b) − D(a') − D(b')|, where a' is a with b's
// bottom-right corner and b' is b with a's. D runs in evaluation mode.
func swapGap(D *layers.Sequential, images *tensor.Tensor) float64 {
	n := images.Dim(0) / 2
	a, b := tensor.Slice(images, 0, 0, n), tensor.Slice(images, 0, n, 2*n)
	a2, b2 := a.Clone(), b.Clone()
	for k := range n {
		for i := data.TwinBarsFar; i < data.TwinBarsSize; i++ {
			for j := data.TwinBarsFar; j < data.TwinBarsSize; j++ {
				a2.Set(b.At(k, 0, i, j), k, 0, i, j)
				b2.Set(a.At(k, 0, i, j), k, 0, i, j)
			}
		}
	}
	var s [4]*tensor.Tensor
	layers.SetTraining(D, false)
	autograd.NoGrad(func() {
		for i, x := range []*tensor.Tensor{a, b, a2, b2} {
			s[i] = D.Forward(autograd.Const(x)).Value
		}
	})
	layers.SetTraining(D, true)
	gap := 0.0
	for k := range n {
		gap += math.Abs(s[0].At(k, 0) + s[1].At(k, 0) - s[2].At(k, 0) - s[3].At(k, 0))
	}
	return gap / float64(n)
}

// attentionMaps draws where the attention layers look from each corner's
// cell of their 4×4 maps: D's on two real images and two generated ones,
// and G's while it draws those two.
func attentionMaps(r *runResult, real *tensor.Tensor, evalZ *tensor.Tensor, batch int) plot.AttentionMaps {
	const nearCell, farCell = 0, 15 // cells (0,0) and (3,3) of the 4×4 map
	var panels []plot.AttentionPanel
	add := func(title string, images, maps *tensor.Tensor) { // maps (≥2, P, P) for images (≥2,1,16,16)
		for k := range 2 {
			for _, q := range []int{nearCell, farCell} {
				where := "top-left"
				if q == farCell {
					where = "bottom-right"
				}
				img := tensor.Slice(images, 0, k, k+1)
				panels = append(panels, plot.AttentionPanel{
					Title:   fmt.Sprintf("%s %d\nquery: the %s corner", title, k+1, where),
					Image:   plot.ImageGrid{Pixels: img.Data(), Shape: img.Shape(), Lo: -1, Hi: 1},
					Weights: tensor.Slice(tensor.Slice(maps, 0, k, k+1), 1, q, q+1).Data(), // β_{q,·}
					Rows:    4, Cols: 4, Query: q,
				})
			}
		}
	}
	if r.dAttn != nil {
		dMaps := func(images *tensor.Tensor) *tensor.Tensor {
			layers.SetTraining(r.D, false)
			autograd.NoGrad(func() { r.D.Forward(autograd.Const(tensor.Slice(images, 0, 0, 2))) })
			layers.SetTraining(r.D, true)
			return r.dAttn.Attention // (2, P, P)
		}
		add("D on real image", real, dMaps(real))
		add("D on generated image", r.samples, dMaps(r.samples))
	}
	if r.gAttn != nil {
		// The first batch of the evaluation noise again: the same images as
		// the first of r.samples, with the same batch statistics.
		gan.Generate(r.G, tensor.Slice(evalZ, 0, 0, min(batch, evalZ.Dim(0))), batch)
		add("G drawing image", r.samples, r.gAttn.Attention)
	}
	return plot.AttentionMaps{Title: "Where the attention layers look from each corner (run with attention)",
		Panels: panels, Cols: 4, Scale: 10}
}

func degrees(rad float64) float64 { return rad * 180 / math.Pi }

// ---- Plumbing --------------------------------------------------------------------------
//
// What the chapter framework asks of the program besides the story: the
// memory a run needs, checked before anything runs.

// memory estimates what a run takes: the networks (about 20·C² weights
// each, with gradients and Adam's moments, for two runs), a step's
// activations (about 60·C numbers per image, kept for the backward pass,
// and attention's B·P² maps), an evaluation's images and the history.
func memory(cfg config, steps int) []chapter.Need {
	c, b := float64(cfg.width), float64(cfg.batch)
	return []chapter.Need{
		{What: fmt.Sprintf("the networks' weights and optimizer state (-width %d, -noise %d)", cfg.width, cfg.noise),
			Bytes: 2 * 2 * (20*c*c + 16*c*float64(cfg.noise)) * 4 * 8},
		{What: fmt.Sprintf("a step's activations (-width %d × -batch %d)", cfg.width, cfg.batch), Bytes: 6 * (60*c + 16*16) * 2 * b * 8},
		{What: fmt.Sprintf("an evaluation's images (-eval-samples %d)", cfg.evalSamples),
			Bytes: float64(cfg.evalSamples) * (2*data.TwinBarsSize*data.TwinBarsSize + float64(cfg.noise) + 100) * 8},
		{What: fmt.Sprintf("the history (-steps %d)", steps), Bytes: float64(steps) * 2 * 8 * 16},
	}
}

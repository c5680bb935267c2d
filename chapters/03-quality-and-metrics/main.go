// Chapter 03 mirrors the article's sections "Inconvenientes 3 y 4: Calidad,
// Métricas" (quality, metrics).
//
// A GAN's objective is the score of a match: it says how the generator is
// doing against this discriminator, at this moment, and nothing about
// whether its images are good or varied. Both players move, so a falling
// generator loss can mean better images or a weaker opponent, and a rising
// one a sharper critic of images that got better. Quality and diversity
// have to be measured apart from the game, on samples, against real data.
//
// This program trains DCGAN (Radford, Metz and Chintala, arXiv 1511.06434)
// on 16×16 digits,
//
//	D minimises  E_x[softplus(−D(x))] + E_z[softplus(D(G(z)))]
//	G minimises  E_z[softplus(−D(G(z)))]        (D's raw logits)
//
// and, every -eval-every steps, measures 1,000 images generated from the
// same noise in the feature space of a classifier trained on digits
// (gan/digitnet, this book's Inception; its penultimate layer, 64 numbers
// per image):
//
//	FID = ‖μ_r − μ_g‖² + Tr Σ_r + Tr Σ_g − 2·Tr (Σ_r Σ_g)^½
//
// between the Gaussians fitted to real and generated features (Heusel et
// al., arXiv 1706.08500; chapter 17), and improved precision and recall
// (Kynkäänniemi et al., arXiv 1904.06991): each set's manifold is the union
// of balls around its points, each ball reaching the point's k-th nearest
// neighbour in its own set (k = 3, -k), and
//
//	precision = fraction of generated features inside the real manifold
//	recall    = fraction of real features inside the generated manifold,
//
// precision asking "do the images look real?" and recall "can the
// generator make all the real images?".
//
// The program shows:
//
//  1. The losses do not measure quality. FID falls by a factor of about
//     60 (fid_start, fid_end; 55 to 66 on seeds 1 to 5). G's loss falls
//     with it in the first steps, when the untrained generator is easy to
//     reject, then rises while FID keeps falling. The correlation of each
//     loss (averaged over the steps between two evaluations) with FID is
//     reported over the whole run (gloss_fid_correlation,
//     dloss_fid_correlation) and over its second half (the same names with
//     _late): for G's loss the two have opposite signs.
//  2. Precision and recall separate quality from diversity: a "generator"
//     that returns held-out real digits, but only 0s and 1s, makes
//     perfect images of two classes: high precision, low recall
//     (collapsed_precision, collapsed_recall), and a high FID.
//
// Run it with
//
//	go run ./chapters/03-quality-and-metrics
//
// and look in out/03-quality-and-metrics/: samples_over_training.png (one
// row per evaluation, from the untrained generator at the top to the end,
// the same noise in every row), samples.png, losses.svg, fid.svg,
// precision_recall.svg, pr_plane.svg, collapsed.png, and metrics.json,
// written last. docs/03-quality-and-metrics.md shows a default run.
package main

import (
	"fmt"
	"image/color"
	"math"
	"os"
	"slices"

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

// config holds the chapter's settings: the shared DCGAN budget, where the
// digits come from, and k of precision and recall.
type config struct {
	budget gan.ImageBudget
	digits gan.DigitData
	k      int
}

// The drawn digits' test set (testDigits) gives the real reference, its
// first EvalSamples digits, and the collapsed "generator", the first
// EvalSamples 0s and 1s after them; the training set has
// gan.DrawnTrainDigits.
const gridCols = 12 // images per row of samples_over_training.png

// testDigits is how many test digits are drawn for n evaluation images:
// ten per image. data.Digits draws every class equally often, so 2n of
// them are 0s and 1s, and at least n of those come after the n digits of
// the reference, whichever these are (collapsedSupply).
func testDigits(n int) int { return 10 * n }

var spec = chapter.Spec{
	Name:     "03-quality-and-metrics",
	Defaults: chapter.Flags{Seed: 1, Steps: gan.ImageDefaultSteps},
	Outputs: []string{"samples.png", "samples_over_training.png", "collapsed.png",
		"losses.svg", "fid.svg", "precision_recall.svg", "pr_plane.svg"},
	Setup: func(fs *chapter.FlagSet) func(chapter.Env) error {
		cfg := config{budget: gan.DefaultImageBudget(), k: 3}
		cfg.budget.RegisterFlags(fs)
		cfg.digits.RegisterFlag(fs)
		fs.Int(&cfg.k, "k", cfg.k, "neighbours that set a ball's radius in precision and recall (the paper's 3)", 1)
		fs.Check(func() error { return check(cfg) })
		fs.Memory(func(f chapter.Flags) []chapter.Need {
			return append(cfg.budget.Memory(f.Steps), cfg.digits.Memory(gan.DrawnTrainDigits, testDigits(cfg.budget.EvalSamples), fmt.Sprintf("-eval-samples %d", cfg.budget.EvalSamples)),
				chapter.Need{What: fmt.Sprintf("the evaluations' grids (-steps %d, -eval-every %d)", f.Steps, cfg.budget.EvalEvery),
					Bytes: float64(f.Steps/cfg.budget.EvalEvery+2) * gridCols * gan.DigitSize * gan.DigitSize * 8})
		})
		return func(env chapter.Env) error { return run(env, cfg) }
	},
}

func main() { os.Exit(chapter.Main(spec, os.Args[1:], os.Stdout, os.Stderr)) }

// check refuses flags that do not fit together: the collapsed set needs n
// test 0s and 1s after the n digits of the real reference, and a ball
// needs k neighbours.
func check(cfg config) error {
	n := cfg.budget.EvalSamples
	var labels []int // MNIST's test labels; nil for drawn digits
	if set := cfg.digits.MNIST(); set != nil {
		labels = set.TestLabels
	}
	if err := checkTestSet(labels, n); err != nil {
		return err
	}
	if cfg.k >= n/10 {
		return fmt.Errorf("-k %d must be below a tenth of -eval-samples %d", cfg.k, n)
	}
	return nil
}

// ---- 1. The game -------------------------------------------------------------------
//
// dcgan is DCGAN's game, called once with the fresh networks t.G and t.D
// (gan.NewDCGAN) to build the optimizers. Each step: one update of D on a
// real batch t.Real() and a generated one t.Fake() (made without a graph
// back into G), then one update of G through the frozen D on fresh noise.
// Adam with the paper's lr 2·10⁻⁴ × -lr-scale (decayed linearly with
// -lr-decay, t.LR) and β = (0.5, 0.999). gan.DCGANGame is the same lines,
// for chapters 16 and 17; TestDCGANIsTheLibraryGame keeps them equal.
func dcgan() gan.ImageGame {
	return func(t *gan.Images) func(int) []gan.Quantity {
		optD := optim.NewAdam(layers.Vars(t.D), t.LR(gan.DCGANLR, 1), 0.5, 0.999)
		optG := optim.NewAdam(layers.Vars(t.G), t.LR(gan.DCGANLR, 1), 0.5, 0.999)
		loss := gan.NonSaturating{}
		return func(i int) []gan.Quantity {
			optD.SetLR(t.LR(gan.DCGANLR, i))
			optG.SetLR(t.LR(gan.DCGANLR, i))
			real, fake := autograd.Const(t.Real()), autograd.Const(t.Fake()) // (B,1,16,16) each
			lossD := loss.D(t.D.Forward(real), t.D.Forward(fake))            // E softplus(−ℓ(x)) + E softplus(ℓ(x̃))
			optD.ZeroGrad()
			lossD.Backward()
			optD.Step()

			var lossG *autograd.Var
			gan.Frozen(t.D, func() { // G's loss leaves no gradient in D's weights
				optG.ZeroGrad()
				lossG = loss.G(nil, t.D.Forward(t.G.Forward(t.Z()))) // E softplus(−ℓ(G(z)))
				lossG.Backward()
				optG.Step()
			})
			return []gan.Quantity{{Name: "D loss", Value: lossD.Item()}, {Name: "G loss", Value: lossG.Item()}}
		}
	}
}

func run(env chapter.Env, cfg config) error {
	b := cfg.budget
	n := b.EvalSamples

	// ---- 2. Data and the feature network ---------------------------------------------
	// The real reference: n test digits, in the classifier's feature space
	// (N, 64). The floor: n training digits against it, what a perfect
	// generator would score with n images.
	digits := cfg.digits.Set(env.Seed, gan.DrawnTrainDigits, testDigits(n)) // check made sure of n 0s and 1s after the first n
	net := digitnet.Load()
	realF := net.Features(tensor.Slice(digits.Test, 0, 0, n))   // (n, 64)
	trainF := net.Features(tensor.Slice(digits.Train, 0, 0, n)) // (n, 64)
	fidFloor, err := fidOf("the floor (training digits against test digits)", trainF, realF)
	if err != nil {
		return err
	}
	precisionReal, recallReal := metrics.PrecisionRecall(realF, trainF, cfg.k)

	// ---- 3. Training, measured ---------------------------------------------------------
	// At every evaluation: FID, precision and recall of n images generated
	// from the same noise, and the first images of each for the grid.
	var rows []*tensor.Tensor // the first gridCols images of every evaluation
	var evalErr error
	eval := func(step int, _ *gan.Images, samples *tensor.Tensor) []gan.Quantity {
		rows = append(rows, tensor.Slice(samples, 0, 0, gridCols))
		f := net.Features(samples)
		fid, err := fidOf(fmt.Sprintf("FID at step %d", step), f, realF)
		if err != nil && evalErr == nil {
			evalErr = err
		}
		p, r := metrics.PrecisionRecall(realF, f, cfg.k)
		return []gan.Quantity{{Name: "FID", Value: fid}, {Name: "precision", Value: p}, {Name: "recall", Value: r}}
	}
	res, err := gan.ImageRun{Name: "DCGAN " + digits.Source, Game: dcgan(), Budget: b, Data: digits.Train,
		Seed: env.Seed, Steps: env.Steps, Progress: env.Stderr, Context: env.Context, Eval: eval}.Run()
	if err != nil {
		return err
	}
	if evalErr != nil {
		return evalErr
	}
	fid, precision, recall := res.History.Get("FID"), res.History.Get("precision"), res.History.Get("recall")
	// Each evaluation's losses: the mean over the steps since the one before.
	lossD := meansSince(res.History.Get("D loss"), fid.Steps)
	lossG := meansSince(res.History.Get("G loss"), fid.Steps)

	// ---- 4. A collapsed generator ------------------------------------------------------
	// Real digits, so every image is perfect, but only 0s and 1s: the first
	// n such test digits after the reference ones.
	collapsed := pickClasses(digits.Test, digits.TestLabels, n, n, collapsedClasses...)
	collapsedF := net.Features(collapsed)
	collapsedPrecision, collapsedRecall := metrics.PrecisionRecall(realF, collapsedF, cfg.k)
	collapsedFID, err := fidOf("the collapsed set (test 0s and 1s)", collapsedF, realF)
	if err != nil {
		return err
	}

	// ---- 5. Results ----------------------------------------------------------------------
	// The correlations leave out step 0, which has no loss yet.
	var m chapter.Metrics
	m.Set("fid_start", fid.First())
	m.Set("fid_end", fid.Last())
	m.Set("fid_floor", fidFloor)
	m.Set("gloss_fid_correlation", metrics.Pearson(lossG[1:], fid.Values[1:]))
	m.Set("dloss_fid_correlation", metrics.Pearson(lossD[1:], fid.Values[1:]))
	late := lateStart(fid.Steps, env.Steps)
	m.Set("gloss_fid_correlation_late", metrics.Pearson(lossG[late:], fid.Values[late:]))
	m.Set("dloss_fid_correlation_late", metrics.Pearson(lossD[late:], fid.Values[late:]))
	m.Set("gloss_end", lossG[len(lossG)-1])
	m.Set("dloss_end", lossD[len(lossD)-1])
	m.Set("precision_end", precision.Last())
	m.Set("recall_end", recall.Last())
	m.Set("precision_real", precisionReal)
	m.Set("recall_real", recallReal)
	m.Set("collapsed_precision", collapsedPrecision)
	m.Set("collapsed_recall", collapsedRecall)
	m.Set("collapsed_fid", collapsedFID)
	m.Set("collapsed_images", float64(collapsed.Dim(0)))
	m.Set("eval_samples", float64(n))
	m.Set("evaluations", float64(len(fid.Values)))
	m.Set("steps", float64(env.Steps))
	chapter.PrintTable(env.Stdout, "03-quality-and-metrics: DCGAN on "+digits.Source+": the losses against FID, precision and recall", &m)

	// ---- 6. Pictures ---------------------------------------------------------------------
	steps := fid.Xs()
	over := tensor.Concat(0, rows...)
	err = env.SavePictures(
		chapter.Picture{Name: "samples.png", Save: gan.DigitGrid(res.Samples, 100, 10).Save},
		chapter.Picture{Name: "samples_over_training.png", Save: gan.DigitGrid(over, over.Dim(0), gridCols).Save},
		chapter.Picture{Name: "collapsed.png", Save: gan.DigitGrid(collapsed, 100, 10).Save},
		chapter.Picture{Name: "losses.svg", Save: plot.LineChart{
			Title: "The players' losses (light: every step; dark: mean between evaluations)", XLabel: "step", YLabel: "loss",
			Series: []plot.Line{
				faint(res.History.Get("D loss").Line(), plot.SeriesColor(0)), faint(res.History.Get("G loss").Line(), plot.SeriesColor(1)),
				{Name: "D loss", Points: plot.XY(steps[1:], lossD[1:]), Color: plot.SeriesColor(0), Markers: true},
				{Name: "G loss", Points: plot.XY(steps[1:], lossG[1:]), Color: plot.SeriesColor(1), Markers: true},
			},
			Refs: []plot.RefLine{{Y: 2 * math.Log(2), Label: "D at log 4: can't tell"}, {Y: math.Log(2), Label: "log 2"}},
		}.Save},
		chapter.Picture{Name: "fid.svg", Save: plot.LineChart{
			Title: fmt.Sprintf("FID of %d generated digits (classifier features)", n), XLabel: "step", YLabel: "FID", LogY: true,
			Series: []plot.Line{{Name: "DCGAN", Points: plot.XY(steps, fid.Values), Markers: true}},
			Refs:   []plot.RefLine{{Y: fidFloor, Label: "real vs real (floor)"}, {Y: collapsedFID, Label: "real 0s and 1s only"}},
		}.Save},
		chapter.Picture{Name: "precision_recall.svg", Save: plot.LineChart{
			Title: fmt.Sprintf("Precision and recall (k = %d) of %d generated digits", cfg.k, n), XLabel: "step", YLabel: "fraction",
			YRange: [2]float64{0, 1.05},
			Series: []plot.Line{{Name: "precision", Points: plot.XY(steps, precision.Values), Markers: true},
				{Name: "recall", Points: plot.XY(steps, recall.Values), Markers: true}},
			Refs: []plot.RefLine{{Y: precisionReal, Label: "real vs real"}},
		}.Save},
		chapter.Picture{Name: "pr_plane.svg", Save: plot.LineChart{
			Title: "Quality against diversity", XLabel: "recall (diversity)", YLabel: "precision (quality)",
			XRange: [2]float64{0, 1.05}, YRange: [2]float64{0, 1.05},
			Series: []plot.Line{
				{Name: "DCGAN during training", Points: plot.XY(recall.Values, precision.Values), Markers: true},
				{Name: "real digits", Points: []plot.Point{{X: recallReal, Y: precisionReal}}, Markers: true},
				{Name: "real 0s and 1s only", Points: []plot.Point{{X: collapsedRecall, Y: collapsedPrecision}}, Markers: true},
			},
		}.Save},
	)
	if err != nil {
		return err
	}
	return env.WriteJSON(&m) // last: it marks a finished run
}

// fidOf returns metrics.FrechetDistanceOf(generated, real) for features
// (N, D). Its error, a result that is not finite, says which comparison it
// was: what, such as "FID at step 250".
func fidOf(what string, generated, real *tensor.Tensor) (float64, error) {
	fid, err := metrics.FrechetDistanceOf(generated, real)
	if err != nil {
		return fid, fmt.Errorf("%s: %w", what, err)
	}
	return fid, nil
}

// meansSince returns, for every evaluation step in at, the mean of s over
// the steps after the previous evaluation step up to and including this
// one; NaN where there are none (step 0).
func meansSince(s *gan.Series, at []int) []float64 {
	out := make([]float64, len(at))
	k := 0 // the next step of s not yet in a window
	for e, step := range at {
		sum, cnt := 0.0, 0
		for ; k < len(s.Steps) && s.Steps[k] <= step; k++ {
			sum += s.Values[k]
			cnt++
		}
		out[e] = math.NaN()
		if cnt > 0 {
			out[e] = sum / float64(cnt)
		}
	}
	return out
}

// lateStart returns the index of the first evaluation in the second half
// of the run (step > steps/2).
func lateStart(at []int, steps int) int {
	for i, s := range at {
		if 2*s > steps {
			return i
		}
	}
	return len(at)
}

// checkTestSet refuses -eval-samples n if the test set, MNIST's with its
// labels or drawn digits (labels nil), cannot give the real reference n
// digits and the collapsed set n 0s and 1s after them.
func checkTestSet(labels []int, n int) error {
	if labels != nil && n > len(labels) {
		return fmt.Errorf("-eval-samples %d: the real reference needs %d test digits, MNIST has %d", n, n, len(labels))
	}
	if have := collapsedSupply(labels, n); have < n {
		return fmt.Errorf("-eval-samples %d: the collapsed set needs %d test 0s and 1s after the %d digits of the real reference, there are %d",
			n, n, n, have)
	}
	return nil
}

// collapsedClasses are the digits of the collapsed "generator".
var collapsedClasses = []int{0, 1}

// collapsedSupply returns how many test digits of collapsedClasses follow
// the first n: counted in labels (MNIST's test labels), or, for drawn
// digits (labels nil), the fewest there can be among testDigits(n). Each
// class appears ⌊N/10⌋ or ⌈N/10⌉ times among N drawn digits (data.Digits),
// in random order, so at worst the reference takes min(n, all of them).
func collapsedSupply(labels []int, n int) int {
	have := 0
	if labels != nil {
		for _, y := range labels[n:] {
			if slices.Contains(collapsedClasses, y) {
				have++
			}
		}
		return have
	}
	total := testDigits(n)
	for _, c := range collapsedClasses {
		have += total / data.DigitClasses
		if c < total%data.DigitClasses {
			have++
		}
	}
	return max(0, have-n)
}

// pickClasses returns up to n images of the given classes from images
// (N,1,S,S), in order, starting at index from.
func pickClasses(images *tensor.Tensor, labels []int, from, n int, classes ...int) *tensor.Tensor {
	var idx []int
	for i := from; i < len(labels) && len(idx) < n; i++ {
		for _, c := range classes {
			if labels[i] == c {
				idx = append(idx, i)
			}
		}
	}
	return tensor.IndexSelect(images, 0, idx)
}

// faint returns l in a light tint of c, without a legend entry.
func faint(l plot.Line, c color.RGBA) plot.Line {
	l.Name = ""
	l.Color = color.RGBA{R: c.R/3 + 170, G: c.G/3 + 170, B: c.B/3 + 170, A: 255}
	return l
}

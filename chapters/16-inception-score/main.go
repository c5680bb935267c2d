// Chapter 16 mirrors the article's section "Métricas 1: Inception Score".
//
// The Inception Score (Salimans et al., arXiv 1606.03498) rates a generator
// with a classifier: for each generated image x, the classifier's
// probabilities p(y|x) over the classes, and their average over the images,
// the marginal p(y) = E_x p(y|x). It asks for two things at once: each
// image should be clearly one class (p(y|x) peaked, of low entropy), and
// all classes should appear (p(y) flat, of high entropy):
//
//	IS = exp( E_x KL(p(y|x) ‖ p(y)) ) = exp( H[p(y)] − E_x H[p(y|x)] ),
//
// between 1 (every image gets the same prediction) and K, the number of
// classes (every image is sure of its class, and the classes are equally
// frequent). The second form is the mutual information between image and
// label (Barratt and Sharma, "A Note on the Inception Score", arXiv
// 1801.01973). As in the reference code the N images are cut into 10
// splits, the score is computed within each, and the mean and standard
// deviation over the splits are reported.
//
// The classifier here is this book's Inception: gan/digitnet, a small
// network trained on drawn digits (K = 10). This program scores five sets
// of N = 5,000 16×16 images with it:
//
//	real digits      held-out digits                     near 10 (is_real)
//	one class        5,000 different 3s                  near 1  (is_one_class)
//	uniform noise    pixels uniform in [−1, 1]           low     (is_uniform_noise)
//	DCGAN            the generator of chapter 03's recipe (is_dcgan)
//	memorised ten    ten fixed real digits, one per class, each repeated
//	                 500 times                            near 10 (is_memorized10)
//
// The last is the blind spot the article points at: IS never looks at real
// images, and only at the class level, so a "generator" that can draw
// exactly ten images scores nearly as high as real data, although it has no
// variety within a class at all (chapter 17's FID sees through it).
//
// Run it with
//
//	go run ./chapters/16-inception-score
//
// and look in out/16-inception-score/: pyx.svg (p(y|x) for the DCGAN's
// sharpest and most ambiguous images), py.svg (p(y) of each set),
// entropies.svg (the two entropies of the formula, per set),
// is_over_training.svg, samples.png, memorized10.png, and metrics.json,
// written last. docs/16-inception-score.md shows a default run.
package main

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"slices"

	"ganbook/gan"
	"ganbook/gan/chapter"
	"ganbook/gan/digitnet"
	"ganbook/gan/metrics"
	"ganbook/gan/plot"
	"ganbook/tensor"
)

// config holds the chapter's settings: the DCGAN's budget, the digits, and
// how the score is computed.
type config struct {
	budget  gan.ImageBudget
	digits  gan.DigitData
	samples int // N, images per set
	splits  int // the reference code's 10
}

// The digit of the one-class set. (Drawn digits: gan.DrawnTrainDigits for
// training, as in chapters 03, 12 and 17; the test set is the real set,
// -is-samples digits.)
const oneClass = 3

var spec = chapter.Spec{
	Name:     "16-inception-score",
	Defaults: chapter.Flags{Seed: 1, Steps: gan.ImageDefaultSteps},
	Outputs:  []string{"pyx.svg", "py.svg", "entropies.svg", "is_over_training.svg", "samples.png", "memorized10.png"},
	Setup: func(fs *chapter.FlagSet) func(chapter.Env) error {
		cfg := config{budget: gan.DefaultImageBudget(), samples: 5000, splits: metrics.DefaultISSplits}
		cfg.budget.RegisterFlags(fs)
		cfg.digits.RegisterFlag(fs)
		fs.Int(&cfg.samples, "is-samples", cfg.samples, "images per scored set", 10)
		fs.Int(&cfg.splits, "splits", cfg.splits, "splits of each set (the reference code's 10)", 1)
		fs.Check(func() error { return check(cfg) })
		fs.Memory(func(f chapter.Flags) []chapter.Need {
			return append(cfg.budget.Memory(f.Steps), cfg.digits.Memory(gan.DrawnTrainDigits, cfg.samples, fmt.Sprintf("-is-samples %d", cfg.samples)),
				chapter.Need{What: fmt.Sprintf("five scored sets (-is-samples %d)", cfg.samples),
					Bytes: 5 * float64(cfg.samples) * (gan.DigitSize*gan.DigitSize + 2*digitnet.Classes) * 8})
		})
		return func(env chapter.Env) error { return run(env, cfg) }
	},
}

func main() { os.Exit(chapter.Main(spec, os.Args[1:], os.Stdout, os.Stderr)) }

// check refuses flags that do not fit together: more splits than images,
// or with -data more images than MNIST has for a set.
func check(cfg config) error {
	n := cfg.samples
	if cfg.splits > n {
		return fmt.Errorf("-splits %d is more than the %d images of a set (-is-samples)", cfg.splits, n)
	}
	if set := cfg.digits.MNIST(); set != nil {
		threes := set.Count(oneClass)
		if n > set.Test.Dim(0) || n > threes {
			return fmt.Errorf("-is-samples %d: MNIST has %d test digits and %d %ds for the one-class set", n, set.Test.Dim(0), threes, oneClass)
		}
	}
	return nil
}

// scored is one set of images with its predictions and score.
type scored struct {
	key, label string
	images     *tensor.Tensor // (N,1,16,16)
	probs      *tensor.Tensor // p(y|x), (N,K)
	mean, std  float64        // IS over the splits
	hMarginal  float64        // H[p(y)] over the whole set, nats
	hCond      float64        // E_x H[p(y|x)], nats
}

func run(env chapter.Env, cfg config) error {
	n := cfg.samples

	// ---- 1. The DCGAN -------------------------------------------------------------------
	// Chapter 03's recipe (gan.DCGANGame is its game), scored as it trains on
	// the fixed evaluation images in one split.
	net := digitnet.Load()
	digits := cfg.digits.Set(env.Seed, gan.DrawnTrainDigits, n) // the first n test digits are the real set
	eval := func(_ int, _ *gan.Images, samples *tensor.Tensor) []gan.Quantity {
		is, _ := metrics.InceptionScore(net.Probs(samples), 1)
		return []gan.Quantity{{Name: "IS", Value: is}}
	}
	res, err := gan.ImageRun{Name: "DCGAN " + digits.Source, Game: gan.DCGANGame(), Budget: cfg.budget, Data: digits.Train,
		Seed: env.Seed, Steps: env.Steps, Progress: env.Stderr, Context: env.Context, Eval: eval}.Run()
	if err != nil {
		return err
	}

	// ---- 2. The five sets ----------------------------------------------------------------
	// Every set has n images; each draws from a random stream of its own.
	real := tensor.Slice(digits.Test, 0, 0, n)
	threes := digits.OneClass(env.Seed, oneClass, n) // n of them: check made sure
	noise := tensor.RandU(rand.New(rand.NewPCG(env.Seed, 13)), -1, 1, n, 1, gan.DigitSize, gan.DigitSize)
	z := tensor.RandN(rand.New(rand.NewPCG(env.Seed, 14)), n, cfg.budget.Noise)
	generated := gan.Generate(res.G, z, cfg.budget.Batch)
	ten := digits.FirstOfEachClass() // (10,1,16,16)
	memorized := digits.Memorized(n) // image i is ten[i mod 10]
	realSet := &scored{key: "real", label: "real digits", images: real}
	dcganSet := &scored{key: "dcgan", label: "DCGAN", images: generated}
	sets := []*scored{
		realSet,
		{key: "one_class", label: fmt.Sprintf("one class (%ds)", oneClass), images: threes},
		{key: "uniform_noise", label: "uniform noise", images: noise},
		dcganSet,
		{key: "memorized10", label: "ten memorised digits", images: memorized},
	}

	// ---- 3. Scores ------------------------------------------------------------------------
	// IS in splits, and the two entropies of exp(H[p(y)] − E H[p(y|x)])
	// over the whole set.
	for _, s := range sets {
		s.probs = net.Probs(s.images)
		s.mean, s.std = metrics.InceptionScore(s.probs, cfg.splits)
		s.hMarginal, s.hCond = entropies(s.probs)
	}

	// ---- 4. Results ------------------------------------------------------------------------
	var m chapter.Metrics
	for _, s := range sets {
		m.Set("is_"+s.key, s.mean)
	}
	for _, s := range sets {
		m.Set("is_"+s.key+"_std", s.std)
	}
	for _, s := range sets {
		m.Set("entropy_marginal_"+s.key, s.hMarginal)
		m.Set("entropy_conditional_"+s.key, s.hCond)
	}
	isCurve := res.History.Get("IS")
	m.Set("is_dcgan_start", isCurve.First())
	m.Set("is_max", digitnet.Classes)
	m.Set("is_samples", float64(n))
	m.Set("splits", float64(cfg.splits))
	m.Set("steps", float64(env.Steps))
	chapter.PrintTable(env.Stdout, "16-inception-score: IS with the book's digit classifier ("+digits.Source+")", &m)

	// ---- 5. Pictures ------------------------------------------------------------------------
	classes := make([]string, digitnet.Classes)
	for k := range classes {
		classes[k] = fmt.Sprint(k)
	}
	uniform := []plot.RefLine{{Y: 1.0 / digitnet.Classes, Label: "uniform"}}
	var sharpAmbiguous []plot.BarPanel
	for _, i := range sharpAndAmbiguous(dcganSet.probs, 4) {
		row := tensor.Slice(dcganSet.probs, 0, i, i+1).Data()
		img := gan.DigitGrid(tensor.Slice(dcganSet.images, 0, i, i+1), 1, 1)
		sharpAmbiguous = append(sharpAmbiguous, plot.BarPanel{
			Title: fmt.Sprintf("H = %.3f nats", entropy(row)), Values: row, Image: &img})
	}
	var marginals []plot.BarPanel
	for k, s := range sets {
		marginals = append(marginals, plot.BarPanel{Title: fmt.Sprintf("%s: IS %.2f", s.label, s.mean),
			Values: marginal(s.probs), Color: plot.SeriesColor(k)})
	}
	short := []string{"real", "one class", "noise", "DCGAN", "memorised"}
	hm, hc := make([]float64, len(sets)), make([]float64, len(sets))
	for k, s := range sets {
		hm[k], hc[k] = s.hMarginal, s.hCond
	}
	err = env.SavePictures(
		chapter.Picture{Name: "pyx.svg", Save: plot.BarPanels{
			Title:      "p(y|x) of DCGAN images: the sharpest of four classes (top) and the four most ambiguous",
			Categories: classes, Panels: sharpAmbiguous, Cols: 4, YMax: 1, YLabel: "p(y|x)", Refs: uniform,
		}.Save},
		chapter.Picture{Name: "py.svg", Save: plot.BarPanels{
			Title:      fmt.Sprintf("p(y), the mean prediction over %d images, of each set", n),
			Categories: classes, Panels: marginals, Cols: 3, YMax: 1, YLabel: "p(y)", Refs: uniform,
		}.Save},
		chapter.Picture{Name: "entropies.svg", Save: plot.BarPanels{
			Title:      "log IS = H[p(y)] − E H[p(y|x)] (in nats, whole sets)",
			Categories: short,
			Panels: []plot.BarPanel{{Title: "H[p(y)]: high is diverse", Values: hm},
				{Title: "E H[p(y|x)]: low is sharp", Values: hc, Color: plot.SeriesColor(1)}},
			YMax: 2.5, YLabel: "nats",
			Refs: []plot.RefLine{{Y: math.Log(digitnet.Classes), Label: "log 10"}},
		}.Save},
		chapter.Picture{Name: "is_over_training.svg", Save: plot.LineChart{
			Title: fmt.Sprintf("IS of the DCGAN's %d evaluation images (one split)", cfg.budget.EvalSamples), XLabel: "step", YLabel: "IS",
			YRange: [2]float64{0, 10.5},
			Series: []plot.Line{{Name: "DCGAN", Points: isCurve.Line().Points, Markers: true}},
			Refs:   []plot.RefLine{{Y: digitnet.Classes, Label: "maximum 10"}, {Y: realSet.mean, Label: "real digits"}},
		}.Save},
		chapter.Picture{Name: "samples.png", Save: gan.DigitGrid(generated, 100, 10).Save},
		chapter.Picture{Name: "memorized10.png", Save: gan.DigitGrid(ten, 10, 10).Save},
	)
	if err != nil {
		return err
	}
	return env.WriteJSON(&m) // last: it marks a finished run
}

// entropy returns −Σ p log p of one probability row, in nats (0·log 0 = 0).
func entropy(p []float64) float64 {
	h := 0.0
	for _, v := range p {
		if v > 0 {
			h -= v * math.Log(v)
		}
	}
	return h
}

// marginal returns p(y), the mean of the rows of probs (N,K).
func marginal(probs *tensor.Tensor) []float64 { return tensor.Mean(probs, 0).Data() }

// entropies returns H[p(y)] and E_x H[p(y|x)] over all rows of probs: the
// logarithm of the one-split Inception Score is their difference.
func entropies(probs *tensor.Tensor) (hMarginal, hConditional float64) {
	k := probs.Dim(1)
	for i := range probs.Dim(0) {
		hConditional += entropy(probs.Data()[i*k : (i+1)*k])
	}
	return entropy(marginal(probs)), hConditional / float64(probs.Dim(0))
}

// sharpAndAmbiguous returns the rows of probs (N,K) of the k sharpest
// predictions of k different classes (the lowest entropy for each of the
// first k classes met in order of entropy), then the k most ambiguous
// (highest entropy), most ambiguous last.
func sharpAndAmbiguous(probs *tensor.Tensor, k int) []int {
	order := byEntropy(probs)
	predicted := digitnet.Predict(probs)
	var sharp []int
	seen := map[int]bool{}
	for _, i := range order {
		if len(sharp) < k && !seen[predicted[i]] {
			seen[predicted[i]] = true
			sharp = append(sharp, i)
		}
	}
	return append(sharp, order[len(order)-k:]...)
}

// byEntropy returns the row indices of probs (N,K) from the lowest
// entropy (the sharpest prediction) to the highest, ties by index.
func byEntropy(probs *tensor.Tensor) []int {
	k := probs.Dim(1)
	h := make([]float64, probs.Dim(0))
	idx := make([]int, len(h))
	for i := range h {
		h[i], idx[i] = entropy(probs.Data()[i*k:(i+1)*k]), i
	}
	slices.SortStableFunc(idx, func(a, b int) int {
		switch {
		case h[a] < h[b]:
			return -1
		case h[a] > h[b]:
			return 1
		}
		return 0
	})
	return idx
}

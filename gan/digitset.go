package gan

import (
	"fmt"
	"math/rand/v2"
	"slices"

	"ganbook/gan/chapter"
	"ganbook/gan/data"
	"ganbook/gan/digitnet"
	"ganbook/tensor"
)

// ---- The digits of the image chapters -----------------------------------------------
//
// Every image chapter trains and measures on handwritten digits of
// DigitSize×DigitSize pixels in [−1, 1] (background −1): by default drawn
// by data.Digits from the run's seed, and with -data DIR MNIST's files,
// shrunk from 28×28 by area averaging (data.Resize). The size is the input
// size of the classifier that plays Inception (gan/digitnet), so that real
// and generated images go through it as they are.

// DigitSize is the side of the image chapters' digits: digitnet.Size.
const DigitSize = digitnet.Size

// DrawnTrainDigits is the size of the training set the digit chapters (03,
// 12, 16, 17) draw when they are not given MNIST: enough for the DCGAN's
// default runs never to see an image twice within an epoch of a few
// hundred steps, and a third of MNIST's 60,000.
const DrawnTrainDigits = 20000

// DigitSet is a training set and a test set of labelled digits.
type DigitSet struct {
	Source      string         // "drawn digits" or "MNIST"
	Train, Test *tensor.Tensor // (n,1,16,16), values in [−1, 1]
	TrainLabels []int
	TestLabels  []int
}

// DrawnDigits draws nTrain training and nTest test digits with data.Digits
// from seed, through two streams of their own (10 and 11): two sets from
// the same hand, never the same image.
func DrawnDigits(seed uint64, nTrain, nTest int) *DigitSet {
	s := &DigitSet{Source: "drawn digits"}
	s.Train, s.TrainLabels = data.Digits(rand.New(rand.NewPCG(seed, 10)), nTrain, DigitSize)
	s.Test, s.TestLabels = data.Digits(rand.New(rand.NewPCG(seed, 11)), nTest, DigitSize)
	return s
}

// MNISTDigits reads MNIST's training (60,000) and test (10,000) digits
// from the folder dir (see data.LoadMNIST) and resizes them to 16×16. Its
// errors name the file and what is wrong with it.
func MNISTDigits(dir string) (*DigitSet, error) {
	s := &DigitSet{Source: "MNIST"}
	for _, part := range []struct {
		split  string
		images **tensor.Tensor
		labels *[]int
	}{{"train", &s.Train, &s.TrainLabels}, {"t10k", &s.Test, &s.TestLabels}} {
		x, y, err := data.LoadMNIST(dir, part.split)
		if err != nil {
			return nil, err
		}
		*part.images, *part.labels = data.Resize(x, DigitSize), y
	}
	return s, nil
}

// FirstOfEachClass returns the first test digit of each class 0..9, in
// class order, (10,1,16,16). It panics with tensor.ErrArgument if a class
// is missing from the test set.
func (s *DigitSet) FirstOfEachClass() *tensor.Tensor {
	idx := make([]int, data.DigitClasses)
	for k := range idx {
		idx[k] = slices.Index(s.TestLabels, k)
		if idx[k] < 0 {
			panicf(tensor.ErrArgument, "DigitSet.FirstOfEachClass", "no %d among the %d test digits", k, len(s.TestLabels))
		}
	}
	return tensor.IndexSelect(s.Test, 0, idx)
}

// Memorized returns n images that cycle through FirstOfEachClass: image i
// is the first test digit of class i mod 10. It is the "generator" that
// memorised ten real digits: perfect images, every class equally often
// (each run of ten consecutive images holds them all), and no variety
// within a class. It panics as FirstOfEachClass does.
func (s *DigitSet) Memorized(n int) *tensor.Tensor {
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i % data.DigitClasses
	}
	return tensor.IndexSelect(s.FirstOfEachClass(), 0, idx)
}

// OneClass returns n images of digit d: for MNIST the first n of its
// training digits of that class (fewer if there are fewer), for drawn
// digits n new drawings from seed (stream 12).
func (s *DigitSet) OneClass(seed uint64, d, n int) *tensor.Tensor {
	if s.Source == "MNIST" {
		var idx []int
		for i, y := range s.TrainLabels {
			if y == d && len(idx) < n {
				idx = append(idx, i)
			}
		}
		return tensor.IndexSelect(s.Train, 0, idx)
	}
	r := rand.New(rand.NewPCG(seed, 12))
	out := tensor.Zeros(n, 1, DigitSize, DigitSize)
	for i := range n {
		copy(out.Data()[i*DigitSize*DigitSize:], data.RandomGlyph(r, d).Render(DigitSize).Data())
	}
	return out
}

// Count returns how many training digits of class d the set holds.
func (s *DigitSet) Count(d int) int {
	c := 0
	for _, y := range s.TrainLabels {
		if y == d {
			c++
		}
	}
	return c
}

// DigitData is the -data flag of the image chapters: empty for drawn
// digits, or the folder that holds MNIST's files.
type DigitData struct {
	Dir   string
	mnist *DigitSet // read while the flag is checked
}

// RegisterFlag registers -data. Its check reads the MNIST files at once,
// so that a missing or broken file is reported, naming it, before
// anything is trained or written.
func (d *DigitData) RegisterFlag(fs *chapter.FlagSet) {
	fs.String(&d.Dir, "data", "", "train on MNIST's files found in this folder instead of drawn digits (docs/data.md says how to get them)",
		func(dir string) error {
			if dir == "" {
				return nil
			}
			set, err := MNISTDigits(dir)
			d.mnist = set
			return err
		})
}

// Set returns the digits of the run: MNIST if -data was given, otherwise
// nTrain and nTest digits drawn from seed (DrawnDigits).
func (d *DigitData) Set(seed uint64, nTrain, nTest int) *DigitSet {
	if d.mnist != nil {
		return d.mnist
	}
	return DrawnDigits(seed, nTrain, nTest)
}

// MNIST returns the MNIST digits read for -data, or nil without -data.
// After the flags are checked, a chapter's own checks (FlagSet.Check) can
// look at their sizes.
func (d *DigitData) MNIST() *DigitSet { return d.mnist }

// Memory is what the digits take: with -data, MNIST's 70,000 images while
// they are read at 28×28 and kept at 16×16; otherwise the nTrain + nTest
// drawn ones, whose numbers the flags in why set ("-is-samples 5000").
func (d *DigitData) Memory(nTrain, nTest int, why string) chapter.Need {
	if d.Dir != "" {
		return chapter.Need{What: "MNIST's 70,000 digits (-data)", Bytes: 70000 * (28*28 + DigitSize*DigitSize) * 8}
	}
	return chapter.Need{What: fmt.Sprintf("%d drawn digits (%s)", nTrain+nTest, why), Bytes: float64(nTrain+nTest) * DigitSize * DigitSize * 8}
}

package data_test

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"ganbook/gan/data"
	"ganbook/tensor"
)

func TestDigitsShapeRangeAndBorder(t *testing.T) {
	for _, size := range []int{28, 16, data.MinDigitSize, 40} {
		images, labels := data.Digits(rand.New(rand.NewPCG(3, 0)), 200, size)
		require.Equal(t, []int{200, 1, size, size}, images.Shape())
		require.Len(t, labels, 200)
		x := images.Data()
		for i := range 200 {
			img := x[i*size*size : (i+1)*size*size]
			ink := 0
			for p, v := range img {
				require.True(t, v >= -1 && v <= 1, "size %d image %d pixel %d is %g", size, i, p, v)
				row, col := p/size, p%size
				if row == 0 || col == 0 || row == size-1 || col == size-1 {
					require.Equal(t, -1.0, v, "size %d image %d (digit %d): border pixel (%d, %d) is inked", size, i, labels[i], row, col)
				}
				if v > 0 {
					ink++
				}
			}
			assert.Greater(t, ink, size/2, "size %d image %d (digit %d) is nearly blank", size, i, labels[i])
		}
	}
}

func TestDigitsInkLikeMNIST(t *testing.T) {
	// MNIST's mean pixel is 0.1307 of full ink (torchvision's normalisation
	// constant); the book's digits should carry about as much ink.
	images, _ := data.Digits(rand.New(rand.NewPCG(4, 0)), 2000, 28)
	mean := 0.0
	for _, v := range images.Data() {
		mean += (v + 1) / 2
	}
	mean /= float64(images.Len())
	assert.InDelta(t, 0.13, mean, 0.03)
}

func TestDigitsLabelsBalancedAndShuffled(t *testing.T) {
	_, labels := data.Digits(rand.New(rand.NewPCG(5, 0)), 1003, 16)
	counts := make([]int, data.DigitClasses)
	inOrder := 0
	for i, l := range labels {
		require.True(t, l >= 0 && l < data.DigitClasses, "label %d is %d", i, l)
		counts[l]++
		if l == i%10 {
			inOrder++
		}
	}
	assert.Equal(t, []int{101, 101, 101, 100, 100, 100, 100, 100, 100, 100}, counts)
	assert.Less(t, inOrder, 200, "labels look unshuffled") // about 100 by chance
}

func TestDigitsDeterministic(t *testing.T) {
	a, la := data.Digits(rand.New(rand.NewPCG(6, 0)), 50, 28)
	b, lb := data.Digits(rand.New(rand.NewPCG(6, 0)), 50, 28)
	c, _ := data.Digits(rand.New(rand.NewPCG(7, 0)), 50, 28)
	assert.Equal(t, la, lb)
	assert.Equal(t, a.Data(), b.Data(), "same seed, same bits")
	assert.NotEqual(t, a.Data(), c.Data())

	empty, labels := data.Digits(rand.New(rand.NewPCG(6, 0)), 0, 16)
	assert.Equal(t, []int{0, 1, 16, 16}, empty.Shape())
	assert.Empty(t, labels)
}

func TestDigitsMatchRandomGlyph(t *testing.T) {
	// Digits is RandomGlyph(r, label).Render(size) image by image, after
	// shuffling the labels.
	r := rand.New(rand.NewPCG(8, 0))
	images, labels := data.Digits(r, 20, 16)
	r = rand.New(rand.NewPCG(8, 0))
	shuffled := make([]int, 20)
	for i := range shuffled {
		shuffled[i] = i % 10
	}
	r.Shuffle(20, func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	require.Equal(t, shuffled, labels)
	for i, d := range labels {
		one := data.RandomGlyph(r, d).Render(16)
		require.Equal(t, images.Data()[i*256:(i+1)*256], one.Data(), "image %d", i)
	}
}

// TestUprightGlyphs checks every template drawn upright: ink where the
// digit's design puts it and none where it leaves a hole.
func TestUprightGlyphs(t *testing.T) {
	const size = 28
	at := func(img []float64, x, y float64) float64 { // template units → pixel
		col := int((x + 1.4) / 2.8 * size)
		row := int((y + 1.4) / 2.8 * size)
		return img[row*size+col]
	}
	for d := range data.DigitClasses {
		styles := data.DigitStyles(d)
		require.True(t, styles >= 2 && styles <= 3, "digit %d has %d styles", d, styles)
		for s := range styles {
			img := data.UprightGlyph(d, s).Render(size).Data()
			switch d {
			case 0:
				assert.Equal(t, -1.0, at(img, 0, 0), "0 style %d: the middle is a hole", s)
				assert.Equal(t, 1.0, at(img, 0, -0.95), "0 style %d: the top is inked", s)
			case 1:
				assert.Equal(t, 1.0, at(img, 0.02, 0.2), "1 style %d: the stem", s)
				assert.Equal(t, -1.0, at(img, 0.45, 0.2), "1 style %d: right of the stem", s)
			case 8:
				assert.Equal(t, -1.0, at(img, 0, -0.55), "8 style %d: the upper hole", s)
				assert.Equal(t, -1.0, at(img, 0, 0.45), "8 style %d: the lower hole", s)
			}
		}
	}
	// The styles that tell variants apart.
	assert.Equal(t, -1.0, at(data.UprightGlyph(7, 0).Render(size).Data(), 0.32, 0.0), "7 without its bar")
	assert.Equal(t, 1.0, at(data.UprightGlyph(7, 1).Render(size).Data(), 0.32, 0.0), "7 with its bar")
	assert.Equal(t, -1.0, at(data.UprightGlyph(1, 0).Render(size).Data(), -0.25, -0.65), "1 without its flag")
	assert.Equal(t, 1.0, at(data.UprightGlyph(1, 1).Render(size).Data(), -0.25, -0.69), "1 with its flag")
	assert.Equal(t, -1.0, at(data.UprightGlyph(4, 0).Render(size).Data(), 0.0, -0.5), "open 4")
	assert.Equal(t, 1.0, at(data.UprightGlyph(4, 1).Render(size).Data(), -0.03, -0.49), "closed 4")
}

// TestGlyphTransforms checks the transform's conventions on the bare 1:
// its stem moves right with ShiftX and leans right with positive Shear.
func TestGlyphTransforms(t *testing.T) {
	inkColumn := func(g data.Glyph, row int) float64 { // mean ink-weighted column on a row
		img := g.Render(28).Data()
		sum, weight := 0.0, 0.0
		for col := range 28 {
			w := (img[row*28+col] + 1) / 2
			sum += w * float64(col)
			weight += w
		}
		return sum / weight
	}
	g := data.UprightGlyph(1, 0)
	mid := inkColumn(g, 14)
	shifted := g
	shifted.ShiftX = 0.3 // three pixels at 28×28
	assert.InDelta(t, mid+3, inkColumn(shifted, 14), 0.2)
	slanted := g
	slanted.Shear = 0.3
	assert.Greater(t, inkColumn(slanted, 6), inkColumn(g, 6)+1, "top moves right")
	assert.Less(t, inkColumn(slanted, 22), inkColumn(g, 22)-1, "bottom moves left")
	turned := g
	turned.Rotation = 10 * math.Pi / 180 // anticlockwise: the top goes left
	assert.Less(t, inkColumn(turned, 6), inkColumn(g, 6)-1)
}

// TestDigitsLearnable measures how hard the set is for two classifiers
// that use no spatial structure, trained on 10,000 digits and tested on
// 2,000 new ones: nearest class mean and softmax regression. The set should
// be far from trivial for both and far above chance (10 %); on MNIST, with
// the same protocol, they score about 76 % and 87 % (see TestMNISTFiles).
func TestDigitsLearnable(t *testing.T) {
	if testing.Short() {
		t.Skip("trains classifiers on 10,000 digits (about a second)")
	}
	const train, test = 10000, 2000
	for _, size := range []int{28, 16} {
		r := rand.New(rand.NewPCG(2, 0))
		images, labels := data.Digits(r, train+test, size)
		centroid, softmax := classifierAccuracies(r, images.Data(), labels, train, size*size)
		t.Logf("digits %d×%d: nearest class mean %.1f %%, softmax regression %.1f %%", size, size, 100*centroid, 100*softmax)
		assert.True(t, centroid > 0.6 && centroid < 0.9, "%d×%d: nearest class mean %.3f", size, size, centroid)
		assert.True(t, softmax > 0.85 && softmax < 0.97, "%d×%d: softmax regression %.3f", size, size, softmax)
	}
}

// classifierAccuracies trains both classifiers on the first train images
// of x (d values each) and returns their accuracies on the rest.
func classifierAccuracies(r *rand.Rand, x []float64, labels []int, train, d int) (centroid, softmax float64) {
	trainX, testX := x[:train*d], x[train*d:]
	trainY, testY := labels[:train], labels[train:]
	centroid = nearestCentroidAccuracy(trainX, trainY, testX, testY, d)
	softmax = softmaxRegressionAccuracy(r, trainX, trainY, testX, testY, d, 3, 0.002)
	return centroid, softmax
}

func TestDigitsPanics(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 0))
	bad := data.UprightGlyph(3, 0)
	bad.Width = 0
	nan := data.UprightGlyph(3, 0)
	nan.Rotation = math.NaN()
	warp := data.UprightGlyph(3, 0)
	warp.Warp[3][1] = math.Inf(1)
	style := data.UprightGlyph(3, 0)
	style.Style = 2
	cases := []struct {
		name, msg string
		f         func()
	}{
		{"negative n", "data: Digits: bad argument negative sample count -1", func() { data.Digits(r, -1, 28) }},
		{"small size", "data: Digits: bad argument image size 11, want ≥ 12", func() { data.Digits(r, 1, 11) }},
		{"digit 10", "data: RandomGlyph: bad argument digit 10, want 0..9", func() { data.RandomGlyph(r, 10) }},
		{"digit -1", "data: DigitStyles: bad argument digit -1, want 0..9", func() { data.DigitStyles(-1) }},
		{"style", "data: UprightGlyph: bad argument style 2 of digit 3, want 0..1", func() { data.UprightGlyph(3, 2) }},
		{"style in Render", "data: Glyph.Render: bad argument style 2 of digit 3, want 0..1", func() { style.Render(28) }},
		{"render size", "data: Glyph.Render: bad argument image size 0, want ≥ 12", func() { data.UprightGlyph(3, 0).Render(0) }},
		{"NaN rotation", "data: Glyph.Render: bad argument Rotation is NaN, want a finite number", func() { nan.Render(28) }},
		{"infinite warp", "data: Glyph.Render: bad argument Warp[3] is [0 +Inf], want finite numbers", func() { warp.Render(28) }},
		{"pen width", "data: Glyph.Render: bad argument pen width 0 with pressure 0, want width > 0 and |pressure| < 1", func() { bad.Render(28) }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := recoverError(tc.f)
			require.Error(t, err)
			assert.True(t, errors.Is(err, tensor.ErrArgument), "errors.Is(%v, ErrArgument)", err)
			assert.Equal(t, tc.msg, err.Error())
		})
	}
}

// recoverError runs f and returns the error it panicked with, or nil.
func recoverError(f func()) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err, _ = v.(error)
		}
	}()
	f()
	return nil
}

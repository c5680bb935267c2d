package data

import (
	"math"
	"math/rand/v2"

	"ganbook/tensor"
)

// ---- Image transforms --------------------------------------------------------------
//
// The image chapters work at 16×16: MNIST's 28×28 digits are resized to
// that size (Resize), and chapter 17 degrades real images on purpose
// (GaussianBlur, MixNoise) to see how the Fréchet distance follows. Every
// function takes and returns a batch of images (N, C, H, W) and leaves
// its input untouched.

// imageShape returns the dimensions of a batch of images or panics with
// tensor.ErrShape, naming op.
func imageShape(op string, images *tensor.Tensor) (n, c, h, w int) {
	if images.Dims() != 4 {
		panicf(tensor.ErrShape, op, "images %s are not (N,C,H,W)", tensor.FormatShape(images.Shape()))
	}
	s := images.Shape()
	return s[0], s[1], s[2], s[3]
}

// Resize resamples every image of images (N, C, H, W) to (N, C, size,
// size) by area averaging: output pixel (i, j) covers the rectangle
// [i·H/size, (i+1)·H/size) × [j·W/size, (j+1)·W/size) of the input, and
// its value is the mean of the input over that rectangle, each input pixel
// weighted by the area of it that the rectangle covers. The weights of one
// output pixel add up to 1, so a constant image stays constant and the
// mean of an image is kept exactly (up to rounding). It is separable:
// y = A·x·Bᵀ per image, with A (size, H) and B (size, W) the row and column
// weights. Shrinking 28×28 MNIST digits to 16×16 takes each output pixel
// from a 1.75×1.75 window; an integer factor (32 → 16) is plain average
// pooling. Enlarging works too (each output pixel then copies or blends
// the one or two input pixels it overlaps).
//
// It panics with tensor.ErrShape if images is not 4-D and with
// tensor.ErrArgument if size is below 1.
func Resize(images *tensor.Tensor, size int) *tensor.Tensor {
	n, c, h, w := imageShape("Resize", images)
	if size < 1 {
		panicf(tensor.ErrArgument, "Resize", "size %d, want ≥ 1", size)
	}
	rows, cols := areaWeights(h, size), areaWeights(w, size) // (size, H), (size, W)
	flat := tensor.Reshape(images, n*c, h, w)
	// y = A·x·Bᵀ for every image: first (N·C, H, W)·Bᵀ → (N·C, H, size),
	// then A·that → (N·C, size, size), as batched products.
	tmp := tensor.MatMulT(flat, false, cols, true)
	out := tensor.MatMul(rows, tmp)
	return tensor.Reshape(out, n, c, size, size)
}

// areaWeights returns the (out, in) matrix whose row i holds the share of
// each input pixel k in output pixel i: the length of
// [k, k+1) ∩ [i·in/out, (i+1)·in/out), divided by in/out.
func areaWeights(in, out int) *tensor.Tensor {
	a := tensor.Zeros(out, in)
	scale := float64(in) / float64(out)
	for i := range out {
		lo, hi := float64(i)*scale, float64(i+1)*scale
		for k := int(math.Floor(lo)); k < in && float64(k) < hi; k++ {
			overlap := math.Min(hi, float64(k+1)) - math.Max(lo, float64(k))
			if overlap > 0 {
				a.Set(overlap/scale, i, k)
			}
		}
	}
	return a
}

// GaussianBlur convolves every channel of images (N, C, H, W) with the
// Gaussian of standard deviation sigma pixels, truncated at radius
// R = ⌈3σ⌉ and normalised to sum 1:
//
//	k(d) = exp(−d²/(2σ²)) / Σ_{|e| ≤ R} exp(−e²/(2σ²)),  |d| ≤ R,
//
// applied along the rows and then along the columns (the 2-D Gaussian is
// separable). Beyond the border the image is continued by its edge pixels
// ("replicate" padding), so a constant image stays constant and a digit's
// background stays background; zero padding would darken a −1 background
// towards 0 near the edges. sigma = 0 returns a copy. Heusel et al. (arXiv
// 1706.08500, Fig. 3) blur real images this way, with σ growing, to show
// the FID rising with the disturbance.
//
// It panics with tensor.ErrShape if images is not 4-D and with
// tensor.ErrArgument if sigma is negative or not finite.
func GaussianBlur(images *tensor.Tensor, sigma float64) *tensor.Tensor {
	n, c, h, w := imageShape("GaussianBlur", images)
	if !(sigma >= 0) || math.IsInf(sigma, 1) {
		panicf(tensor.ErrArgument, "GaussianBlur", "sigma %g, want finite and ≥ 0", sigma)
	}
	out := tensor.Zeros(n, c, h, w)
	copy(out.Data(), images.Data())
	if sigma == 0 {
		return out
	}
	radius := int(math.Ceil(3 * sigma))
	kernel := make([]float64, 2*radius+1)
	sum := 0.0
	for d := -radius; d <= radius; d++ {
		kernel[d+radius] = math.Exp(-float64(d*d) / (2 * sigma * sigma))
		sum += kernel[d+radius]
	}
	for i := range kernel {
		kernel[i] /= sum
	}
	x := out.Data()
	line := make([]float64, max(h, w))
	clampIndex := func(i, n int) int { return min(max(i, 0), n-1) }
	for p := range n * c {
		img := x[p*h*w : (p+1)*h*w]
		for y := range h { // along each row
			copy(line, img[y*w:(y+1)*w])
			for j := range w {
				s := 0.0
				for d := -radius; d <= radius; d++ {
					s += kernel[d+radius] * line[clampIndex(j+d, w)]
				}
				img[y*w+j] = s
			}
		}
		for j := range w { // along each column
			for y := range h {
				line[y] = img[y*w+j]
			}
			for y := range h {
				s := 0.0
				for d := -radius; d <= radius; d++ {
					s += kernel[d+radius] * line[clampIndex(y+d, h)]
				}
				img[y*w+j] = s
			}
		}
	}
	return out
}

// MixNoise returns (1 − α)·x + α·ν for every image x of images (N, C, H,
// W), where ν is an image of independent standard Gaussian draws from r,
// rescaled linearly so that its smallest value is −1 and its largest 1
// (the range of the images). This is the "Gaussian noise" disturbance of
// Heusel et al. (arXiv 1706.08500, Fig. 3, there with pixels in [0, 255]):
// α = 0 leaves the images as they are, α = 1 leaves only noise. It panics
// with tensor.ErrShape if images is not 4-D and with tensor.ErrArgument
// unless 0 ≤ α ≤ 1.
func MixNoise(r *rand.Rand, images *tensor.Tensor, alpha float64) *tensor.Tensor {
	n, c, h, w := imageShape("MixNoise", images)
	if !(alpha >= 0 && alpha <= 1) {
		panicf(tensor.ErrArgument, "MixNoise", "alpha %g, want 0 ≤ α ≤ 1", alpha)
	}
	out := tensor.Zeros(n, c, h, w)
	x, y := images.Data(), out.Data()
	size := c * h * w
	noise := make([]float64, size)
	for i := range n {
		lo, hi := math.Inf(1), math.Inf(-1)
		for k := range noise {
			noise[k] = r.NormFloat64()
			lo, hi = math.Min(lo, noise[k]), math.Max(hi, noise[k])
		}
		for k, v := range noise {
			scaled := 2*(v-lo)/(hi-lo) - 1
			y[i*size+k] = (1-alpha)*x[i*size+k] + alpha*scaled
		}
	}
	return out
}

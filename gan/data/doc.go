// Package data holds the data sets the chapters train on: the toy data sets
// that GAN papers use to make mode collapse and convergence visible
// (mixtures of Gaussians on a ring or a grid in the plane, a swiss roll, 1-D
// mixtures for the first chapter), a procedural handwritten-digit set that
// is the default of every image chapter, and a reader for MNIST's files.
//
// # Why mixtures of Gaussians
//
// A mixture p(x) = Σₖ wₖ·N(x; μₖ, σ²I) with small σ has well separated,
// countable modes. A generator that puts its samples near only some of the
// μₖ has collapsed, and the metrics package can count how many modes it
// reaches and how evenly (see metrics.ModeCoverage). The density is known in
// closed form, so in 1-D the optimal discriminator p/(p+q) can be drawn
// exactly.
//
// # Two conventions for the same pictures
//
// The ring and the grid come in two published versions that differ in scale,
// and numbers from one do not transfer to the other:
//
//   - PacGAN (arXiv 1712.04086), as in its code's 2DRing and 2DGrid
//     settings: Ring8 has radius 1 and σ = 0.01, Grid25 has centres at
//     {−4, −2, 0, 2, 4}² and σ = 0.05. These are the sets for which the
//     PacGAN and VEEGAN mode-coverage tables were measured.
//   - WGAN-GP (arXiv 1704.00028), as in its gan_toy.py: Gaussians8 and
//     Gaussians25 draw centre + noise and then divide every point by 1.414
//     (respectively 2.828). The constructors here fold that division into the
//     centres and the standard deviation, which gives the same distribution.
//
// # Sampling
//
// Everything that training code draws from satisfies Sampler: a call
// Sample(r, n) returns an (n, d) tensor, one sample per row, using only the
// random source r. The same source state gives the same bits, which is what
// makes a chapter's run repeatable. *Mixture is a Sampler; a plain function
// such as SwissRoll becomes one through SamplerFunc.
//
// # Handwritten digits, drawn
//
// Digits(r, n, size) draws n labelled digits as an (n, 1, size, size)
// tensor in [−1, 1] (background −1, the range of a tanh generator), with
// the ten classes equally often and in random order. Each digit starts from
// a stroke template, the path a pen would follow, in one of two or three
// styles (a 1 with or without its flag, a 4 open or closed, a 7 with or
// without a bar, a 9 with a straight or a curved tail, ...). RandomGlyph
// then chooses how it is written: a smooth random warp of the strokes, a
// width and a slant, a rotation, a scale and a shift, and a pen pressure
// that thins each stroke towards its end. The strokes are rendered by their
// distance to each pixel with a soft edge, so they are anti-aliased as
// MNIST's are. Everything comes from r, and 10,000 images at 28×28 take a
// fraction of a second, so a chapter can draw a fresh set from its seed
// instead of downloading one. A Glyph can also be built by hand and drawn
// with Render, which is how the tests look at single templates.
//
// The set is meant to be learnable but not trivial: a nearest-class-mean
// classifier on the raw pixels gets about 78 % right and softmax regression
// about 95 %, against 76 % and 87 % on MNIST with the same protocol (see
// TestDigitsLearnable and docs/data.md).
//
// # MNIST files
//
// The real MNIST digits come as four IDX files. ReadIDX and WriteIDX read
// and write that format (unsigned bytes, plain or gzip-compressed);
// ReadIDX checks every header field against the bytes that are actually
// there before it allocates, so a damaged or hostile file gives an error
// wrapping ErrIDX, never a huge allocation. LoadMNIST(dir, split) reads a
// split from a folder and returns it in the same form as Digits.
// docs/data.md says how to get the files without a browser.
package data

// Package data holds the toy data sets that GAN papers use to make mode
// collapse and convergence visible: mixtures of Gaussians on a ring or a grid
// in the plane, a swiss roll, and 1-D mixtures for the first chapter.
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
package data

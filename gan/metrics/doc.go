// Package metrics measures a generator by its samples rather than by its
// training loss, which says little about quality or diversity.
//
// # Mode coverage
//
// For data drawn from a mixture with known centres μₖ and spread σ,
// ModeCoverage follows the PacGAN protocol (arXiv 1712.04086, after VEEGAN,
// arXiv 1705.07761): each sample goes to its nearest centre, it is of high
// quality when it lies within 3σ of that centre, a mode is captured when it
// receives at least one high-quality sample, and the reverse KL divergence
// between the histogram of high-quality samples over the modes and the
// uniform histogram tells how evenly the captured modes are filled.
//
// # Wasserstein-1 distance
//
// The earth mover's distance between two distributions is the least average
// distance that mass must travel to turn one into the other,
//
//	W₁(P, Q) = inf over couplings γ of E₍ₓ,ᵧ₎~γ ‖x − y‖.
//
// Between two sets of n points with weight 1/n each, an optimal coupling can
// always be taken to be a permutation (Birkhoff–von Neumann), so W₁ is an
// assignment problem: W1Exact solves it exactly with the Hungarian algorithm
// in O(n³). In one dimension sorting is enough (W1Sorted1D, W1Between1D).
// These exact values are what a WGAN critic's estimate and a GAN's losses
// are compared against in the chapters.
//
// # Divergences and correlation
//
// KL and JSD compare discrete distributions, for example two densities
// evaluated on a grid; JSDOfDensities integrates the Jensen–Shannon
// divergence of two 1-D densities directly, the quantity that the minimax GAN
// value 2·JSD − log 4 is built from (arXiv 1406.2661); PearsonChi2OfDensities
// integrates the χ² divergence that LSGAN's generator minimises at the
// optimal discriminator (arXiv 1611.04076). Pearson measures how well one
// curve tracks another, such as a loss against the true distance.
//
// All logarithms are natural, so divergences are in nats.
//
// # Sample-quality metrics and divergence bounds
//
// FrechetDistance (FID on whatever features the caller provides), with
// FIDInfinity and FIDCurve for the bias-free extrapolation; InceptionScore
// from class probabilities; PrecisionRecall, the k-NN manifold precision
// and recall; and the f-GAN variational lower bounds KLLowerBound,
// JSLowerBound and TVLowerBound, written on autograd variables so that a
// critic can be trained to maximise them.
package metrics

// Package gan holds what every chapter shares: the adversarial losses, the
// Lipschitz constraints of the Wasserstein family, and the mechanics of a
// training run (steps, evaluation points, progress, divergence detection,
// history).
//
// Its subpackages hold the rest: data (toy distributions), metrics (mode
// coverage, exact Wasserstein distances), plot (pictures), progress (the
// progress bar) and chapter (flags, results table, metrics.json).
//
// The game stays where a reader can see who is updated, on which loss, and
// how often: in the chapter's file, or, when several chapters must run the
// very same experiment to compare methods fairly, in one named recipe and
// runner (toyexp.go: Recipe, ToyExperiment.Run) that those chapters call.
//
// Beyond the minimax, non-saturating and Wasserstein losses, the package
// has LeastSquares (LSGAN), Hinge (SN-GAN, SAGAN), RelativisticStandard and
// RelativisticAverage (RSGAN, RaSGAN) and OneSidedLabelSmoothing; besides
// WGAN-GP's and DRAGAN's penalties, R1Penalty (zero-centred, on real data)
// and InstanceNoise; and, from the improved techniques of Salimans et al.,
// FeatureMatching and HistoricalAverage (tricks.go).
package gan

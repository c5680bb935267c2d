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
// how often: in the chapter's file. When several chapters compare games on
// the same 2-D mixtures, what makes the comparison fair stays here: the
// networks (networks.go), the budget of steps, batch and learning rates
// (budget.go), and the runner that gives every game the same initial
// weights, batches and evaluation (toy.go: ToyRun). The games several
// chapters must run bit for bit alike are also here (games.go): WGAN-GP,
// and OneToOne, chapter 01's GAN with its loss as a parameter (chapters 02,
// 06 and 13 compare their games with it); the chapters that teach them keep
// their own copies equal by tests.
//
// Every game keeps the discriminator out of the generator's update the same
// way: the generator's step runs inside Frozen(D, ...).
//
// Beyond the minimax, non-saturating and Wasserstein losses, the package
// has LeastSquares (LSGAN), Hinge (SN-GAN, SAGAN), RelativisticStandard,
// RelativisticAverage and RelativisticAverageLeastSquares (RSGAN, RaSGAN,
// RaLSGAN) and OneSidedLabelSmoothing; besides
// WGAN-GP's and DRAGAN's penalties, R1Penalty (zero-centred, on real data)
// and InstanceNoise; and, from the improved techniques of Salimans et al.,
// FeatureMatching and HistoricalAverage (tricks.go).
package gan

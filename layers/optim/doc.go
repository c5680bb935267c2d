// Package optim holds the optimizers that train ganbook's networks: SGD with
// momentum, Adam and RMSprop, in PyTorch's formulations, and a functional,
// differentiable form of SGD and Adam steps for unrolled GANs.
//
// # What an optimizer does
//
// Training minimises a loss L(θ) over the parameters θ. After
// loss.Backward() every parameter p holds its gradient g = ∂L/∂p in p.Grad,
// and an optimizer's Step moves p a little against it. Plain gradient
// descent takes p ← p − lr·g. The optimizers differ in what they remember
// between steps:
//
//   - SGD with momentum keeps a velocity v ← μ·v + g and steps p ← p − lr·v,
//     which averages out noise and speeds up along consistent directions.
//   - RMSprop keeps a running mean of squared gradients s ← α·s + (1−α)·g²
//     and steps p ← p − lr·g/(√s + ε): every coordinate gets its own step
//     size. The WGAN critic is trained with it (arXiv 1701.07875).
//   - Adam (arXiv 1412.6980) keeps both a mean m of gradients and a mean v
//     of squared gradients, corrects them for their start at zero, and steps
//     p ← p − lr·m̂/(√v̂ + ε). Most GANs since DCGAN use it, often with
//     β1 = 0.5 or even β1 = 0 (TTUR, SAGAN).
//
// A training loop reads
//
//	opt := optim.NewAdam(layers.Vars(model), 2e-4, 0.5, 0.999)
//	for step := range steps {
//		opt.ZeroGrad()
//		loss := lossOf(model, batch(step))
//		loss.Backward()
//		opt.Step()
//	}
//
// A GAN has two optimizers, one over the generator's parameters and one over
// the discriminator's, each with its own learning rate and step count.
//
// # Updates happen in place
//
// Step changes the parameters' values (p.Value) in place with plain loops,
// without recording a graph and without allocating: the state tensors are
// allocated once, by the constructor. A graph built before the step still
// points at the old values' storage, so build a new one (a new forward pass)
// after every step, as any training loop does.
//
// # State and checkpoints
//
// Every optimizer implements Optimizer, whose State lists its step count and
// per-parameter tensors under stable names ("adam.step", "adam.m.0",
// "adam.v.0", ...) and whose LoadState puts them back after checking names
// and shapes. The checkpoint package saves them next to the model, so that a
// resumed run continues exactly where it stopped. Hyperparameters (learning
// rate, betas) are not part of the state: the program that resumes sets them.
//
// # Differentiable steps
//
// The unrolled GAN (arXiv 1611.02163) trains the generator against the
// discriminator as it will be after K more optimizer steps, and
// backpropagates through those steps. SGDStep and AdamStep compute one step
// with autograd operations: given the parameters and their gradients as
// variables (the gradients taken with autograd.Grad(..., createGraph=true)),
// they return the new parameters as variables that remember how they were
// made, so a loss of them can be differentiated with respect to the original
// parameters.
package optim

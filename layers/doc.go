// Package layers builds neural networks out of modules.
//
// A module is a function of its input x and of some parameters θ: a Linear
// layer computes y = x·Wᵀ + b with θ = (W, b), a ReLU has no parameters at
// all. Forward runs the function with autograd operations, so calling
// Backward on a loss built from the output fills the Grad field of every
// parameter; an optimizer (package layers/optim) then moves the parameters
// against their gradients. Parameters lists θ in a fixed order under the
// names PyTorch gives them in a state_dict ("weight", "bias"; inside a
// Sequential "0.weight", "1.bias", ...), which is what optimizers and
// checkpoints (package layers/checkpoint) rely on.
//
//	r := rand.New(rand.NewPCG(1, 0))
//	mlp := layers.NewSequential(
//		layers.NewLinear(r, 2, 64), layers.LeakyReLU{Slope: 0.2},
//		layers.NewLinear(r, 64, 1),
//	)
//	score := mlp.Forward(autograd.Const(batch)) // (N,2) → (N,1)
//
// # Shapes
//
// Inputs are batches: the first dimension N counts samples. Dense layers
// take (N, features); convolutions, upsampling and 2-D batch norm take
// images (N, C, H, W). A module given an input of the wrong shape panics
// with tensor.ErrShape and a message naming the module and the shapes,
// e.g. "tensor: Linear: shape mismatch input (8,3) for weight (4,2)".
// Constructors panic with tensor.ErrArgument on non-positive sizes, a zero
// stride and the like.
//
// # Training and evaluation
//
// Batch normalisation behaves differently while training (it normalises
// with the statistics of the batch and updates running averages) and in
// evaluation (it uses the running averages). SetTraining switches a module,
// and every module inside a container, between the two. The running
// averages are buffers: state saved in checkpoints but not trained by
// gradients (see Buffers).
//
// # Initialisation
//
// Constructors draw the initial weights from an explicit *rand.Rand, so
// that a seed fixes a network. By default Linear and the convolutions use
// PyTorch's default, W and b uniform on ±1/√fan_in, so that results can be
// compared with PyTorch programs. The option WithInit chooses another
// scheme for the weights (the biases then start at zero):
//
//	dcgan := layers.WithInit(layers.Normal(0.02)) // N(0, 0.02²), arXiv 1511.06434
//	conv := layers.NewConv2D(r, 1, 64, 4, 2, 1, dcgan, layers.WithoutBias())
//
// The schemes are also available as functions that fill a tensor in place:
// InitNormal, InitKaimingUniform, InitKaimingNormal, InitXavierUniform,
// InitXavierNormal and InitOrthogonal.
//
// # GAN layers
//
// SpectralNorm wraps a Linear or convolution and divides its weight by a
// power-iteration estimate of its largest singular value (SN-GAN);
// LargestSingularValue computes it exactly. SelfAttention is SAGAN's
// attention block, MinibatchStdDev ProGAN's batch-diversity feature,
// MinibatchDiscrimination and VirtualBatchNorm (with ReferenceForward) two
// of the "improved techniques" of Salimans et al. Functional(m, params)
// runs any of these modules with other parameter variables, such as the
// differentiable look-ahead parameters of an unrolled GAN.
package layers

package layers

import (
	"slices"

	"ganbook/autograd"
	"ganbook/tensor"
)

// Reparameterizable is implemented by modules defined outside this package
// that Functional should accept: WithParameters returns a copy of the
// module that uses params (in the order of Parameters) instead of its own
// parameters and shares everything else. Functional checks the count and
// the shapes before calling it.
type Reparameterizable interface {
	WithParameters(params []*autograd.Var) Module
}

// Functional returns a copy of m whose parameters are params, given in the
// order of m.Parameters(): the same function of its input as m, evaluated
// at other parameter values. Nothing is copied but the module structure;
// the copy reads params directly, so that its output is differentiable
// with respect to them, and m is left as it is.
//
// This is what the unrolled GAN needs (Metz et al., arXiv 1611.02163):
// the generator's loss uses D after K simulated optimiser steps,
//
//	θ_D¹ = optim.SGDStep(θ_D, autograd.Grad(lossD, θ_D, true), lr), …
//	lossG = loss(Functional(d, θ_Dᴷ).Forward(G(z)))
//
// and backpropagates through the K steps to θ_G.
//
// The copy shares m's buffers: a BatchNorm copy in training mode updates
// the running statistics of m, a SpectralNorm copy in training mode
// advances m's power iteration (u, v), and a VirtualBatchNorm copy uses
// (and a ReferenceForward through it sets) its own reference statistics,
// starting from m's. Training or evaluation mode is copied.
//
// Functional knows the modules of this package (Linear, Conv2D,
// ConvTranspose2D, BatchNorm, LayerNorm, Maxout, Sequential, the
// activations, Flatten, Reshape, Upsample, SpectralNorm, SelfAttention,
// MinibatchStdDev, MinibatchDiscrimination, VirtualBatchNorm) and any
// module that implements Reparameterizable. It panics with
// tensor.ErrArgument for another module type or if len(params) differs
// from the number of m's parameters, and with tensor.ErrShape if a
// parameter's shape differs from the one it replaces.
func Functional(m Module, params []*autograd.Var) Module {
	own := m.Parameters()
	if len(params) != len(own) {
		panicf(tensor.ErrArgument, "Functional", "%d parameters for a %T with %d", len(params), m, len(own))
	}
	for i, p := range own {
		if params[i] == nil || !tensor.SameShape(params[i].Value, p.Var.Value) {
			got := "nil"
			if params[i] != nil {
				got = tensor.FormatShape(params[i].Value.Shape())
			}
			panicf(tensor.ErrShape, "Functional", "parameter %d (%s) is %s, want %s", i, p.Name, got, tensor.FormatShape(p.Var.Value.Shape()))
		}
	}
	return functional(m, params)
}

// functional builds the copy once the count and shapes are known to match.
func functional(m Module, p []*autograd.Var) Module {
	switch l := m.(type) {
	case *Linear:
		return &Linear{Weight: p[0], Bias: biasFrom(l.Bias, p)}
	case *Conv2D:
		return &Conv2D{Weight: p[0], Bias: biasFrom(l.Bias, p), Geom: l.Geom}
	case *ConvTranspose2D:
		return &ConvTranspose2D{Weight: p[0], Bias: biasFrom(l.Bias, p), Geom: l.Geom}
	case *BatchNorm:
		c := *l // shares RunningMean and RunningVar; keeps the mode
		c.Weight, c.Bias = p[0], p[1]
		return &c
	case *LayerNorm:
		c := *l
		c.Weight, c.Bias = p[0], p[1]
		return &c
	case *Maxout:
		return &Maxout{Linear: functional(l.Linear, p).(*Linear), Pieces: l.Pieces}
	case *Sequential:
		out := &Sequential{Layers: make([]Module, len(l.Layers))}
		at := 0
		for i, sub := range l.Layers {
			n := len(sub.Parameters())
			out.Layers[i] = functional(sub, p[at:at+n])
			at += n
		}
		return out
	case *SpectralNorm:
		c := *l // shares U and V
		c.Layer = functional(l.Layer, p)
		return &c
	case *SelfAttention:
		c := *l
		c.Gamma = p[0]
		at := 1
		subs := []*Module{&c.F, &c.G, &c.H}
		for _, sub := range subs {
			n := len((*sub).Parameters())
			*sub = functional(*sub, p[at:at+n])
			at += n
		}
		return &c
	case *MinibatchDiscrimination:
		return &MinibatchDiscrimination{Weight: p[0]}
	case *VirtualBatchNorm:
		c := *l
		c.Weight, c.Bias = p[0], p[1]
		return &c
	case ReLU, *ReLU, LeakyReLU, *LeakyReLU, Tanh, *Tanh, Sigmoid, *Sigmoid,
		Flatten, *Flatten, Reshape, *Reshape, Upsample, *Upsample, *MinibatchStdDev:
		return m // no parameters, nothing to replace
	case Reparameterizable:
		return l.WithParameters(slices.Clone(p))
	}
	panicf(tensor.ErrArgument, "Functional", "unknown module type %T; it can implement layers.Reparameterizable", m)
	return nil
}

// biasFrom returns the replacement bias p[1] if the layer has a bias,
// nil otherwise.
func biasFrom(bias *autograd.Var, p []*autograd.Var) *autograd.Var {
	if bias == nil {
		return nil
	}
	return p[1]
}

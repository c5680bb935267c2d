package metrics

import (
	"math"

	"ganbook/autograd"
)

// ---- Variational divergence bounds (f-GAN) --------------------------------------------
//
// Nowozin, Cseke and Tomioka (arXiv 1606.00709) write every f-divergence
// D_f(P‖Q) = ∫ q f(p/q) through the convex conjugate f* of f:
//
//	D_f(P‖Q) ≥ sup_T  E_P[T(x)] − E_Q[f*(T(x))],
//
// with equality at T*(x) = f′(p(x)/q(x)). A critic V (any network with a
// raw output) is turned into T = g_f(V) by an output activation that keeps
// T in the domain of f*; maximising the bound over the critic's parameters
// both trains it and estimates the divergence, always from below. The
// functions here take the critic's raw outputs on samples of P (vp) and of
// Q (vq), of any shapes, and return the bound, averaged over the samples,
// as a differentiable scalar, so a chapter can maximise it with gradient
// ascent. All are in nats.

// KLLowerBound returns the variational lower bound on KL(P‖Q) (f(u) =
// u·log u, f*(t) = e^{t−1}, g_f(v) = v):
//
//	E_P[V] − E_Q[e^{V − 1}] ≤ KL(P‖Q),
//
// tight at V*(x) = 1 + log(p(x)/q(x)).
func KLLowerBound(vp, vq *autograd.Var) *autograd.Var {
	return autograd.Sub(autograd.Mean(vp), autograd.Mean(autograd.Exp(autograd.AddScalar(vq, -1))))
}

// JSLowerBound returns the variational lower bound on the Jensen–Shannon
// divergence JSD(P, Q) = ½KL(P‖M) + ½KL(Q‖M), M = (P + Q)/2, which lies in
// [0, log 2], written with the GAN discriminator D = σ(V):
//
//	½·( E_P[log D] + E_Q[log(1 − D)] + log 4 ) ≤ JSD(P, Q),
//
// tight at V*(x) = log(p(x)/q(x)), i.e. D* = p/(p + q). The bracket is the
// GAN value function, bounded by 2·JSD − log 4 (arXiv 1406.2661, Theorem
// 1). In f-GAN's Table 1 this is the "GAN" row, f(u) = u·log u −
// (u + 1)·log(u + 1), whose divergence is 2·JSD − log 4, shifted and
// halved. (The table's Jensen–Shannon generator f(u) = −(u + 1)·log((1 +
// u)/2) + u·log u integrates to 2·JSD, not JSD.) log D and log(1 − D) are
// computed as −softplus(−V) and −softplus(V).
func JSLowerBound(vp, vq *autograd.Var) *autograd.Var {
	value := autograd.Neg(autograd.Add(
		autograd.Mean(autograd.Softplus(autograd.Neg(vp))),
		autograd.Mean(autograd.Softplus(vq))))
	return autograd.Scale(autograd.AddScalar(value, math.Log(4)), 0.5)
}

// TVLowerBound returns the variational lower bound on the total variation
// distance TV(P, Q) = ½∫|p − q| = sup_{|T| ≤ ½} E_P[T] − E_Q[T] (f(u) =
// ½|u − 1|, f*(t) = t on |t| ≤ ½, g_f(v) = ½·tanh v):
//
//	E_P[½ tanh V] − E_Q[½ tanh V] ≤ TV(P, Q),
//
// approaching TV as ½·tanh V approaches T* = ½·sign(p − q).
func TVLowerBound(vp, vq *autograd.Var) *autograd.Var {
	return autograd.Scale(autograd.Sub(autograd.Mean(autograd.Tanh(vp)), autograd.Mean(autograd.Tanh(vq))), 0.5)
}

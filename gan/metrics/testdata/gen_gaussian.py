"""Reference values for gan/metrics/gaussian.go and wasserstein_var.go, from
PyTorch in float64, computed independently of the Go code's formulas.

Run once to regenerate gaussian.json:

    /usr/bin/python3 gan/metrics/testdata/gen_gaussian.py

- KL: torch.distributions.kl_divergence of two Normals.
- TV: ½∫|p − q| by the trapezoid rule on 2,000,001 points over ±40 around
  the means (densities from torch.distributions.Normal.log_prob).
- W₁ and W₂: ∫₀¹ |F⁻¹(t) − G⁻¹(t)|^k dt by the midpoint rule on 2,000,000
  cells, the quantiles from torch.special.ndtri.
- W1ExactVar: the optimal matching by brute force over the 5! permutations,
  the value and its gradient with respect to a by torch autograd.
"""
import itertools
import json
import os

import torch

torch.set_default_dtype(torch.float64)
torch.manual_seed(1701_07875)

cases = [(0.0, 1.0, 1.0, 1.5), (0.0, 1.0, 2.0, 1.0), (1.0, 2.0, -0.5, 0.5), (0.3, 0.7, 0.3, 0.9)]
out = {"gaussians": []}
for mu1, s1, mu2, s2 in cases:
    p, q = torch.distributions.Normal(mu1, s1), torch.distributions.Normal(mu2, s2)
    kl_pq = torch.distributions.kl_divergence(p, q).item()
    kl_qp = torch.distributions.kl_divergence(q, p).item()
    x = torch.linspace(min(mu1, mu2) - 40, max(mu1, mu2) + 40, 2_000_001)
    diff = (p.log_prob(x).exp() - q.log_prob(x).exp()).abs()
    tv = 0.5 * torch.trapezoid(diff, x).item()
    n = 2_000_000
    t = (torch.arange(n) + 0.5) / n
    z = torch.special.ndtri(t)
    dq = (mu1 + s1 * z) - (mu2 + s2 * z)
    w1 = dq.abs().mean().item()
    w2 = dq.square().mean().sqrt().item()
    out["gaussians"].append({"mu1": mu1, "sigma1": s1, "mu2": mu2, "sigma2": s2,
                             "kl_pq": kl_pq, "kl_qp": kl_qp, "tv": tv, "w1": w1, "w2": w2})

a = torch.randn(5, 2)
b = torch.randn(5, 2)
best, best_perm = None, None
for perm in itertools.permutations(range(5)):
    cost = (a - b[list(perm)]).norm(dim=1).mean().item()
    if best is None or cost < best:
        best, best_perm = cost, perm
av = a.clone().requires_grad_(True)
w = ((av - b[list(best_perm)]).square().sum(1) + 1e-12).sqrt().mean()
w.backward()
out["w1_var"] = {"a": a.reshape(-1).tolist(), "b": b.reshape(-1).tolist(), "value": w.item(),
                 "grad": av.grad.reshape(-1).tolist(), "match": list(best_perm)}

with open(os.path.join(os.path.dirname(__file__), "gaussian.json"), "w") as f:
    json.dump(out, f, indent=1)

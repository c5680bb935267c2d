"""Expected values for gan's losses, penalties and tricks, from PyTorch.

Run once with PyTorch (float64) to regenerate losses.json:

    /usr/bin/python3 gan/testdata/gen_losses.py

The Go tests (loss_extra_test.go) read the inputs and the expected values
from losses.json; CI does not run this script. Every loss is written with
torch's own functions (binary_cross_entropy_with_logits, mse_loss, relu),
not with the softplus forms of the Go code, so the two are independent.
"""
import json
import os

import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)
torch.manual_seed(20240601)


def flat(t):
    return t.detach().reshape(-1).tolist()


def bce(logits, target):
    return F.binary_cross_entropy_with_logits(logits, torch.full_like(logits, target))


def lsgan(a, b, c):
    d = lambda r, f: 0.5 * F.mse_loss(r, torch.full_like(r, b)) + 0.5 * F.mse_loss(f, torch.full_like(f, a))
    g = lambda r, f: 0.5 * F.mse_loss(f, torch.full_like(f, c))
    return d, g


LOSSES = {
    "lsgan_pearson": lsgan(-1, 1, 0),
    "lsgan_binary": lsgan(0, 1, 1),
    "hinge": (lambda r, f: F.relu(1 - r).mean() + F.relu(1 + f).mean(),
              lambda r, f: -f.mean()),
    "rsgan": (lambda r, f: bce(r - f, 1.0), lambda r, f: bce(f - r, 1.0)),
    "rasgan": (lambda r, f: (bce(r - f.mean(), 1.0) + bce(f - r.mean(), 0.0)) / 2,
               lambda r, f: (bce(r - f.mean(), 0.0) + bce(f - r.mean(), 1.0)) / 2),
    "smoothed_0.9": (lambda r, f: bce(r, 0.9) + bce(f, 0.0), lambda r, f: bce(f, 1.0)),
}
PAIRED_ONLY = {"rsgan"}


def logits(n):
    # Away from the hinge's kinks at ±1.
    x = torch.randn(n, 1) * 1.5
    x[(x.abs() - 1).abs() < 0.05] += 0.2
    return x


def evaluate(fn, r0, f0):
    r = r0.clone().requires_grad_(True)
    f = f0.clone().requires_grad_(True)
    v = fn(r, f)
    gr, gf = torch.autograd.grad(v, [r, f], allow_unused=True)
    gr = torch.zeros_like(r) if gr is None else gr
    gf = torch.zeros_like(f) if gf is None else gf
    return {"value": v.item(), "grad_real": flat(gr), "grad_fake": flat(gf)}


out = {"losses": []}
for batch in [(4, 4), (4, 3)]:
    r0, f0 = logits(batch[0]), logits(batch[1])
    for name, (d, g) in LOSSES.items():
        if name in PAIRED_ONLY and batch[0] != batch[1]:
            continue
        out["losses"].append({"name": name, "real": flat(r0), "fake": flat(f0),
                              "D": evaluate(d, r0, f0), "G": evaluate(g, r0, f0)})

# ---- R1: D(x) = tanh(x·W1ᵀ + b1)·W2ᵀ + b2, x (5, 3).
x = torch.randn(5, 3)
params = [torch.randn(4, 3), torch.randn(4), torch.randn(1, 4), torch.randn(1)]
ps = [p.clone().requires_grad_(True) for p in params]
xv = x.clone().requires_grad_(True)
dx = torch.tanh(xv @ ps[0].T + ps[1]) @ ps[2].T + ps[3]
(gx,) = torch.autograd.grad(dx.sum(), xv, create_graph=True)
sq = gx.pow(2).reshape(5, -1).sum(1)
penalty = sq.mean()
grads = torch.autograd.grad(penalty, ps, allow_unused=True)
grads = [torch.zeros_like(p) if g is None else g for p, g in zip(ps, grads)]
out["r1"] = {"x": flat(x), "params": [flat(p) for p in params],
             "penalty": penalty.item(), "norms": flat(sq.sqrt()),
             "grads": [flat(g) for g in grads]}

# ---- Feature matching on (4, 3) real and (3, 3) fake features.
fr, ff = torch.randn(4, 3), torch.randn(3, 3)
frv, ffv = fr.clone().requires_grad_(True), ff.clone().requires_grad_(True)
fm = (frv.mean(0) - ffv.mean(0)).pow(2).sum()
gfr, gff = torch.autograd.grad(fm, [frv, ffv])
out["feature_matching"] = {"real": flat(fr), "fake": flat(ff), "value": fm.item(),
                           "grad_real": flat(gfr), "grad_fake": flat(gff)}

# ---- Historical averaging: snapshots θ1, θ2 of two parameters (2,3) and (3),
# the penalty at θ, treating the average as a constant.
snaps = [[torch.randn(2, 3), torch.randn(3)] for _ in range(2)]
theta = [torch.randn(2, 3).requires_grad_(True), torch.randn(3).requires_grad_(True)]
avg = [(snaps[0][i] + snaps[1][i]) / 2 for i in range(2)]
ha = sum((theta[i] - avg[i]).pow(2).sum() for i in range(2))
gha = torch.autograd.grad(ha, theta)
out["historical_average"] = {"snapshots": [[flat(t) for t in s] for s in snaps],
                             "theta": [flat(t) for t in theta], "value": ha.item(),
                             "grads": [flat(g) for g in gha]}

path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "losses.json")
with open(path, "w") as fh:
    json.dump(out, fh, indent=1)
    fh.write("\n")
print("wrote", path)

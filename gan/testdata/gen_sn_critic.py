"""Expected values for gan.WithSpectralNorm and gan.InputGradNorms, from PyTorch.

Run once with PyTorch (float64) to regenerate sn_critic.json:

    /usr/bin/python3 gan/testdata/gen_sn_critic.py

A toy critic 2 → 6 → 6 → 6 → 1 (ReLU between), every Linear wrapped in
torch.nn.utils.spectral_norm, as gan.SNGANNetworks wraps its critic. It
records the weights, biases and initial power-iteration vectors u, v of each
layer, then:
  train: three training forwards on x (three power iterations per layer):
         u and v of each layer after them;
  eval:  in evaluation mode (u, v fixed): D(x), the per-sample slopes
         ‖∇ₓ D(x)‖₂ (torch.autograd.grad of Σ D(x)), each layer's
         σ̂ = uᵀWv and exact σ (torch.linalg.svdvals), and the bound
         Π σ/σ̂ of the normalised layers.
"""
import json
import os

import torch
import torch.nn as nn

torch.set_default_dtype(torch.float64)
torch.manual_seed(1802_05957 + 9)


def flat(t):
    return t.detach().reshape(-1).tolist()


sizes = [2, 6, 6, 6, 1]
linears = [nn.Linear(a, b) for a, b in zip(sizes, sizes[1:])]
with torch.no_grad():
    for l in linears:
        l.weight.mul_(3)  # σ well above 1, so that normalising matters
sns = [nn.utils.spectral_norm(l) for l in linears]
mods = []
for i, m in enumerate(sns):
    if i > 0:
        mods.append(nn.ReLU())
    mods.append(m)
critic = nn.Sequential(*mods)

rec = {"sizes": sizes, "layers": [
    {"weight": flat(m.weight_orig), "bias": flat(m.bias), "u0": flat(m.weight_u), "v0": flat(m.weight_v)}
    for m in sns]}

x = torch.randn(9, 2) * 2
rec["x"] = flat(x)

critic.train()
with torch.no_grad():
    for _ in range(3):
        critic(x)
rec["train"] = [{"u": flat(m.weight_u), "v": flat(m.weight_v)} for m in sns]

critic.eval()
xv = x.clone().requires_grad_(True)
y = critic(xv)
g, = torch.autograd.grad(y.sum(), [xv])
rec["eval"] = {"y": flat(y), "slopes": flat(g.norm(dim=1))}
bound = 1.0
sig = []
for m in sns:
    w = m.weight_orig.detach()
    sigma_hat = torch.dot(m.weight_u, w @ m.weight_v).item()
    exact = torch.linalg.svdvals(w)[0].item()
    sig.append({"sigma_hat": sigma_hat, "exact": exact})
    bound *= exact / sigma_hat
rec["eval"]["sigmas"] = sig
rec["eval"]["bound"] = bound

path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "sn_critic.json")
with open(path, "w") as fh:
    json.dump(rec, fh, indent=1)
    fh.write("\n")
print("wrote", path)

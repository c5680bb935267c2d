"""Expected values for layers.VirtualBatchNorm, from PyTorch.

Run once with PyTorch (float64) to regenerate vbn.json:

    /usr/bin/python3 layers/testdata/gen_vbn.py

The formula of the improved-GAN code (class VBN), channels first:
reference batch r (B samples): μ_r = mean r, ν_r = mean r² over the batch
and positions, output γ(r − μ_r)/√(ε + ν_r − μ_r²) + β; then a batch x:
per-sample means over positions m, q of x and x², μ = m/(B+1) + μ_r·B/(B+1),
ν = q/(B+1) + ν_r·B/(B+1), output γ(x − μ)/√(ε + ν − μ²) + β, ε = 1e-5.
The reference goes through the same graph, so the gradients of
L = Σ y_ref ⊙ w_ref + Σ y ⊙ w_out reach r, x, γ and β.
"""
import json
import os

import torch

torch.set_default_dtype(torch.float64)
torch.manual_seed(1606_03498)
EPS = 1e-5


def flat(t):
    return t.detach().reshape(-1).tolist()


def normalize(x, mean, mean_sq, gamma, beta, shape):
    std = torch.sqrt(EPS + mean_sq - mean * mean)
    return (x - mean) / std * gamma.reshape(shape) + beta.reshape(shape)


def vbn(r, x, gamma, beta):
    shape = [1, -1] + [1] * (x.dim() - 2)
    ref_axes = [0] + list(range(2, x.dim()))
    mu_r = r.mean(ref_axes, keepdim=True)
    nu_r = (r * r).mean(ref_axes, keepdim=True)
    y_ref = normalize(r, mu_r, nu_r, gamma, beta, shape)
    pos = list(range(2, x.dim()))
    m = x.mean(pos, keepdim=True) if pos else x
    q = (x * x).mean(pos, keepdim=True) if pos else x * x
    b = r.shape[0]
    new = 1.0 / (b + 1.0)
    mu = new * m + (1 - new) * mu_r
    nu = new * q + (1 - new) * nu_r
    return y_ref, normalize(x, mu, nu, gamma, beta, shape)


out = []
for name, rshape, xshape in [("images", (4, 2, 2, 3), (3, 2, 2, 3)), ("features", (5, 3), (2, 3))]:
    f = rshape[1]
    inputs = [torch.randn(*rshape) * 1.5 + 0.3, torch.randn(*xshape), 1 + 0.3 * torch.randn(f), 0.3 * torch.randn(f)]
    vs = [t.clone().requires_grad_(True) for t in inputs]
    y_ref, y = vbn(*vs)
    w_ref, w_out = torch.randn_like(y_ref), torch.randn_like(y)
    grads = torch.autograd.grad((y_ref * w_ref).sum() + (y * w_out).sum(), vs)
    out.append({"name": name, "inputs": [flat(t) for t in inputs], "shapes": [list(t.shape) for t in inputs],
                "y_ref": flat(y_ref), "y": flat(y), "w_ref": flat(w_ref), "w_out": flat(w_out),
                "grads": [flat(g) for g in grads]})

path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "vbn.json")
with open(path, "w") as fh:
    json.dump(out, fh, indent=1)
    fh.write("\n")
print("wrote", path)

"""Expected values for layers.SpectralNorm, from torch.nn.utils.spectral_norm.

Run once with PyTorch (float64) to regenerate spectral.json:

    /usr/bin/python3 layers/testdata/gen_spectral.py

For a Linear, a Conv2d and a ConvTranspose2d (spectral_norm's dim = 1) it
records the initial weight, bias and power-iteration vectors u, v, then:
  step1: one training forward (one power iteration): u, v, σ = uᵀWₘv,
         W_SN, the output y, and the gradients of L = Σ y ⊙ w_out with
         respect to weight_orig, bias and x;
  step2: W changed by a fixed delta, a second training forward: u, v, y
         (u persists across steps);
  eval:  evaluation forward after step2: y (u, v unchanged);
and the exact largest singular value of the final Wₘ (torch.linalg.svdvals).
"""
import json
import os

import torch
import torch.nn as nn

torch.set_default_dtype(torch.float64)
torch.manual_seed(1802_05957)


def flat(t):
    return t.detach().reshape(-1).tolist()


def weight_matrix(m, w):
    if isinstance(m, nn.ConvTranspose2d):
        w = w.permute(1, 0, 2, 3)
    return w.reshape(w.shape[0], -1)


def case(name, module, x):
    m = nn.utils.spectral_norm(module)
    rec = {"name": name, "x": flat(x), "x_shape": list(x.shape),
           "weight": flat(m.weight_orig), "weight_shape": list(m.weight_orig.shape),
           "bias": flat(m.bias), "u0": flat(m.weight_u), "v0": flat(m.weight_v)}

    m.train()
    xv = x.clone().requires_grad_(True)
    y = m(xv)
    w_out = torch.randn_like(y)
    (y * w_out).sum().backward()
    u, v = m.weight_u, m.weight_v
    sigma = torch.dot(u, weight_matrix(m, m.weight_orig) @ v)
    rec["w_out"] = flat(w_out)
    rec["step1"] = {"u": flat(u), "v": flat(v), "sigma": sigma.item(), "weight_sn": flat(m.weight),
                    "y": flat(y), "y_shape": list(y.shape),
                    "grad_weight": flat(m.weight_orig.grad), "grad_bias": flat(m.bias.grad),
                    "grad_x": flat(xv.grad)}

    delta = 0.1 * torch.randn_like(m.weight_orig)
    with torch.no_grad():
        m.weight_orig += delta
    y2 = m(x)
    rec["delta"] = flat(delta)
    rec["step2"] = {"u": flat(m.weight_u), "v": flat(m.weight_v), "y": flat(y2)}

    m.eval()
    y3 = m(x)
    rec["eval"] = {"u": flat(m.weight_u), "y": flat(y3)}
    rec["exact_sigma"] = torch.linalg.svdvals(weight_matrix(m, m.weight_orig.detach()))[0].item()
    return rec


out = [
    case("linear", nn.Linear(3, 4), torch.randn(5, 3)),
    case("conv2d", nn.Conv2d(2, 3, 3, stride=1, padding=1), torch.randn(2, 2, 4, 4)),
    case("conv_transpose2d", nn.ConvTranspose2d(3, 2, 4, stride=2, padding=1), torch.randn(2, 3, 3, 3)),
]
path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "spectral.json")
with open(path, "w") as fh:
    json.dump(out, fh, indent=1)
    fh.write("\n")
print("wrote", path)

"""Expected values for RaLSGAN and for LSGAN's game on a 1-D grid, from PyTorch.

Run once with PyTorch (float64) to regenerate relativistic_ls.json:

    /usr/bin/python3 gan/testdata/gen_relativistic_ls.py

The Go tests (loss_relativistic_least_squares_test.go and
density_least_squares_test.go) read the inputs and the expected values from
relativistic_ls.json; CI does not run this script.

RaLSGAN is written as the official code writes it (AlexiaJM/RelativisticGAN,
code/GAN_losses_iter.py, loss_D == 7, with the corrected second terms),
not as the Go code composes it. The grid values use torch.distributions
for the densities and plain tensor sums for the midpoint rule.
"""
import json
import os

import torch

torch.set_default_dtype(torch.float64)
torch.manual_seed(20261128)


def flat(t):
    return t.detach().reshape(-1).tolist()


def ralsgan_d(y_pred, y_pred_fake):
    y = 1.0
    return (torch.mean((y_pred - torch.mean(y_pred_fake) - y) ** 2)
            + torch.mean((y_pred_fake - torch.mean(y_pred) + y) ** 2)) / 2


def ralsgan_g(y_pred, y_pred_fake):
    y = 1.0
    return (torch.mean((y_pred - torch.mean(y_pred_fake) + y) ** 2)
            + torch.mean((y_pred_fake - torch.mean(y_pred) - y) ** 2)) / 2


def evaluate(fn, r0, f0):
    r = r0.clone().requires_grad_(True)
    f = f0.clone().requires_grad_(True)
    v = fn(r, f)
    gr, gf = torch.autograd.grad(v, [r, f])
    return {"value": v.item(), "grad_real": flat(gr), "grad_fake": flat(gf)}


out = {"ralsgan": []}
for n_real, n_fake in [(4, 3), (5, 5)]:
    r0, f0 = torch.randn(n_real, 1) * 1.5, torch.randn(n_fake, 1) * 1.5
    out["ralsgan"].append({"real": flat(r0), "fake": flat(f0),
                           "D": evaluate(ralsgan_d, r0, f0), "G": evaluate(ralsgan_g, r0, f0)})

# ---- LSGAN on a grid: p_d = 0.6·N(−2, 0.5²) + 0.4·N(2, 0.5²), p_g = N(0, 2²),
# 400 cells on [−10, 10], an arbitrary output curve D(x) = tanh(x/2) + 0.1·x.
lo, hi, n = -10.0, 10.0, 400
h = (hi - lo) / n
x = lo + (torch.arange(n) + 0.5) * h
N = torch.distributions.Normal
p = 0.6 * N(-2.0, 0.5).log_prob(x).exp() + 0.4 * N(2.0, 0.5).log_prob(x).exp()
q = N(0.0, 2.0).log_prob(x).exp()
d = torch.tanh(x / 2) + 0.1 * x
grid = {"lo": lo, "hi": hi, "n": n, "outputs": flat(d), "cases": []}
for a, b, c in [(-1.0, 1.0, 0.0), (0.0, 1.0, 1.0)]:
    opt = (b * p + a * q) / (p + q)
    grid["cases"].append({
        "a": a, "b": b, "c": c,
        "d_value": (0.5 * h * (p * (d - b) ** 2 + q * (d - a) ** 2).sum()).item(),
        "g_value": (0.5 * h * ((p + q) * (d - c) ** 2).sum()).item(),
        "optimal": flat(opt[::40]),  # D* at every 40th cell
        "d_value_at_optimum": (0.5 * h * (p * (opt - b) ** 2 + q * (opt - a) ** 2).sum()).item(),
        "g_value_at_optimum": (0.5 * h * ((p + q) * (opt - c) ** 2).sum()).item(),
    })
# ½·χ²(p_d + p_g ‖ 2p_g) = ½·∫ (2p_g − (p_d + p_g))² / (p_d + p_g), the paper's form.
grid["half_chi2"] = (0.5 * h * ((2 * q - (p + q)) ** 2 / (p + q)).sum()).item()
out["grid"] = grid

path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "relativistic_ls.json")
with open(path, "w") as fh:
    json.dump(out, fh, indent=1)
    fh.write("\n")
print("wrote", path)

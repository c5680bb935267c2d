"""Expected values for layers.SelfAttention, from PyTorch.

Run once with PyTorch (float64) to regenerate attention.json:

    /usr/bin/python3 layers/testdata/gen_attention.py

The block is written here with torch's Conv2d, bmm and softmax, as in the
reference SAGAN implementation (query = g, key = f, value = h, γ·o + x),
on x (2, 8, 2, 3): C = 8, C̄ = 1, P = 6. γ is set to 0.7 so that the
attention branch shows in the output. Recorded: the parameters, y, the
attention map β (N, P, P) and the gradients of L = Σ y ⊙ w_out with respect
to x and every parameter.
"""
import json
import os

import torch
import torch.nn as nn

torch.set_default_dtype(torch.float64)
torch.manual_seed(1805_08318)


def flat(t):
    return t.detach().reshape(-1).tolist()


class SelfAttention(nn.Module):
    def __init__(self, c):
        super().__init__()
        cbar = max(c // 8, 1)
        self.f = nn.Conv2d(c, cbar, 1)
        self.g = nn.Conv2d(c, cbar, 1)
        self.h = nn.Conv2d(c, c, 1)
        self.gamma = nn.Parameter(torch.zeros(1))

    def forward(self, x):
        n, c, hh, ww = x.shape
        p = hh * ww
        keys = self.f(x).view(n, -1, p)                 # (N, C̄, P)
        queries = self.g(x).view(n, -1, p).permute(0, 2, 1)  # (N, P, C̄)
        values = self.h(x).view(n, c, p)               # (N, C, P)
        energy = torch.bmm(queries, keys)              # (N, P, P): [j, i] = g_j·f_i
        beta = torch.softmax(energy, dim=-1)           # over i
        o = torch.bmm(values, beta.permute(0, 2, 1)).view(n, c, hh, ww)
        return self.gamma * o + x, beta


m = SelfAttention(8)
with torch.no_grad():
    m.gamma.fill_(0.7)
x = torch.randn(2, 8, 2, 3)
xv = x.clone().requires_grad_(True)
y, beta = m(xv)
w_out = torch.randn_like(y)
(y * w_out).sum().backward()
names = [n for n, _ in m.named_parameters()]
out = {
    "x": flat(x), "x_shape": list(x.shape), "w_out": flat(w_out),
    "param_names": names,
    "params": [flat(p) for _, p in m.named_parameters()],
    "y": flat(y), "attention": flat(beta),
    "grad_x": flat(xv.grad),
    "grad_params": [flat(p.grad) for _, p in m.named_parameters()],
}
path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "attention.json")
with open(path, "w") as fh:
    json.dump(out, fh, indent=1)
    fh.write("\n")
print("wrote", path, names)

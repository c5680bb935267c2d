"""Reference values for gan/data's image transforms, from PyTorch in float64.

Run once to regenerate transforms.json:

    /usr/bin/python3 gan/data/testdata/gen_transforms.py

- Resize by area averaging, computed a different way from the Go code: when
  H·u = size·p for whole numbers u and p, area averaging from H to size pixels
  is nearest-neighbour upsampling by u (every pixel becomes u×u equal pixels)
  followed by p×p average pooling. 28 → 16: u = 4, p = 7; 28 → 12: u = 3,
  p = 7; 16 → 28 (enlarging): u = 7, p = 4.
- Gaussian blur: replicate padding by R = ceil(3σ) and one conv2d with the
  outer product of the normalised 1-D kernel.
"""
import json
import math
import os

import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)
torch.manual_seed(1706_08500)


def flat(t):
    return t.detach().reshape(-1).tolist()


def area(x, up, pool):
    return F.avg_pool2d(F.interpolate(x, scale_factor=up, mode="nearest"), pool)


def blur(x, sigma):
    r = math.ceil(3 * sigma)
    d = torch.arange(-r, r + 1, dtype=torch.float64)
    k = torch.exp(-d * d / (2 * sigma * sigma))
    k = k / k.sum()
    kernel = torch.outer(k, k)[None, None]
    n, c, h, w = x.shape
    padded = F.pad(x.reshape(n * c, 1, h, w), (r, r, r, r), mode="replicate")
    return F.conv2d(padded, kernel).reshape(n, c, h, w)


x28 = torch.rand(2, 1, 28, 28) * 2 - 1
x16 = torch.rand(1, 2, 16, 16) * 2 - 1
xb = torch.rand(2, 2, 9, 7) * 2 - 1
out = {
    "x28": flat(x28),
    "x28_to16": flat(area(x28, 4, 7)),
    "x28_to12": flat(area(x28, 3, 7)),
    "x16": flat(x16),
    "x16_to28": flat(area(x16, 7, 4)),
    "xb": flat(xb),
    "xb_blur0.8": flat(blur(xb, 0.8)),
    "xb_blur1.5": flat(blur(xb, 1.5)),
}
path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "transforms.json")
with open(path, "w") as f:
    json.dump(out, f)
print("wrote", path)

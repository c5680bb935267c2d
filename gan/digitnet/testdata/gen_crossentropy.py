"""Reference values for digitnet.CrossEntropy, from PyTorch in float64.

Run once to regenerate crossentropy.json:

    /usr/bin/python3 gan/digitnet/testdata/gen_crossentropy.py

F.cross_entropy (mean reduction) and its gradient in the logits, for logits
with a wide range (one row near 40, where exp overflows nothing only because
of the log-sum-exp shift).
"""
import json
import os

import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)
torch.manual_seed(1606_03498)

logits = torch.randn(5, 4) * 3
logits[2] += 40
labels = torch.tensor([0, 3, 1, 1, 2])
logits.requires_grad_(True)
loss = F.cross_entropy(logits, labels)
(grad,) = torch.autograd.grad(loss, logits)
out = {
    "logits": logits.detach().reshape(-1).tolist(),
    "labels": labels.tolist(),
    "loss": loss.item(),
    "grad": grad.reshape(-1).tolist(),
}
path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "crossentropy.json")
with open(path, "w") as f:
    json.dump(out, f, indent=1)
print("wrote", path)

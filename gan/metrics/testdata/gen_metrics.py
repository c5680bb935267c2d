"""Reference values for gan/metrics, from PyTorch and NumPy in float64.

Run once to regenerate metrics.json:

    /usr/bin/python3 gan/metrics/testdata/gen_metrics.py

- Fréchet distance: the trace term from the eigenvalues of the non-symmetric
  Σ₁Σ₂ (torch.linalg.eigvals), Tr (Σ₁Σ₂)^½ = Σ √λ, independent of the Go
  code's Σ₁^½Σ₂Σ₁^½ route; and from features with torch.cov (N − 1).
- Inception Score: the reference code's loop (splits by i·N//splits, KL to the
  split's mean, exp, mean and np.std).
- Precision and recall: the reference semantics, squared distances with the
  point itself at index 0 of each sorted row, radius = row[k], inside when
  d² ≤ radius².
- FID∞: np.polyfit of FID against 1/N.
- f-GAN bounds: values and gradients with torch (logsigmoid, tanh, exp).
"""
import json
import os

import numpy as np
import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)
torch.manual_seed(1706_08500)
rng = np.random.default_rng(1904_06991)


def flat(t):
    t = t.detach().numpy() if isinstance(t, torch.Tensor) else np.asarray(t)
    return t.reshape(-1).tolist()


def spd(d):
    a = torch.randn(d, d)
    return a @ a.T / d + 0.1 * torch.eye(d)


def frechet(mu1, c1, mu2, c2):
    lam = torch.linalg.eigvals(c1 @ c2)
    trace = torch.sqrt(lam.real.clamp(min=0)).sum()
    return ((mu1 - mu2) ** 2).sum() + torch.trace(c1) + torch.trace(c2) - 2 * trace


out = {}
mu1, mu2 = torch.randn(4), torch.randn(4)
c1, c2 = spd(4), spd(4)
out["frechet"] = {"mu1": flat(mu1), "cov1": flat(c1), "mu2": flat(mu2), "cov2": flat(c2),
                  "value": frechet(mu1, c1, mu2, c2).item()}
x1, x2 = torch.randn(30, 3), torch.randn(25, 3) * 1.3 + 0.4
out["frechet_features"] = {"x1": flat(x1), "x2": flat(x2),
                           "value": frechet(x1.mean(0), torch.cov(x1.T), x2.mean(0), torch.cov(x2.T)).item()}


def inception_score(preds, splits):
    scores = []
    for i in range(splits):
        part = preds[(i * preds.shape[0] // splits):((i + 1) * preds.shape[0] // splits), :]
        kl = part * (np.log(part) - np.log(np.expand_dims(np.mean(part, 0), 0)))
        kl = np.mean(np.sum(kl, 1))
        scores.append(np.exp(kl))
    return np.mean(scores), np.std(scores)


logits = rng.normal(size=(23, 5)) * 2
probs = np.exp(logits) / np.exp(logits).sum(1, keepdims=True)
out["inception"] = {"probs": flat(probs), "cases": []}
for splits in [1, 3, 10]:
    m, s = inception_score(probs, splits)
    out["inception"]["cases"].append({"splits": splits, "mean": m, "std": s})


def radii2(x, k):
    d2 = ((x[:, None, :] - x[None, :, :]) ** 2).sum(-1)
    return np.partition(d2, k, axis=1)[:, k]


def inside(x, centers, r2):
    d2 = ((x[:, None, :] - centers[None, :, :]) ** 2).sum(-1)
    return np.mean(np.any(d2 <= r2[None, :], axis=1))


real = rng.normal(size=(20, 2))
fake = rng.normal(size=(15, 2)) * 0.6 + np.array([1.8, 0.0])
k = 3
out["precision_recall"] = {"real": flat(real), "fake": flat(fake), "k": k,
                           "radii_real": flat(np.sqrt(radii2(real, k))),
                           "precision": inside(fake, real, radii2(real, k)),
                           "recall": inside(real, fake, radii2(fake, k))}

ns = [50, 80, 120, 200, 500]
fids = [3.0 + 40.0 / n + rng.normal() * 0.01 for n in ns]
slope, intercept = np.polyfit(1 / np.array(ns, dtype=float), np.array(fids), 1)
out["fid_infinity"] = {"ns": ns, "fids": fids, "intercept": intercept, "slope": slope}

vp, vq = torch.randn(6, 1), torch.randn(5, 1)
bounds = {
    "kl": lambda p, q: p.mean() - torch.exp(q - 1).mean(),
    "js": lambda p, q: 0.5 * (F.logsigmoid(p).mean() + F.logsigmoid(-q).mean() + np.log(4)),
    "tv": lambda p, q: 0.5 * torch.tanh(p).mean() - 0.5 * torch.tanh(q).mean(),
}
out["bounds"] = {"vp": flat(vp), "vq": flat(vq), "cases": []}
for name, fn in bounds.items():
    p, q = vp.clone().requires_grad_(True), vq.clone().requires_grad_(True)
    v = fn(p, q)
    gp, gq = torch.autograd.grad(v, [p, q])
    out["bounds"]["cases"].append({"name": name, "value": v.item(), "grad_p": flat(gp), "grad_q": flat(gq)})

path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "metrics.json")
with open(path, "w") as fh:
    json.dump(out, fh, indent=1)
    fh.write("\n")
print("wrote", path)

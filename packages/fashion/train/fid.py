"""Frechet distance between two feature sets (Gaussian fits), with numpy only (no scipy on the machine):
tr sqrt(S1 S2) = sum of sqrt(eigenvalues of sqrt(S1) S2 sqrt(S1)), a symmetric PSD matrix, so two
symmetric eigendecompositions replace the general matrix square root."""
import numpy as np


def stats(features):
    f = np.asarray(features, dtype=np.float64)
    return f.mean(0), np.cov(f, rowvar=False)


def sqrt_psd(s):
    w, v = np.linalg.eigh(s)
    return (v * np.sqrt(np.clip(w, 0, None))) @ v.T


def frechet(mu1, s1, mu2, s2):
    r = sqrt_psd(s1)
    m = r @ s2 @ r
    tr_sqrt = float(np.sqrt(np.clip(np.linalg.eigvalsh((m + m.T) / 2), 0, None)).sum())
    return float(((mu1 - mu2) ** 2).sum() + np.trace(s1) + np.trace(s2) - 2 * tr_sqrt)


def fid(a, b):
    return frechet(*stats(a), *stats(b))


def bootstrap_fid(gen, ref_stats, rounds=50, seed=0):
    """FID of resampled (with replacement) generated features against fixed reference stats:
    returns (mean, standard deviation) over rounds, the sampling noise of the generated set."""
    g = np.random.default_rng(seed)
    vals = [frechet(*stats(gen[g.integers(0, len(gen), len(gen))]), *ref_stats) for _ in range(rounds)]
    return float(np.mean(vals)), float(np.std(vals, ddof=1))

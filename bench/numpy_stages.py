#!/usr/bin/python3
"""The five stages of attention in numpy, timed the way `attnlab bench` times them.

Run with Debian's numpy on OpenBLAS (python3-numpy + libopenblas0-pthread) to compare:
    /usr/bin/python3 bench/numpy_stages.py --l 2048 --d 128 --repeat 20
    build/app/attnlab bench --random --lq 2048 --lk 2048 --dk 128 --dv 128 --repeat 20
"""
import argparse
import statistics
import time

import numpy as np


def stages(q, k, v, causal):
    scores = q @ k.T
    scaled = scores * np.float32(1 / np.sqrt(q.shape[1]))
    masked = scaled.copy()
    if causal:
        masked[np.triu_indices(masked.shape[0], 1, masked.shape[1])] = -np.inf
    row_max = masked.max(axis=1, keepdims=True)
    e = np.exp(masked - row_max)
    weights = e / e.sum(axis=1, keepdims=True)
    output = weights @ v
    return scores, scaled, masked, weights, output


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--l", type=int, default=2048)
    parser.add_argument("--d", type=int, default=128)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--causal", action="store_true")
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    q, k, v = (rng.standard_normal((args.l, args.d), dtype=np.float32) for _ in range(3))
    stages(q, k, v, args.causal)  # warm-up
    times = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        stages(q, k, v, args.causal)
        times.append((time.perf_counter() - start) * 1e3)
    print(f"numpy {np.__version__}, L={args.l} d={args.d}: median {statistics.median(times):.2f} ms over {args.repeat} runs")


if __name__ == "__main__":
    main()

"""Latency summaries shared by the eval harness and the benchmarks."""

from __future__ import annotations

from collections.abc import Iterable


def percentile(values: Iterable[float], q: float) -> float:
    """The nearest-rank q-quantile (0 < q <= 1) of a non-empty sample."""
    xs = sorted(values)
    if not xs:
        raise ValueError("percentile of an empty sample")
    return xs[min(len(xs) - 1, int(q * len(xs)))]

"""The load generator's statistics: nearest-rank percentiles, throughput and the tally of non-200 answers."""

from __future__ import annotations

import pytest

from benchmarks.load import Outcome, format_summary, percentile, summarize


@pytest.mark.parametrize(
    ("fraction", "expected"),
    [(0.01, 1.0), (0.5, 50.0), (0.95, 95.0), (0.99, 99.0), (1.0, 100.0)],
)
def test_percentile_is_nearest_rank(fraction: float, expected: float) -> None:
    values = [float(v) for v in range(100, 0, -1)]  # unsorted on purpose
    assert percentile(values, fraction) == expected


def test_percentile_of_few_values_rounds_up() -> None:
    assert percentile([10.0, 30.0, 20.0], 0.5) == 20.0
    assert percentile([10.0, 30.0, 20.0], 0.95) == 30.0
    with pytest.raises(ValueError):
        percentile([], 0.5)


def test_summary_counts_failures_and_keeps_them_out_of_latency() -> None:
    outcomes = [Outcome(float(ms), 200) for ms in range(100, 1100, 100)]  # 10 answers, 100..1000 ms
    outcomes += [Outcome(2.0, 429, "APIG.0308")] * 3
    outcomes += [Outcome(50.0, 400, "AIS.0103"), Outcome(60000.0, None, "ReadTimeout")]
    summary = summarize(outcomes, elapsed_s=5.0)
    assert (summary.requests, summary.ok, summary.requests_per_s) == (15, 10, 3.0)
    assert (summary.p50_ms, summary.p95_ms, summary.p99_ms) == (500.0, 1000.0, 1000.0)
    assert summary.failures == {"429 APIG.0308": 3, "400 AIS.0103": 1, "no answer ReadTimeout": 1}
    assert next(iter(summary.failures)) == "429 APIG.0308"  # most frequent first
    text = format_summary(summary)
    assert "requests per s    3.00" in text and "p95 1000 ms" in text and "     3  429 APIG.0308" in text


def test_summary_without_a_single_200_has_no_percentiles() -> None:
    summary = summarize([Outcome(1.0, 503, None)], elapsed_s=2.0)
    assert summary.ok == 0 and summary.p50_ms is None
    assert summary.failures == {"503 -": 1}
    assert "p50 - ms" in format_summary(summary)
    with pytest.raises(ValueError):
        summarize([], elapsed_s=0.0)

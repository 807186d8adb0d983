"""Defaults shared by the core, the CLI and the server's settings (no heavy imports here)."""

DEFAULT_TOP_K = 8
# Calibrated on STS Benchmark dev (bench/calibrate_min_score.py): keeps 99.7% of related pairs.
DEFAULT_MIN_SCORE = 0.30

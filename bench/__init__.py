"""Benchmark: synthetic data generator (generate.py) and page timings (run.py)."""

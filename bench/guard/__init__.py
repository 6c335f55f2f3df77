"""Benchmark of the privacy guard's detector against Microsoft Presidio: ``python -m bench.guard``."""

"""Benchmarks (not part of the gateway package): see bench/README.md."""

"""Benchmarks and the scale-data generator: not part of `make test` (see `make bench`)."""

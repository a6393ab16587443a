"""Benchmarks: run with `make bench` (needs `wrk`: apt-get install wrk). Not part of `make test`."""

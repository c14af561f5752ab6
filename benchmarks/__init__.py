"""The benchmarks beside the package: `make bench`, `make bench-full`, `make bench-serve`.

They need a checkout (the evaluation sets, `seeds/`, the `bench` extra) and
are not part of the wheel.
"""

"""Benchmarks, run by hand or by CI in a short mode: `./dev bench [name]` (BENCH_SHORT=1 for the short mode).

They print figures; they are not tests and assert nothing.
"""

"""Reproducible benchmarks and the realistic log generator they (and the tests) share."""

"""Benchmarks that run on a real site with `bench --site SITE execute ...`. Not part of the test suite."""

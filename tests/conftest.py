"""Shared test settings: the domain layer is pure Python, so property tests only need a sane profile."""

from hypothesis import HealthCheck, settings

# Dates and Decimals are cheap, but the first example of a test pays import costs; a per-example
# deadline would only make the suite flaky on a slow CI runner.
settings.register_profile(
	"jewel",
	deadline=None,
	max_examples=60,
	suppress_health_check=[HealthCheck.too_slow],
	# the same examples on every run and machine: a property test never passes or fails by chance
	derandomize=True,
	database=None,
)
settings.load_profile("jewel")

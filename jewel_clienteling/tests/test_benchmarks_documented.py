"""Every benchmark the README tells a store to run is there to run: each `bench execute` it names
imports on this bench and names a function (a benchmark that cannot import is only found when someone
needs its figures)."""

import importlib
import os
import re
import unittest

import jewel_clienteling

README = os.path.join(os.path.dirname(os.path.dirname(jewel_clienteling.__file__)), "README.md")
NAMED = re.compile(r"\bjewel_clienteling\.benchmarks\.(\w+)\.(\w+)")


class TestDocumentedBenchmarks(unittest.TestCase):
	def test_each_benchmark_the_readme_names_imports_and_can_be_called(self):
		with open(README, encoding="utf-8") as readme:
			named = sorted(set(NAMED.findall(readme.read())))
		self.assertGreaterEqual(len(named), 10, named)
		for module, function in named:
			with self.subTest(f"{module}.{function}"):
				loaded = importlib.import_module(f"jewel_clienteling.benchmarks.{module}")
				self.assertTrue(callable(getattr(loaded, function, None)), f"{module} has no {function}")

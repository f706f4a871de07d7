"""A planner worker that dies abruptly after its first committed page, like a worker killed by the
OOM killer or a deploy: used by the integration test that reruns the planner after a crash."""

import os

from frappe.utils import getdate

from jewel_clienteling.services import planner, planner_queries


def plan_and_die(day: str, page_size: int = 5) -> None:
	planner_queries.PAGE = page_size

	def die(_queue):
		os._exit(9)

	planner.plan_days(getdate(day), getdate(day), getdate(day), after_page=die)

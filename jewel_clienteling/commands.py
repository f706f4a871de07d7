"""bench commands of this app: `bench --site SITE jewel-demo load|remove`."""

import click
import frappe
from frappe.commands import get_site, pass_context


@click.group("jewel-demo")
def jewel_demo():
	"""A realistic jewellery store to show the app with: load it, or take it out again."""


@jewel_demo.command("load")
@click.option("--customers", default=120, show_default=True, help="How many customers")
@click.option("--seed", default=7, show_default=True, help="The same seed loads the same store")
@click.option("--months", default=24, show_default=True, help="How far back the sales go")
@click.option("--prefix", default="DEMO", show_default=True, help="What the demo's record names start with")
@click.option("--no-loyalty", is_flag=True, help="Leave the points programme as it is")
@pass_context
def load(context, customers, seed, months, prefix, no_loyalty):
	"""Load the demo (or what of it is missing): customers, catalogue, two years of sales, occasions,
	repairs, points, then profiles and today's outreach."""
	from jewel_clienteling import demo

	_run(
		context,
		demo.load,
		customers=customers,
		seed=seed,
		months=months,
		prefix=prefix,
		loyalty_points=not no_loyalty,
	)


@jewel_demo.command("remove")
@click.option("--prefix", default="DEMO", show_default=True, help="The prefix the demo was loaded with")
@pass_context
def remove(context, prefix):
	"""Delete the demo's records and nothing else."""
	from jewel_clienteling import demo

	_run(context, demo.remove, prefix=prefix)


def _run(context, action, **kwargs):
	site = get_site(context)
	frappe.init(site=site)
	frappe.connect()
	try:
		frappe.set_user("Administrator")
		action(echo=click.echo, **kwargs)
	finally:
		frappe.destroy()


commands = [jewel_demo]

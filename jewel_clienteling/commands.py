"""bench commands of this app: `bench --site SITE jewel-demo load|remove` and
`bench --site SITE jewel-learn-history`."""

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


@click.command("jewel-learn-history")
@click.option(
	"--restart", is_flag=True, help="Start again from the first customer, even after an unfinished run"
)
@click.option("--page-size", default=500, show_default=True, help="Customers learnt and committed together")
@click.option(
	"--max-pages", type=int, default=0, help="Stop after this many pages; the next run goes on from there"
)
@click.option("--background", is_flag=True, help="Queue it on the long queue instead of running it here")
@pass_context
def learn_history(context, restart, page_size, max_pages, background):
	"""Learn every customer's profile from all her past sales (as after install), in pages, resuming
	an unfinished run where it stopped."""
	from jewel_clienteling.services import history

	def action(echo, **kwargs):
		if background:
			state = history.start(restart=restart, page_size=page_size)
			# the job is queued once this commits
			frappe.db.commit()  # nosemgrep: frappe-semgrep-rules.rules.frappe-manual-commit
			echo("A run is going on already." if state["already_running"] else "Queued on the long queue.")
			return
		summary = history.run(restart=restart, page_size=page_size, max_pages=max_pages or None, echo=echo)
		if summary.get("already_running"):
			echo("A run is going on already (another process holds its lock); nothing done.")
		else:
			echo(
				f"{summary['status']}: {summary['learnt']} customers in {summary['pages']} pages,"
				f" {summary['changed']} profiles changed, {summary['failed']} not learnt (see Error Log)"
			)

	_run(context, action)


def _run(context, action, **kwargs):
	site = get_site(context)
	frappe.init(site=site)
	frappe.connect()
	try:
		frappe.set_user("Administrator")
		action(echo=click.echo, **kwargs)
	finally:
		frappe.destroy()


commands = [jewel_demo, learn_history]

"""A realistic demo store: `load(customers=..., seed=...)` and `remove(prefix=...)`; from the shell,
`bench --site SITE jewel-demo load` and `bench --site SITE jewel-demo remove`.

The plan (demo/plan.py, demo/catalogue.py, demo/people.py) is pure Python; only the loader needs
Frappe, so it is imported when called."""


def load(**kwargs) -> dict:
	from jewel_clienteling.demo.loader import load as load_demo

	return load_demo(**kwargs)


def remove(**kwargs) -> dict:
	from jewel_clienteling.demo.removal import remove as remove_demo

	return remove_demo(**kwargs)

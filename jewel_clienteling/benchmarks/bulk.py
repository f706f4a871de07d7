"""What the benchmarks that make large populations share: multi-row INSERTs, chunked deletes, fresh
index statistics, and EXPLAIN of a frappe.qb query."""

import frappe
from frappe.query_builder import DocType
from frappe.query_builder.terms import NamedParameterWrapper

INSERT_CHUNK = 10_000  # rows a statement
DELETE_CHUNK = 20_000  # rows a transaction


def insert(table: str, fields: tuple[str, ...], rows: list[tuple]) -> None:
	"""A multi-row INSERT, 10 000 rows a statement, values as parameters. Three times faster than
	frappe.db.bulk_insert, whose query builder spends most of the time building the statement."""
	columns = ", ".join(f"`{field}`" for field in fields)
	one_row = "(" + ", ".join(["%s"] * len(fields)) + ")"
	for start in range(0, len(rows), INSERT_CHUNK):
		chunk = rows[start : start + INSERT_CHUNK]
		placeholders = ", ".join([one_row] * len(chunk))
		# table and column names are the caller's constants; every value goes as a parameter
		query = f"INSERT INTO `{table}` ({columns}) VALUES {placeholders}"  # noqa: S608
		# one INSERT of many rows: frappe.db.bulk_insert spends far longer building it
		# nosemgrep: frappe-semgrep-rules.rules.frappe-using-db-sql
		frappe.db.sql(query, [value for row in chunk for value in row])


def analyze(*tables: str) -> None:
	"""Fresh index statistics after a bulk load, as a nightly ANALYZE would leave them."""
	for table in tables or ("tabCustomer", "tabOccasion", "tabClient Outreach"):
		# ANALYZE TABLE, which frappe.qb cannot write; the table names are constants
		frappe.db.sql(f"ANALYZE TABLE `{table}`")  # nosemgrep: frappe-semgrep-rules.rules.frappe-using-db-sql


def delete_chunks(doctype: str, condition_of) -> int:
	"""Delete rows matching `condition_of(table)` a chunk at a time, committing each."""
	table = DocType(doctype)
	deleted = 0
	while True:
		names = [
			row[0]
			for row in frappe.qb.from_(table)
			.select(table.name)
			.where(condition_of(table))
			.limit(DELETE_CHUNK)
			.run()
		]
		if not names:
			return deleted
		frappe.qb.from_(table).delete().where(table.name.isin(names)).run()
		# a bulk delete of millions of rows, committed chunk by chunk
		frappe.db.commit()  # nosemgrep: frappe-semgrep-rules.rules.frappe-manual-commit
		deleted += len(names)


def explain(query) -> list[dict]:
	params = NamedParameterWrapper()
	sql = query.get_sql(param_wrapper=params)
	# EXPLAIN of a frappe.qb query, which frappe.qb cannot write
	# nosemgrep: frappe-semgrep-rules.rules.frappe-using-db-sql
	return frappe.db.sql("EXPLAIN " + sql, params.get_parameters(), as_dict=True)

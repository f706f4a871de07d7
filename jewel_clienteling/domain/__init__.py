"""Pure business rules of jewel_clienteling.

Nothing in this package imports frappe: every rule takes and returns plain values (dates, Decimals,
dataclasses) so it can be tested in milliseconds on any machine. The Frappe layer (services/) reads
facts from the database, calls these rules, and writes what they decide.
"""

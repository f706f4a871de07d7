"""The demo's message history: a year of greetings, check-ins and words after a silence to the
customers who consented, each with how it ended and, for some, the sale it brought. Pure Python, from
the same seeded plan."""

import random
from datetime import date, timedelta

from jewel_clienteling.demo import catalogue
from jewel_clienteling.demo.plan_records import Customer, Message, Occasion, Plan, Sale
from jewel_clienteling.domain import outreach as outreach_rules

# the messages she was sent over the past year, so the workspace's funnel and attributed revenue have a
# history; none in the last five weeks, which today's planner decides under its frequency cap
HISTORY_DAYS = 365
QUIET_DAYS = 35
# what reached her, by channel: (delivered, read when delivered, replied when read); only WhatsApp
# reports reading and replies
OUTCOMES = {"WhatsApp": (0.96, 0.8, 0.3), "SMS": (0.92, 0.0, 0.0), "Email": (0.97, 0.0, 0.0)}
# of the sales of the past year that no message came before, the share an associate's message brought
BROUGHT_BY_A_MESSAGE = 0.35


def channel_of(customer: Customer) -> str | None:
	"""Where she agreed to hear from us, WhatsApp first; None when nowhere."""
	if customer.do_not_contact:
		return None
	if customer.whatsapp:
		return "WhatsApp"
	if customer.sms:
		return "SMS"
	return "Email" if customer.email_opt_in else None


def history(plan: Plan, seed: int, today: date, window: int) -> list[Message]:
	"""A year of messages to the customers who consented: a greeting a week before each of her
	occasions, a check-in two weeks after each purchase, a word after six months of silence, and before
	some of her purchases the message that brought her in. Never two within the frequency cap."""
	first = today - timedelta(days=min(HISTORY_DAYS, window))
	last = today - timedelta(days=QUIET_DAYS)
	occasions: dict[str, list[Occasion]] = {}
	for occasion in plan.occasions:
		occasions.setdefault(occasion.customer, []).append(occasion)
	sales: dict[str, list[Sale]] = {}
	for sale in plan.sales:
		sales.setdefault(sale.customer, []).append(sale)
	messages = []
	for customer in plan.customers:
		channel = channel_of(customer)
		if not channel:
			continue
		rng = random.Random(f"{seed}:{customer.index}:messages")  # noqa: S311 - demo data
		hers = sorted(sales.get(customer.key, []), key=lambda sale: sale.posting_date)
		wanted = _greetings(occasions.get(customer.key, []), first, last)
		wanted += _after_sales(rng, hers, first, last)
		kept: list[tuple[date, str, str]] = []
		for day, reason, about in sorted(wanted, key=lambda touch: (touch[0], touch[1])):
			if first <= day <= last and all(
				abs((day - other).days) >= outreach_rules.DEFAULT_CAP_DAYS for other, _r, _a in kept
			):
				kept.append((day, reason, about))
		for number, (day, reason, about) in enumerate(kept, start=1):
			delivered_share, read_share, replied_share = OUTCOMES[channel]
			delivered = rng.random() < delivered_share
			read = delivered and rng.random() < read_share
			messages.append(
				Message(
					key=f"{customer.key}-M{number:02d}",
					customer=customer.key,
					reason=reason,
					channel=channel,
					sent_on=day,
					delivered=delivered,
					read=read,
					replied=read and rng.random() < replied_share,
					about=about,
				)
			)
	return messages


def _greetings(occasions: list[Occasion], first: date, last: date) -> list[tuple[date, str, str]]:
	touches = []
	for occasion in occasions:
		for year in range(first.year, last.year + 2):
			try:
				day = date(year, occasion.month, occasion.day)
			except ValueError:
				day = date(year, 2, 28)  # 29 February in a common year
			touches.append((day - timedelta(days=7), outreach_rules.OCCASION, occasion.occasion_type))
	return touches


def _after_sales(
	rng: random.Random, sales: list[Sale], first: date, last: date
) -> list[tuple[date, str, str]]:
	touches = []
	for number, sale in enumerate(sales):
		piece = catalogue.BY_CODE[sale.lines[0].item].name
		touches.append((sale.posting_date + timedelta(days=14), outreach_rules.POST_PURCHASE, piece))
		following = sales[number + 1].posting_date if number + 1 < len(sales) else None
		if not following or (following - sale.posting_date).days > 190:
			touches.append((sale.posting_date + timedelta(days=180), outreach_rules.LAPSED, piece))
		if sale.posting_date >= first and rng.random() < BROUGHT_BY_A_MESSAGE:
			earlier = sales[number - 1].posting_date if number else None
			reason = (
				outreach_rules.OCCASION
				if sale.purchase_occasion and sale.purchase_occasion != "Festival"
				else outreach_rules.LAPSED
				if earlier and (sale.posting_date - earlier).days > 180
				else outreach_rules.POST_PURCHASE
			)
			about = sale.purchase_occasion or piece
			touches.append((sale.posting_date - timedelta(days=rng.randint(3, 12)), reason, about))
	return touches


def message_text(customer: Customer, message: Message) -> str:
	"""What the associate wrote, in the words of the demo's store."""
	if message.reason == outreach_rules.OCCASION:
		return (
			f"Dear {customer.first_name}, warm wishes for the {message.about.lower()} coming up! "
			"Shall I keep a few pieces aside for you to see?"
		)
	if message.reason == outreach_rules.LAPSED:
		return (
			f"Dear {customer.first_name}, it has been a while! New designs have come in that I think "
			"you will love. When may we welcome you?"
		)
	return (
		f"Dear {customer.first_name}, how are you enjoying your {message.about}? Bring it in any "
		"time for a free cleaning."
	)

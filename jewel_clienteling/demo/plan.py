"""The whole demo as plain values, decided by a seeded random generator before anything is written.

Pure Python (no frappe): the same seed and day give the same store. Each customer draws from a
generator of her own (seed and number), so a bigger demo keeps the smaller one's customers as they
were and only adds more."""

import random
from datetime import date, timedelta

import phonenumbers

from jewel_clienteling.demo import catalogue, people
from jewel_clienteling.demo.plan_messages import history
from jewel_clienteling.demo.plan_records import (
	Customer,
	Line,
	Note,
	Occasion,
	Plan,
	Preference,
	Repair,
	Sale,
)

# how busy each month is for a North Indian jeweller: Dhanteras and Diwali, the wedding season
# (November to February), Akshaya Tritiya (April-May), Karwa Chauth and Raksha Bandhan
MONTH_WEIGHT = {
	1: 1.4,
	2: 1.4,
	3: 0.8,
	4: 1.2,
	5: 1.2,
	6: 0.5,
	7: 0.5,
	8: 0.9,
	9: 0.7,
	10: 2.4,
	11: 2.6,
	12: 1.4,
}

# kind of customer: (weight, visits (low, high), days ago of her last visit (low, high))
ARCHETYPES = {
	"loyal": (12, (5, 9), (5, 60)),
	"repeat": (25, (2, 4), (10, 120)),
	"one-time": (18, (1, 1), (30, 720)),
	"new": (13, (1, 2), (0, 80)),
	"at risk": (9, (2, 3), (125, 175)),
	"lapsed": (15, (1, 3), (190, 620)),
	"prospect": (8, (0, 0), (0, 0)),
}
# sales on these days ago put a reason to call her in today's queue: review request, the wedding
# date to ask after an engagement sale, check-in, care tip, new arrivals, points lapsing in 30 days,
# purchase anniversary
HOOKS = (3, 2, 14, 90, 180, 335, 365)
ENGAGEMENT_HOOK = 2
# occasions this many days from today: reminders fall due today at 0, 7 and 42 days ahead
SOON = (0, 7, 3, 12, 18, 25, 29, 42, 5, 21)
REPAIR_STEPS = (
	"Received",
	"At Workshop",
	"Ready",
	"Delivered",
	"Estimated",
	"Ready",
	"Approved",
	"Delivered",
)
MOBILE_PREFIXES = (
	"98",
	"99",
	"97",
	"96",
	"95",
	"93",
	"91",
	"90",
	"88",
	"87",
	"85",
	"81",
	"80",
	"79",
	"78",
	"70",
)


def make_plan(customers: int, seed: int, today: date, months: int = 24, prefix: str = "DEMO") -> Plan:
	window = max(int(months * 365 / 12), 30)
	plan = Plan()
	hooks = [days for days in HOOKS if days < window]
	for index in range(customers):
		rng = random.Random(f"{seed}:{index}")  # noqa: S311 - demo data, not a secret
		customer = _customer(rng, index, prefix, plan.customers)
		plan.customers.append(customer)
		_occasions(rng, customer, today, plan)
		_preferences_and_notes(rng, customer, today, plan)
		plan.sales.extend(_sales(rng, customer, today, window, hooks))
	_lapse_one(plan, today, window)
	plan.sales.sort(key=lambda sale: (sale.posting_date, sale.key))
	plan.repairs = _repairs(plan, seed, prefix)
	plan.messages = history(plan, seed, today, window)
	return plan


def mobile_number(rng: random.Random, taken: set[str]) -> str:
	"""A valid Indian mobile number (+91 and ten digits) nobody else in the demo has."""
	while True:
		digits = rng.choice(MOBILE_PREFIXES) + "".join(rng.choice("0123456789") for _ in range(8))
		number = phonenumbers.parse(f"+91{digits}")
		if digits not in taken and phonenumbers.is_valid_number(number):
			taken.add(digits)
			return f"+91 {digits[:5]} {digits[5:]}"


def _customer(rng: random.Random, index: int, prefix: str, earlier: list[Customer]) -> Customer:
	gender = "Female" if rng.random() < 0.75 else "Male"
	first = rng.choice(people.WOMEN if gender == "Female" else people.MEN)
	last = rng.choice(people.SURNAMES)
	archetype = rng.choices(list(ARCHETYPES), weights=[a[0] for a in ARCHETYPES.values()])[0]
	taste = rng.choices(list(catalogue.TASTES), weights=(5, 4, 2, 1))[0]
	whatsapp = rng.random() < 0.65
	customer = Customer(
		key=f"{prefix}-CUST-{index + 1:04d}",
		index=index,
		first_name=first,
		last_name=last,
		gender=gender,
		mobile=mobile_number(rng, {c.mobile.replace(" ", "")[3:] for c in earlier}),
		email=f"{first}.{last}.{index + 1}@example.com".lower(),
		store=rng.randrange(len(people.STORES)),
		associate=rng.randrange(len(people.ASSOCIATES)) if rng.random() < 0.9 else None,
		archetype=archetype,
		taste=taste,
		whatsapp=whatsapp,
		sms=not whatsapp and rng.random() < 0.4,
		email_opt_in=rng.random() < 0.25,
		do_not_contact=rng.random() < 0.03,
		ring_size=rng.choice(catalogue.RING_SIZES),
		bangle_size=rng.choice(catalogue.BANGLE_SIZES),
		chain_length=rng.choice(catalogue.CHAIN_LENGTHS),
	)
	if earlier and index >= 3 and rng.random() < 0.12:
		customer.referred_by = rng.choice(earlier).key
	if rng.random() < 0.6:
		spouse_names = people.MEN if gender == "Female" else people.WOMEN
		customer.spouse = f"{rng.choice(spouse_names)} {last}"
		customer.married_on = date(rng.randint(1988, 2022), rng.randint(1, 12), rng.randint(1, 28))
		if rng.random() < 0.4:
			customer.child = rng.choice(people.CHILDREN)
	return customer


def _occasions(rng: random.Random, customer: Customer, today: date, plan: Plan) -> None:
	soon = today + timedelta(days=SOON[customer.index % len(SOON)])
	soon_is_birthday = not customer.spouse or rng.random() < 0.5
	if customer.index < 3 or rng.random() < 0.12:
		occasion_soon = soon
	else:
		occasion_soon = None
	if customer.index == 4:
		birthday = date(1992, 2, 29)  # a leap-day birthday: remembered on 28 February in other years
	elif occasion_soon and soon_is_birthday:
		birthday = occasion_soon
	else:
		birthday = date(2001, rng.randint(1, 12), rng.randint(1, 28))
	if customer.index == 4 or (occasion_soon and soon_is_birthday) or rng.random() < 0.8:
		year = (
			birthday.year
			if birthday.year == 1992
			else (rng.randint(1960, 2000) if rng.random() < 0.5 else None)
		)
		plan.occasions.append(
			Occasion(
				customer.key, "Birthday", customer.first_name, "Self", birthday.day, birthday.month, year
			)
		)
	if customer.spouse and customer.married_on:
		married = customer.married_on
		if occasion_soon and not soon_is_birthday:
			married = occasion_soon.replace(year=min(customer.married_on.year, today.year - 1))
			customer.married_on = married
		plan.occasions.append(
			Occasion(
				customer.key,
				"Anniversary",
				customer.spouse,
				"Spouse",
				married.day,
				married.month,
				married.year,
			)
		)
		if rng.random() < 0.4:
			plan.occasions.append(
				Occasion(
					customer.key,
					"Birthday",
					customer.spouse,
					"Spouse",
					rng.randint(1, 28),
					rng.randint(1, 12),
				)
			)
	if customer.child:
		relation = rng.choice(("Daughter", "Son"))
		plan.occasions.append(
			Occasion(
				customer.key,
				"Child's Birthday",
				customer.child,
				relation,
				rng.randint(1, 28),
				rng.randint(1, 12),
				rng.randint(2008, 2020),
			)
		)


def _preferences_and_notes(rng: random.Random, customer: Customer, today: date, plan: Plan) -> None:
	if rng.random() < 0.4:
		plan.preferences.append(
			Preference(customer.key, "Ring Size", customer.ring_size, rng.choice(people.FINGERS))
		)
		plan.preferences.append(Preference(customer.key, "Style", rng.choice(people.STYLES)))
	if rng.random() < 0.15:
		plan.preferences.append(Preference(customer.key, "Bangle Size", customer.bangle_size))
	if rng.random() < 0.35:
		plan.notes.append(Note(customer.key, rng.choice(people.NOTES)))
	if rng.random() < 0.1:
		event_type, relation, text = rng.choice(people.LIFE_EVENTS)
		plan.notes.append(
			Note(
				customer.key,
				text,
				note_type="Life Event",
				event_type=event_type,
				relation=relation,
				event_date=today + timedelta(days=rng.randint(40, 240)),
			)
		)


def seasonal_day(rng: random.Random, today: date, newest: int, oldest: int) -> date:
	"""A day between `newest` and `oldest` days ago, busier months more likely."""
	days = [today - timedelta(days=back) for back in range(max(newest, 0), max(oldest, newest) + 1)]
	return rng.choices(days, weights=[MONTH_WEIGHT[day.month] for day in days])[0]


def _sales(rng: random.Random, customer: Customer, today: date, window: int, hooks: list[int]) -> list[Sale]:
	_weight, (few, many), (newest, oldest) = ARCHETYPES[customer.archetype]
	visits = rng.randint(few, many)
	if not visits:
		return []
	newest, oldest = min(newest, window - 1), min(oldest, window - 1)
	last = seasonal_day(rng, today, newest, oldest)
	back = (today - last).days
	days = [last] + [
		seasonal_day(rng, today, back + 1, window - 1) for _ in range(visits - 1) if back + 1 < window
	]
	hook = _hook_for(customer, hooks)
	if hook is not None:
		days.append(today - timedelta(days=hook))
	days = sorted(set(days))
	sales = []
	for number, day in enumerate(days, start=1):
		sale = Sale(f"{customer.key}-S{number:02d}", customer.key, day, _lines(rng, customer))
		if hook == ENGAGEMENT_HOOK and day == today - timedelta(days=hook):
			sale.purchase_occasion, sale.recipient_relation = "Engagement", "Son"
			sale.recipient_name = f"{rng.choice(people.MEN)} {customer.last_name}"
			sale.occasion_date = day
			sale.lines = [_line(rng, customer, catalogue.BY_CODE["RING-GLD-18K-DIA"], for_self=False)]
		elif rng.random() < 0.3:
			_capture(rng, customer, sale)
		sale.redeem = customer.archetype == "loyal" and number >= 3 and rng.random() < 0.35
		sales.append(sale)
	return sales


def _hook_for(customer: Customer, hooks: list[int]) -> int | None:
	"""Which of the hook days this customer's extra sale falls on: the first customers who buy often
	enough take one each, in order."""
	if customer.archetype not in ("loyal", "repeat"):
		return None
	position = customer.index % 9
	return hooks[position] if position < len(hooks) else None


def _lines(rng: random.Random, customer: Customer) -> list[Line]:
	count = rng.choices((1, 2, 3), weights=(70, 25, 5))[0]
	return [_line(rng, customer, _piece(rng, customer.taste)) for _ in range(count)]


def _piece(rng: random.Random, taste: str) -> catalogue.Piece:
	templates = catalogue.TASTES[taste]
	template = rng.choices(list(templates), weights=list(templates.values()))[0]
	pieces = [piece for piece in catalogue.PIECES if piece.template == template]
	leaning = catalogue.LEANINGS[taste]
	weights = [leaning.get(piece.metal, 1) * leaning.get(piece.stone, 1) for piece in pieces]
	return rng.choices(pieces, weights=weights)[0]


def _line(rng: random.Random, customer: Customer, piece: catalogue.Piece, for_self: bool = True) -> Line:
	rate = round(rng.uniform(piece.low, piece.high), -2)
	making = round(rate * rng.uniform(*piece.making), -1)
	size = None
	if for_self and piece.size_kind:
		size = {"ring": customer.ring_size, "bangle": customer.bangle_size, "chain": customer.chain_length}[
			piece.size_kind
		]
	return Line(piece.code, int(rate), int(making), size)


def _capture(rng: random.Random, customer: Customer, sale: Sale) -> None:
	"""What the associate asked at the counter: whom it is for and the day it celebrates."""
	day = sale.posting_date
	if customer.spouse and customer.married_on and rng.random() < 0.5:
		sale.purchase_occasion, sale.recipient_relation = "Anniversary gift", "Spouse"
		sale.recipient_name = customer.spouse
		sale.occasion_date = customer.married_on
	elif rng.random() < 0.5:
		relation = rng.choice(("Mother", "Sister", "Daughter"))
		sale.purchase_occasion, sale.recipient_relation = "Birthday gift", relation
		sale.recipient_name = f"{rng.choice(people.WOMEN)} {customer.last_name}"
		sale.occasion_date = day + timedelta(days=rng.randint(1, 20))
	elif customer.taste == "bridal":
		sale.purchase_occasion, sale.recipient_relation = "Wedding", "Daughter"
		sale.recipient_name = f"{rng.choice(people.WOMEN)} {customer.last_name}"
		sale.occasion_date = day + timedelta(days=rng.randint(10, 60))
	else:
		sale.purchase_occasion = "Festival"
	if sale.purchase_occasion != "Festival":
		for line in sale.lines:
			line.size = None  # a gift's size is not hers


def _lapse_one(plan: Plan, today: date, window: int) -> None:
	"""The first lapsed customer's last visit is exactly 180 days ago: she lapses today."""
	if window <= 180:
		return
	for customer in plan.customers:
		if customer.archetype == "lapsed":
			sales = [sale for sale in plan.sales if sale.customer == customer.key]
			if sales:
				sales[-1].posting_date = today - timedelta(days=180)
				for sale in sales[:-1]:
					if sale.posting_date >= sales[-1].posting_date:
						sale.posting_date = sales[-1].posting_date - timedelta(days=30)
			return


def _repairs(plan: Plan, seed: int, prefix: str) -> list[Repair]:
	"""Pieces at the repair desk in every state, from walk-ins who never bought and from buyers."""
	rng = random.Random(f"{seed}:repairs")  # noqa: S311 - demo data, not a secret
	count = max(4, len(plan.customers) // 8)
	prospects = [c for c in plan.customers if c.archetype == "prospect"]
	others = [c for c in plan.customers if c.archetype != "prospect"]
	pool = prospects + others
	owners = [pool[number % len(pool)] for number in range(count)] if pool else []
	repairs = []
	for number, owner in enumerate(owners, start=1):
		piece, services, weight, estimate = people.REPAIRS[(number - 1) % len(people.REPAIRS)]
		status = REPAIR_STEPS[(number - 1) % len(REPAIR_STEPS)]
		received = {
			"Received": 0,
			"Estimated": 1,
			"Approved": 3,
			"At Workshop": 6,
			"Ready": 14,
			"Delivered": 20,
		}
		repairs.append(
			Repair(
				key=f"{prefix}-REP-{number:03d}",
				customer=owner.key,
				piece=piece,
				services=services,
				weight=weight,
				estimate=estimate,
				status=status,
				received_days_ago=received[status] + rng.randint(0, 2),
			)
		)
	return repairs

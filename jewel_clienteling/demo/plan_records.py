"""The demo store's records as plain values: what demo/plan.py decides and demo/loader.py writes."""

from dataclasses import dataclass, field
from datetime import date


@dataclass
class Customer:
	key: str
	index: int
	first_name: str
	last_name: str
	gender: str
	mobile: str
	email: str
	store: int
	associate: int | None
	archetype: str
	taste: str
	whatsapp: bool
	sms: bool
	email_opt_in: bool
	do_not_contact: bool
	referred_by: str | None = None
	spouse: str | None = None
	married_on: date | None = None
	child: str | None = None
	ring_size: str = "14"
	bangle_size: str = "2.6"
	chain_length: str = "18 in"

	@property
	def name(self) -> str:
		return f"{self.first_name} {self.last_name}"


@dataclass
class Occasion:
	customer: str
	occasion_type: str
	person_name: str
	relation: str
	day: int
	month: int
	year: int | None = None


@dataclass
class Preference:
	customer: str
	dimension: str
	value: str
	qualifier: str = ""


@dataclass
class Note:
	customer: str
	note: str
	note_type: str = "Note"
	event_type: str | None = None
	relation: str | None = None
	event_date: date | None = None


@dataclass
class Line:
	item: str  # catalogue code, without the prefix
	rate: int
	making_charge: int
	size: str | None = None


@dataclass
class Sale:
	key: str
	customer: str
	posting_date: date
	lines: list[Line]
	purchase_occasion: str | None = None
	recipient_name: str | None = None
	recipient_relation: str | None = None
	occasion_date: date | None = None
	redeem: bool = False


@dataclass
class Repair:
	key: str
	customer: str
	piece: str
	services: tuple[str, ...]
	weight: float
	estimate: int
	status: str
	received_days_ago: int


@dataclass
class Message:
	"""An outreach that went out in the past, and how far it got."""

	key: str
	customer: str
	reason: str
	channel: str
	sent_on: date
	delivered: bool
	read: bool
	replied: bool
	about: str = ""  # the occasion or the piece it spoke of


@dataclass
class Plan:
	customers: list[Customer] = field(default_factory=list)
	occasions: list[Occasion] = field(default_factory=list)
	preferences: list[Preference] = field(default_factory=list)
	notes: list[Note] = field(default_factory=list)
	sales: list[Sale] = field(default_factory=list)
	repairs: list[Repair] = field(default_factory=list)
	messages: list[Message] = field(default_factory=list)

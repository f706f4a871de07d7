"""The demo store's catalogue, as plain data: what a North Indian jeweller keeps in the showcase.

Each piece is a variant of a template (one per category) with the Metal, Purity and Stone variant
attributes, which is how the app's default Preference Sources read a sale (category from the item
group, the rest from the attributes). Prices are in the company's currency, read as rupees."""

from dataclasses import dataclass

# attribute: [(value, abbreviation)] - the abbreviations make the variant codes
ATTRIBUTES = {
	"Metal": [("Gold", "GLD"), ("Platinum", "PLT"), ("Rose Gold", "RGD"), ("Silver", "SLV")],
	"Purity": [("24K", "24K"), ("22K", "22K"), ("18K", "18K"), ("PT950", "950"), ("925", "925")],
	"Stone": [
		("Plain", "PLN"),
		("Polki", "PLK"),
		("Diamond", "DIA"),
		("Kundan", "KDN"),
		("Ruby", "RBY"),
		("Emerald", "EMR"),
		("Pearl", "PRL"),
	],
}

# template code suffix: (item group, what a size means for it)
TEMPLATES = {
	"RING": ("Rings", "ring"),
	"BANGLE": ("Bangles", "bangle"),
	"NECKLACE": ("Necklaces", "chain"),
	"POLKI": ("Polki Sets", None),
	"MANGALSUTRA": ("Mangalsutra", "chain"),
	"EARRING": ("Earrings", None),
	"CHAIN": ("Chains", "chain"),
	"PENDANT": ("Pendants", None),
	"COIN": ("Gold Coins", None),
}

RING_SIZES = tuple(str(size) for size in range(8, 21))
BANGLE_SIZES = ("2.2", "2.4", "2.6", "2.8", "2.10")
CHAIN_LENGTHS = ("16 in", "18 in", "20 in", "22 in", "24 in")


@dataclass(frozen=True)
class Piece:
	template: str
	metal: str
	purity: str
	stone: str
	name: str
	low: int
	high: int
	making: tuple[float, float]  # share of the amount that is making charge

	@property
	def code(self) -> str:
		abbr = {value: short for values in ATTRIBUTES.values() for value, short in values}
		return f"{self.template}-{abbr[self.metal]}-{abbr[self.purity]}-{abbr[self.stone]}"

	@property
	def group(self) -> str:
		return TEMPLATES[self.template][0]

	@property
	def size_kind(self) -> str | None:
		return TEMPLATES[self.template][1]


PLAIN_GOLD = (0.08, 0.14)
STUDDED = (0.15, 0.22)
HANDCRAFTED = (0.18, 0.28)

PIECES = (
	Piece("RING", "Gold", "22K", "Plain", "22K Gold Band", 28000, 48000, PLAIN_GOLD),
	Piece("RING", "Gold", "22K", "Polki", "22K Polki Cocktail Ring", 45000, 95000, HANDCRAFTED),
	Piece("RING", "Gold", "18K", "Diamond", "18K Diamond Solitaire Ring", 65000, 260000, STUDDED),
	Piece("RING", "Platinum", "PT950", "Diamond", "Platinum Diamond Ring", 90000, 210000, STUDDED),
	Piece("RING", "Platinum", "PT950", "Plain", "Platinum Couple Band", 55000, 98000, PLAIN_GOLD),
	Piece("RING", "Rose Gold", "18K", "Diamond", "Rose Gold Diamond Ring", 38000, 90000, STUDDED),
	Piece("RING", "Gold", "22K", "Ruby", "22K Ruby Navratna Ring", 32000, 70000, STUDDED),
	Piece("BANGLE", "Gold", "22K", "Plain", "22K Gold Bangles (pair)", 120000, 280000, PLAIN_GOLD),
	Piece("BANGLE", "Gold", "22K", "Kundan", "Kundan Kada (pair)", 150000, 350000, HANDCRAFTED),
	Piece("BANGLE", "Gold", "18K", "Diamond", "Diamond Bangle", 150000, 420000, STUDDED),
	Piece("BANGLE", "Silver", "925", "Plain", "Silver Kada", 4000, 12000, PLAIN_GOLD),
	Piece("NECKLACE", "Gold", "22K", "Plain", "Temple Necklace", 200000, 450000, HANDCRAFTED),
	Piece("NECKLACE", "Gold", "22K", "Ruby", "Ruby Choker", 250000, 500000, HANDCRAFTED),
	Piece("NECKLACE", "Gold", "18K", "Diamond", "Diamond Necklace", 300000, 900000, STUDDED),
	Piece("NECKLACE", "Gold", "22K", "Pearl", "Pearl Rani Haar", 100000, 250000, HANDCRAFTED),
	Piece("POLKI", "Gold", "22K", "Polki", "Polki Bridal Set", 400000, 1200000, HANDCRAFTED),
	Piece("POLKI", "Gold", "22K", "Emerald", "Polki Emerald Set", 300000, 800000, HANDCRAFTED),
	Piece("POLKI", "Gold", "22K", "Kundan", "Kundan Jadau Set", 200000, 500000, HANDCRAFTED),
	Piece("MANGALSUTRA", "Gold", "22K", "Plain", "22K Mangalsutra", 55000, 130000, PLAIN_GOLD),
	Piece("MANGALSUTRA", "Gold", "18K", "Diamond", "Diamond Mangalsutra", 70000, 180000, STUDDED),
	Piece("EARRING", "Gold", "22K", "Plain", "Gold Jhumkas", 30000, 80000, PLAIN_GOLD),
	Piece("EARRING", "Gold", "18K", "Diamond", "Diamond Studs", 35000, 150000, STUDDED),
	Piece("EARRING", "Gold", "22K", "Polki", "Polki Chandbalis", 80000, 200000, HANDCRAFTED),
	Piece("EARRING", "Silver", "925", "Pearl", "Silver Pearl Drops", 3000, 8000, PLAIN_GOLD),
	Piece("CHAIN", "Gold", "22K", "Plain", "22K Rope Chain", 60000, 160000, PLAIN_GOLD),
	Piece("CHAIN", "Platinum", "PT950", "Plain", "Platinum Chain", 70000, 150000, PLAIN_GOLD),
	Piece("CHAIN", "Silver", "925", "Plain", "Silver Chain", 3000, 9000, PLAIN_GOLD),
	Piece("PENDANT", "Gold", "18K", "Diamond", "Diamond Pendant", 25000, 90000, STUDDED),
	Piece("PENDANT", "Gold", "22K", "Plain", "Lakshmi Pendant", 15000, 40000, PLAIN_GOLD),
	Piece("COIN", "Gold", "24K", "Plain", "24K Gold Coin 10 g", 74000, 80000, (0.02, 0.03)),
)

BY_CODE = {piece.code: piece for piece in PIECES}

# what each kind of customer tends to buy, by template (weights)
TASTES = {
	"traditional": {
		"BANGLE": 3,
		"NECKLACE": 3,
		"POLKI": 2,
		"EARRING": 3,
		"MANGALSUTRA": 2,
		"CHAIN": 2,
		"COIN": 2,
	},
	"modern": {"RING": 4, "EARRING": 3, "PENDANT": 3, "CHAIN": 2, "BANGLE": 1, "NECKLACE": 1},
	"bridal": {"POLKI": 4, "NECKLACE": 3, "BANGLE": 3, "EARRING": 2, "MANGALSUTRA": 2, "RING": 1},
	"investor": {"COIN": 5, "CHAIN": 2, "BANGLE": 2},
}
# the metals and stones each taste leans to (weights; unlisted ones weigh 1)
LEANINGS = {
	"traditional": {"Gold": 6, "Polki": 3, "Kundan": 3, "Plain": 4, "Ruby": 2},
	"modern": {"Diamond": 5, "Platinum": 3, "Rose Gold": 3, "Plain": 2},
	"bridal": {"Gold": 6, "Polki": 5, "Kundan": 3, "Emerald": 2},
	"investor": {"Gold": 8, "Plain": 6},
}

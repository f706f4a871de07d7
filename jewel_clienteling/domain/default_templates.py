"""The message template a new store starts with for every reason (setup/defaults.py adds them on
install and migrate). Plain data, so the pure tests can render each one."""

# She may receive a message drafted for her associate or one the store sends itself: it is signed
# " — Priya, Kanak Jewellers", " — Kanak Jewellers" or " — Priya", and says "I" for a person, "we"
# for the store. Every default must read well with and without an associate (tested on a real site).
SIGN_OFF = (
	"{% if associate_name and store_name %} — {{ associate_name }}, {{ store_name }}"
	"{% elif associate_name or store_name %} — {{ associate_name or store_name }}{% endif %}"
)
I = "{{ 'I' if associate_name else 'we' }}"  # noqa: E741 - reads as the word it writes
ME = "{{ 'me' if associate_name else 'us' }}"
WHOSE = "{% if person_name %}{{ person_name }}'s{% else %}your{% endif %}"
# the occasion as a sentence names it: her daughter's "birthday" (not "child's birthday" after the
# child's own name), a wedding with its year is a "wedding anniversary", "Other" a "special day"
OCCASION = (
	"{% if occasion_type == 'Other' or not occasion_type %}special day"
	"{% elif occasion_type == 'Festival' %}celebration"
	'{% elif occasion_type == "Child\'s Birthday" and person_name %}birthday'
	"{% elif occasion_type == 'Wedding' and years %}wedding anniversary"
	"{% else %}{{ occasion_type | lower }}{% endif %}"
)

TEMPLATES = [
	{
		"template_name": "Occasion reminder",
		"reason": "Occasion",
		"message": (
			"Dear {{ first_name }}, "
			"{% if days_ahead %}" + WHOSE + " " + OCCASION + "{% if years %} ({{ years }} years!){% endif %}"
			" is on {{ occasion_date }}. We would love to help make it special: shall " + I + " keep a "
			"few pieces aside for you to see?"
			"{% else %}warm wishes on " + WHOSE + " " + OCCASION + " today"
			"{% if years %}: {{ years }} wonderful years{% endif %}! With love from all of us."
			"{% endif %}" + SIGN_OFF
		),
	},
	{
		"template_name": "Ask the wedding date",
		"reason": "Occasion",
		"step": "Ask the wedding date",
		"message": (
			"Dear {{ first_name }}, congratulations once more on the engagement! When is the big day? "
			"We would love to remember it with you." + SIGN_OFF
		),
	},
	{
		"template_name": "Check-in after a purchase",
		"reason": "Post-purchase",
		"step": "Check-in",
		"message": (
			"Dear {{ first_name }}, how are you enjoying your {{ items[0] if items else 'new piece' }}? "
			"If anything needs adjusting, the size, the fit or a polish, just bring it in." + SIGN_OFF
		),
	},
	{
		"template_name": "Care reminder",
		"reason": "Post-purchase",
		"step": "Care",
		"message": (
			"Dear {{ first_name }}, a little care keeps your {{ items[0] if items else 'jewellery' }} "
			"beautiful: "
			"{% if care_topic == 'diamond' %}a soft brush and warm soapy water keep diamonds sparkling"
			"{% elif care_topic == 'polki' %}keep polki and kundan away from water and perfume, and wipe "
			"them with a soft dry cloth"
			"{% elif care_topic == 'pearl' %}put pearls on last, after perfume, and wipe them after wearing"
			"{% elif care_topic == 'gemstone' %}keep coloured stones away from harsh chemicals and sudden heat"
			"{% elif care_topic == 'platinum' %}platinum takes on a soft sheen; we can polish it back to a "
			"mirror finish"
			"{% elif care_topic == 'silver' %}keep silver in an airtight pouch to slow tarnish"
			"{% else %}store gold pieces apart in soft pouches, and a mild soapy wash brings back the shine"
			"{% endif %}. Come in any time for a free cleaning and check." + SIGN_OFF
		),
	},
	{
		"template_name": "New arrivals",
		"reason": "Post-purchase",
		"step": "New arrivals",
		"message": (
			"Dear {{ first_name }}, new {{ (preferred_category or 'designs') | lower }} have just arrived "
			"and " + I + " thought of you. Shall " + I + " send you a few pictures?" + SIGN_OFF
		),
	},
	{
		"template_name": "Purchase anniversary",
		"reason": "Post-purchase",
		"step": "Purchase anniversary",
		"message": (
			"Dear {{ first_name }}, a year ago you chose your {{ items[0] if items else 'piece' }} with "
			"us. We hope it has been part of many happy moments! Bring it in for a complimentary cleaning "
			"any time." + SIGN_OFF
		),
	},
	{
		"template_name": "Review request",
		"reason": "Review request",
		"message": (
			"Dear {{ first_name }}, thank you for choosing {{ store_name or 'us' }}. "
			"{% if feedback_link %}How did we do{% if piece %} with your {{ piece }}{% endif %}? "
			"One tap tells us: {{ feedback_link }}{% else %}If you have a minute, a review of your visit "
			"would mean a lot to us.{% endif %}" + SIGN_OFF
		),
	},
	{
		"template_name": "We miss you",
		"reason": "Lapsed",
		"message": (
			"Dear {{ first_name }}, it has been a while and we miss you! Do visit us to see what is new, "
			"and bring your jewellery along for a free cleaning." + SIGN_OFF
		),
	},
	{
		"template_name": "Festival invitation",
		"reason": "Campaign",
		"message": (
			"Dear {{ first_name }}, {% if festival %}{{ festival }} is on {{ festival_date }} and our "
			"festive collection is in{% else %}our new collection is in and " + I + " thought of you"
			"{% endif %}. Shall " + I + " keep some pieces aside for you to see?" + SIGN_OFF
		),
	},
	{
		"template_name": "Repair ready",
		"reason": "Repair ready",
		"message": (
			"Dear {{ first_name }}, your {{ piece or 'jewellery' }} is ready. You can collect it"
			"{% if store_name %} from {{ store_name }}{% endif %} any time during store hours." + SIGN_OFF
		),
	},
	{
		"template_name": "Repair waiting",
		"reason": "Repair uncollected",
		"message": (
			"Dear {{ first_name }}, your {{ piece or 'jewellery' }} is ready and waiting for you"
			"{% if store_name %} at {{ store_name }}{% endif %}. We look forward to seeing you." + SIGN_OFF
		),
	},
	{
		"template_name": "Points expiring",
		"reason": "Points expiring",
		"message": (
			"Dear {{ first_name }}, {% if points == 1 %}one of your loyalty points expires{% else %}"
			"{{ points }} of your loyalty points expire{% endif %} on {{ expiry_date }}. "
			"Use them on your next visit!" + SIGN_OFF
		),
	},
	{
		"template_name": "Thank you for the referral",
		"reason": "Referral thank-you",
		"message": (
			"Dear {{ first_name }}, thank you for sending {{ referred_name or 'a friend' }} our way. "
			"It means the world to us.{% if points %} As a thank-you, {{ points }} loyalty point"
			"{% if points != 1 %}s are{% else %} is{% endif %} now in your account.{% endif %}" + SIGN_OFF
		),
	},
	{
		"template_name": "Tell a friend",
		"reason": "Referral ask",
		"message": (
			"Dear {{ first_name }}, we hope you are enjoying your {{ items[0] if items else 'new piece' }}! "
			"If a friend or someone in your family is looking for something special, we would love to "
			"welcome them: they only need to mention your name." + SIGN_OFF
		),
	},
	# staying in touch (domain/rhythm.py): warm, never an offer; one template per kind of note
	{
		"template_name": "Stay in touch: care",
		"reason": "Stay in touch",
		"step": "Care",
		"message": (
			"Dear {{ first_name }}, a little care keeps jewellery shining for years. Whenever you pass "
			"by, bring your pieces in and " + I + " will gladly clean them and check the clasps and "
			"settings for you, at no charge." + SIGN_OFF
		),
	},
	{
		"template_name": "Stay in touch: new pieces",
		"reason": "Stay in touch",
		"step": "New pieces",
		"message": (
			"Dear {{ first_name }}, new {{ (preferred_category or 'pieces') | lower }} have come in, and "
			+ I
			+ " thought of you. No hurry at all: if you would like to see a few pictures, just reply "
			"and " + I + " will send them." + SIGN_OFF
		),
	},
	{
		"template_name": "Stay in touch: invitation",
		"reason": "Stay in touch",
		"step": "Invitation",
		"message": (
			"Dear {{ first_name }}, it has been a while and we would love to see you. Do drop in for a "
			"cup of tea whenever you are nearby: it is always a pleasure to catch up." + SIGN_OFF
		),
	},
	{
		"template_name": "After the visit",
		"reason": "Walk-in follow-up",
		"message": (
			"Dear {{ first_name }}, thank you for visiting us"
			"{% if piece %} and for looking at the {{ piece }}{% endif %}. "
			"{% if reason_not_bought == 'Price' %}{{ 'I have' if associate_name else 'We have' }} found "
			"a few designs close to {{ 'it' if piece else 'what you liked' }}"
			"{% if budget %} within {{ budget }}{% endif %}: shall " + I + " send you pictures?"
			"{% elif reason_not_bought == 'Size not available' %}{{ 'I am' if associate_name else "
			"'We are' }} checking on your size and will let you know as soon as "
			"{{ 'it' if piece else 'your piece' }} can be ready."
			"{% elif reason_not_bought == 'Design not found' %}New designs have come in and " + I + " "
			"thought of you: shall " + I + " send you a few pictures?"
			"{% elif reason_not_bought == 'Will come with family' %}We look forward to welcoming you "
			"and your family: tell " + ME + " when suits you and " + I + " will keep the pieces ready."
			"{% elif reason_not_bought == 'Comparing' %}If you have any questions about the pieces, "
			"the making or the price, {{ 'I am' if associate_name else 'we are' }} happy to help."
			"{% elif piece %}Whenever you would like to see {{ 'them' if pieces | length > 1 else 'it' }} "
			"again, just tell "
			+ ME
			+ " and "
			+ I
			+ " will keep {{ 'them' if pieces | length > 1 else 'it' }} "
			"aside.{% else %}Whenever you would like to come again, just tell " + ME + " "
			"and " + I + " will have pieces ready for you.{% endif %}" + SIGN_OFF
		),
	},
	{
		"template_name": "Appointment reminder",
		"reason": "Appointment reminder",
		"message": (
			"Dear {{ first_name }}, a reminder of your {{ (appointment_purpose or 'visit') | lower }} "
			"with us {% if appointment_is_tomorrow %}tomorrow, {{ appointment_day }},{% else %}today{% endif %} "
			"at {{ appointment_time }}."
			"{% if pieces %} The pieces will be ready for you.{% endif %}" + SIGN_OFF
		),
	},
	{
		"template_name": "Appointment missed",
		"reason": "Appointment missed",
		"message": (
			"Dear {{ first_name }}, we missed you on {{ appointment_day }}. "
			"Shall " + I + " find you another time that suits you?" + SIGN_OFF
		),
	},
	{
		"template_name": "Custom order update",
		"reason": "Custom order update",
		"message": (
			"Dear {{ first_name }}, "
			"{% if order_stage == 'Design approved' %}the design of your "
			"{{ order_piece or 'piece' }} is approved and goes to our craftsmen"
			"{% if order_promised_date %}; we expect it ready by {{ order_promised_date }}{% endif %}."
			"{% elif order_stage == 'In making' %}your {{ order_piece or 'piece' }} is now being made."
			"{% else %}your {{ order_piece or 'piece' }} is ready! Come in whenever suits you to "
			"see it and take it home.{% endif %}" + SIGN_OFF
		),
	},
	{
		"template_name": "Catalogue share",
		"reason": "Catalogue share",
		"message": (
			"Dear {{ first_name }}, {{ 'I' if associate_name else 'We' }} picked {{ catalogue_pieces }} "
			"piece{% if catalogue_pieces != 1 %}s{% endif %} " + I + " think you will love: "
			"{{ catalogue_link }} Tell " + ME + " which you would like to see." + SIGN_OFF
		),
	},
	{
		"template_name": "Old gold exchange offer",
		"reason": "Old gold exchange offer",
		"message": (
			"Dear {{ first_name }}, {% if festival %}with {{ festival }} on {{ festival_date }}, {% endif %}"
			"bring in any old gold you no longer wear: " + I + " will weigh and test it in front of you and "
			"take it at the day's rate towards a new piece. Shall "
			+ I
			+ " keep some designs ready for you?"
			+ SIGN_OFF
		),
	},
]

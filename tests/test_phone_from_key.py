"""The planner reads her mobile through the E.164 key kept beside it: the answer must be exactly what
parsing the number gives, whatever key is there (her own, one left from an earlier number, none)."""

from hypothesis import given, settings
from hypothesis import strategies as st

from jewel_clienteling.domain.phones import normalise_phone, normalise_phone_from_key

NUMBERS = (
	"+919812345678",
	"+917012345678",
	"+971501234567",
	"+447911123456",
	"+12025550123",
	"+393123456789",
)
OTHERS = (
	*("+919812345", "98123 45678", "098123-45678", "+91 (981) 234 5678", "0501234567", "", "12345"),
	# national forms, and what a region might read as one of its own
	*("07911 123456", "1 202-555-0123", "202 555 0123", "312 345 6789", "011 15 2345-6789", "0"),
	*("919812345678", "0091 98123 45678", "9198765432", "11 2345 6789", "+5491123456789"),
)
TYPED = st.tuples(
	st.sampled_from((*NUMBERS, *OTHERS)),
	st.lists(st.tuples(st.integers(0, 14), st.sampled_from((" ", "-", "  ", " - ", ".", "--"))), max_size=4),
	st.sampled_from(("", " ", "\t")),
)


def _typed(number: str, separators, pad: str) -> str:
	for position, separator in sorted(separators, reverse=True):
		number = number[:position] + separator + number[position:]
	return pad + number + pad


@settings(max_examples=500, deadline=None)
@given(
	TYPED,
	st.sampled_from((None, "", *NUMBERS, *OTHERS)),
	st.sampled_from(("IN", "AE", "GB", "US", "IT", "AR", "BR", "ZZ")),
)
def test_a_number_read_through_its_key_is_the_number_parsed(typed, key_of, region):
	raw = _typed(*typed)
	key = normalise_phone(key_of, region) if key_of else None  # a key is what normalise_phone made
	assert normalise_phone_from_key(raw, key, region) == normalise_phone(raw, region)


def test_her_own_key_answers_without_parsing_and_a_stale_one_does_not():
	assert normalise_phone_from_key("+91 98123-45678", "+919812345678") == "+919812345678"
	# the key of the number she had before: her new number is parsed
	assert normalise_phone_from_key("+91 70123 45678", "+919812345678") == "+917012345678"
	# a national form is parsed as ever
	assert normalise_phone_from_key("098123 45678", "+919812345678") == "+919812345678"
	assert normalise_phone_from_key("98123-45678", "+919812345678") == "+919812345678"
	# a national form of another number than her key's is parsed
	assert normalise_phone_from_key("70123 45678", "+919812345678") == "+917012345678"
	assert normalise_phone_from_key("12345", None) is None
	assert normalise_phone_from_key(None, "+919812345678") is None

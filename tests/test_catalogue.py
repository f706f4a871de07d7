"""Catalogue links: a signed token opens one share until its day, and nothing else."""

from datetime import date

import pytest

from jewel_clienteling.domain.catalogue import (
	TokenRefused,
	arrivals_since,
	expiry,
	message_context,
	pick,
	shown,
	sign,
	verify,
)
from jewel_clienteling.domain.rendering import NAMES

SECRET = "s3cret-of-the-store"  # noqa: S105 (a test key)
DAY = date(2030, 3, 1)


def test_a_token_opens_its_share_until_the_end_of_its_day():
	token = sign(SECRET, "a1b2c3d4e5", date(2030, 3, 15))
	assert verify(SECRET, token, DAY) == "a1b2c3d4e5"
	assert verify(SECRET, token, date(2030, 3, 15)) == "a1b2c3d4e5"
	with pytest.raises(TokenRefused, match="expired"):
		verify(SECRET, token, date(2030, 3, 16))


def test_a_token_under_another_secret_or_for_another_share_or_day_opens_nothing():
	token = sign(SECRET, "a1b2c3d4e5", date(2030, 3, 15))
	share, day, signature = token.split(".")
	with pytest.raises(TokenRefused, match="signature"):
		verify("another-secret", token, DAY)
	with pytest.raises(TokenRefused, match="signature"):
		verify(SECRET, f"z9y8x7w6v5.{day}.{signature}", DAY)  # her signature on another share
	with pytest.raises(TokenRefused, match="signature"):
		verify(SECRET, f"{share}.20301231.{signature}", DAY)  # a later day written in
	flipped = signature[:-1] + ("A" if signature[-1] != "A" else "B")
	with pytest.raises(TokenRefused, match="signature"):
		verify(SECRET, f"{share}.{day}.{flipped}", DAY)


@pytest.mark.parametrize(
	"token",
	[
		None,
		"",
		"abc",
		"a.b.c",
		"a1b2.20300315",
		"a1b2.2030-03-15." + "A" * 43,
		"a1b2.20301345." + "A" * 43,
		"a b.20300315." + "A" * 43,
		"a1b2.20300315." + "A" * 42 + "=",
	],
)
def test_malformed_tokens_open_nothing(token):
	with pytest.raises(TokenRefused, match="malformed"):
		verify(SECRET, token, DAY)


def test_no_secret_signs_nothing_and_a_name_with_a_dot_is_not_signed():
	with pytest.raises(ValueError):
		sign("", "a1b2", DAY)
	with pytest.raises(ValueError):
		sign(SECRET, "a1.b2", DAY)


def test_expiry_and_new_arrivals_have_defaults():
	assert expiry(DAY, 7) == date(2030, 3, 8)
	assert expiry(DAY, None) == date(2030, 3, 15)
	assert expiry(DAY, 0) == date(2030, 3, 15)
	assert arrivals_since(DAY, 30) == date(2030, 1, 30)
	assert arrivals_since(DAY, None) == date(2029, 12, 31)


def test_pieces_are_each_shared_once_in_order_and_at_most_the_limit():
	assert pick(["B", "A", " B ", "", "C"], limit=2) == ["B", "A"]


def test_price_and_weight_show_only_as_the_store_chooses():
	piece = shown("Polki ring", "/files/r.jpg", "₹ 85,000.00", 8.4567, "Gram", True, False)
	assert (piece.price, piece.weight) == ("₹ 85,000.00", None)
	piece = shown("Polki ring", "", "₹ 85,000.00", 8.4567, "Gram", False, True)
	assert (piece.image, piece.price, piece.weight) == (None, None, "8.457 Gram")


def test_the_message_says_only_registered_words():
	assert set(message_context("https://x/catalogue?t=1", 3, DAY)) <= NAMES

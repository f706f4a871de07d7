"""The rules of feedback and referrals, pure: scores, what follows each, the link's life, when to
ask for a referral and which sale is a friend's first; the one signing rule both links use."""

from datetime import date

import pytest

from jewel_clienteling.domain import catalogue, signing
from jewel_clienteling.domain import feedback as rules
from jewel_clienteling.domain.outreach import MARKETING, PURPOSE, REFERRAL_ASK
from jewel_clienteling.domain.outreach_lifecycle import expires_on
from jewel_clienteling.domain.referrals import AfterSale, happy_with, is_first_sale

SECRET = "s3cret-" * 6
KEY = "0f3c2a9e7d1b4c6a8e5f0d2b3a4c5d6e7f8a9b0c"  # a dedupe key: sha1 hex
DAY = date(2027, 3, 1)


@pytest.mark.parametrize(
	("given", "score"),
	[
		("1", 1),
		("5", 5),
		(3, 3),
		(" 4 ", 4),
		("0", None),
		("6", None),
		("-1", None),
		("4.5", None),
		("", None),
		(None, None),
		("five", None),
		("11", None),
		("٣", None),
	],
)
def test_a_score_is_a_whole_number_from_one_to_five(given, score):
	assert rules.parse_score(given) == score


def test_low_scores_reach_the_manager_high_ones_are_offered_the_review_link():
	assert [rules.follow_up(score) for score in rules.SCORES] == [
		rules.MANAGER_CALLS,
		rules.MANAGER_CALLS,
		rules.THANKED,
		rules.REVIEW_OFFERED,
		rules.REVIEW_OFFERED,
	]
	with pytest.raises(ValueError):
		rules.follow_up(0)


def test_a_comment_is_trimmed_and_bounded():
	assert rules.clean_comment("  lovely  ") == "lovely"
	assert rules.clean_comment(None) == ""
	assert len(rules.clean_comment("x" * 5000)) == rules.MAX_COMMENT


def test_the_link_opens_its_days_after_the_message_is_due():
	assert rules.link_expiry(DAY, 3) == date(2027, 3, 4)
	assert rules.link_expiry(DAY, 0) == date(2027, 3, 15)
	assert rules.link_expiry(DAY, None) == date(2027, 3, 15)


def test_a_feedback_token_opens_its_own_request_until_its_day_and_nothing_else():
	token = signing.sign(SECRET, KEY, date(2027, 3, 15), rules.FEEDBACK)
	assert signing.verify(SECRET, token, date(2027, 3, 15), rules.FEEDBACK) == KEY
	with pytest.raises(signing.TokenRefused, match="expired"):
		signing.verify(SECRET, token, date(2027, 3, 16), rules.FEEDBACK)
	subject, day, signature = token.split(".")
	other = "1" + KEY[1:]
	for forged in (f"{other}.{day}.{signature}", f"{subject}.20271231.{signature}", token[:-2] + "AA"):
		with pytest.raises(signing.TokenRefused):
			signing.verify(SECRET, forged, date(2027, 3, 2), rules.FEEDBACK)
	with pytest.raises(signing.TokenRefused, match="signature"):
		signing.verify("another-secret", token, date(2027, 3, 2), rules.FEEDBACK)


def test_a_feedback_token_is_no_catalogue_link_and_a_catalogue_link_no_feedback_token():
	feedback_token = signing.sign(SECRET, "SHARE-1", DAY, rules.FEEDBACK)
	share_token = catalogue.sign(SECRET, "SHARE-1", DAY)
	with pytest.raises(signing.TokenRefused, match="signature"):
		catalogue.verify(SECRET, feedback_token, DAY)
	with pytest.raises(signing.TokenRefused, match="signature"):
		signing.verify(SECRET, share_token, DAY, rules.FEEDBACK)
	assert catalogue.verify(SECRET, share_token, DAY) == "SHARE-1"  # links already sent still open


def test_the_catalogue_signs_through_the_one_home():
	assert catalogue.sign is signing.sign and catalogue.verify is signing.verify
	assert catalogue.TokenRefused is signing.TokenRefused


def test_a_referral_is_asked_only_after_a_sale_she_kept_and_was_happy_with():
	assert happy_with(AfterSale(returned=False, open_repair=False, open_complaint=False))
	assert happy_with(AfterSale(False, False, False, scores=(5,)))
	assert happy_with(AfterSale(False, False, False, scores=(4, 5)))
	assert not happy_with(AfterSale(True, False, False))  # anything of it came back
	assert not happy_with(AfterSale(False, True, False))  # a repair of hers is still with us
	assert not happy_with(AfterSale(False, False, True))  # a complaint not yet put right
	assert not happy_with(AfterSale(False, False, False, scores=(3,)))
	assert not happy_with(AfterSale(False, False, False, scores=(5, 2)))


def test_the_referral_ask_is_marketing_and_lives_a_week():
	assert PURPOSE[REFERRAL_ASK] == MARKETING
	assert expires_on(REFERRAL_ASK, REFERRAL_ASK, DAY) == date(2027, 3, 8)


def test_a_first_sale_is_the_earliest_kept_one_same_day_the_smaller_name():
	sale = (date(2027, 3, 1), "ACC-PSINV-0002")
	assert is_first_sale(sale, [])
	assert is_first_sale(sale, [sale])
	assert is_first_sale(sale, [sale, (date(2027, 3, 5), "ACC-PSINV-0001")])
	assert not is_first_sale(sale, [(date(2027, 2, 1), "ACC-PSINV-0009")])
	assert not is_first_sale(sale, [(date(2027, 3, 1), "ACC-PSINV-0001")])

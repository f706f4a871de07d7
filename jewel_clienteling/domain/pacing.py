"""How fast the shop's number may send, as pure rules: at most Meta's rate a second, and never two
messages to one person closer than Meta's gap; and how a run's send times are measured against it."""

from __future__ import annotations

from bisect import bisect_left, bisect_right, insort

from jewel_clienteling.domain.messaging import DEFAULT_MESSAGES_PER_SECOND, MessagingError

# ---------------------------------------------------------------------------------------------------
# Pacing: never faster than Meta allows


def _second_later(moment: float) -> float:
	return moment + 1.0


class Pacer:
	"""Hands out send times so that the shop's number sends at most `rate` messages in any one second
	and never two messages to one person less than `gap` seconds apart. Times are seconds on any clock
	(time.monotonic() will do); a `now` earlier than one already seen counts as that later time."""

	def __init__(self, rate: int = DEFAULT_MESSAGES_PER_SECOND, gap: float = 6.0):
		if isinstance(rate, bool) or not isinstance(rate, int) or rate < 1:
			raise MessagingError("bad_rate", repr(rate))
		if gap < 0:
			raise MessagingError("bad_gap", repr(gap))
		self.rate = rate
		self.gap = float(gap)
		self._times: list[float] = []  # every reservation not yet a second old, in order
		self._last: dict[str, float] = {}  # the latest reservation per recipient
		self._clock = float("-inf")
		self._forget_at = 10_000  # recipients remembered before the stale ones are forgotten

	def _crowded_until(self, moment: float) -> float | None:
		"""If a send at `moment` would make `rate` + 1 sends fit in one second, the earliest time the
		oldest of them has left that second; else None."""
		times, k = self._times, self.rate
		window = times[bisect_right(times, moment, key=_second_later) : bisect_left(times, moment + 1.0)]
		for i in range(len(window) - k + 1):
			first, last = window[i], window[i + k - 1]
			if max(last, moment) < min(first, moment) + 1.0:
				return first + 1.0
		return None

	def reserve(self, recipient: str, now: float) -> float:
		"""The earliest time, not before `now`, at which a message to `recipient` may go; the time is
		booked, so the next call sees it."""
		self._clock = max(self._clock, now)
		del self._times[: bisect_right(self._times, self._clock, key=_second_later)]
		moment = max(self._clock, self._last.get(recipient, float("-inf")) + self.gap)
		while (later := self._crowded_until(moment)) is not None:
			moment = later
		insort(self._times, moment)
		self._last[recipient] = moment
		if len(self._last) > self._forget_at:  # a recipient whose gap has passed needs no memory
			self._last = {r: t for r, t in self._last.items() if t + self.gap > self._clock}
			self._forget_at = max(10_000, 2 * len(self._last))
		return moment


def _most_in_window(times: list[float], window: float) -> int:
	times = sorted(times)
	most, start = 0, 0
	for end, moment in enumerate(times):
		while times[start] + window <= moment:
			start += 1
		most = max(most, end - start + 1)
	return most


def max_burst(sends: list[tuple[float, str]], window: float = 6.0) -> int:
	"""The most messages sent to any one person within `window` seconds (a half-open window: two
	messages exactly `window` apart are not in the same one). 1 means the pair rate was kept."""
	by_recipient: dict[str, list[float]] = {}
	for moment, recipient in sends:
		by_recipient.setdefault(recipient, []).append(moment)
	return max((_most_in_window(times, window) for times in by_recipient.values()), default=0)


def peak_rate(sends: list[tuple[float, str]], window: float = 1.0) -> int:
	"""The most messages sent, to anyone, within `window` seconds."""
	return _most_in_window([moment for moment, _ in sends], window)

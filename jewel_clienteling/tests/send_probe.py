"""A WhatsApp sender that dies abruptly after its third message, like a worker killed by the OOM
killer or a deploy: used by the integration test that reruns the send after a crash."""

import os

from jewel_clienteling.services import whatsapp


def send_and_die(after: int = 3) -> None:
	sent = []

	def die_after(row):
		sent.append(row.name)
		if len(sent) >= after:
			os._exit(9)

	whatsapp.drain(max_seconds=60, after_send=die_after)

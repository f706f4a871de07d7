"""What the WhatsApp tests share: the customer's number as she typed it and as Meta writes it."""

from datetime import timezone

UTC = timezone.utc
ASHA_DIGITS = "919812345678"

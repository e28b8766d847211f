"""Normalising contact data at the boundary."""

import phonenumbers
from django.utils.translation import gettext as _


def normalise_phone(raw: str, default_region: str | None) -> str:
    """Return the number in E.164 (+221771234567) or raise ValueError with a message."""
    try:
        number = phonenumbers.parse(raw, default_region)
    except phonenumbers.NumberParseException as exc:
        raise ValueError(_("“%(value)s” is not a phone number.") % {"value": raw}) from exc
    if not phonenumbers.is_valid_number(number):
        raise ValueError(
            _("“%(value)s” is not a valid phone number; include the country code.") % {"value": raw}
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)

"""Masking and validation of personal identifiers (PIPL art. 28: sensitive personal information)."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_ID_RE = re.compile(r"^\d{17}[\dX]$")
_MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")


def id_check_digit(first17: str) -> str:
    return _ID_CHECK[sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True)) % 11]


def validate_id_number(value: str) -> str:
    value = (value or "").strip().upper()
    if not _ID_RE.match(value):
        raise ValidationError(_("An ID number has 18 characters: 17 digits and a digit or X."))
    if id_check_digit(value[:17]) != value[17]:
        raise ValidationError(_("The ID number's check digit is wrong."))
    return value


def validate_mobile(value: str) -> str:
    value = (value or "").strip()
    if not _MOBILE_RE.match(value):
        raise ValidationError(_("A mobile number has 11 digits and starts with 1."))
    return value


def mask_id_number(value: str) -> str:
    """Only the last four characters shown. The birth date (digits 7–14) is shown beside the ID in
    lists and exports, so a mask that kept the first four would leave two digits and the check digit
    to guess: the whole number could be rebuilt."""
    if not value:
        return ""
    if len(value) <= 8:
        return "*" * len(value)
    return "*" * (len(value) - 4) + value[-4:]


def mask_mobile(value: str) -> str:
    if not value:
        return ""
    if len(value) <= 7:
        return "*" * len(value)
    return value[:3] + "****" + value[-4:]

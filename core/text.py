import unicodedata


def normalize_cell(value):
    """Fold full-width digits, letters and spaces to ASCII and strip surrounding blanks."""
    if value is None:
        return ""
    if not isinstance(value, str):
        return value
    return unicodedata.normalize("NFKC", value).strip()


_FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value):
    """Text that a spreadsheet will show, never evaluate: a leading formula character gets a quote."""
    if isinstance(value, str) and value.startswith(_FORMULA_TRIGGERS):
        return "'" + value
    return value

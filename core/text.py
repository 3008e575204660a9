import unicodedata


def normalize_cell(value):
    """Fold full-width digits, letters and spaces to ASCII and strip surrounding blanks."""
    if value is None:
        return ""
    if not isinstance(value, str):
        return value
    return unicodedata.normalize("NFKC", value).strip()

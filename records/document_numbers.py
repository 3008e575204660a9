"""The canonical form of a document number (文号), so that one fact has one spelling."""

import re
import unicodedata

# Zero-width characters that come along when a number is pasted from Word or a web page.
_BLANKS = re.compile(r"[\s\u200b-\u200d\u2060\ufeff]+")
# After NFKC: ( [ { are the ASCII ones (full-width （ ［ ｛ and small ﹙ ﹝ fold into them or into 〔 〕).
_OPEN = "([{【〔〖〘〚⦅⦗"
_CLOSE = ")]}】〕〗〙〛⦆⦘"
_BRACKETED_YEAR = re.compile(f"[{re.escape(_OPEN)}]((?:19|20)[0-9]{{2}})[{re.escape(_CLOSE)}]")
_LOWER_LATIN = re.compile("[a-z]+")


def canonical_document_no(text: str | None) -> str:
    """The form a document number is stored and compared in.

    GB/T 9704-2012 writes a 发文字号 as 机关代字 + 〔年份〕 + 顺序号 + 号, the year in 六角括号
    (青督查〔2026〕301号); clerks type the brackets, digits and blanks in many ways. In order:

    1. Unicode NFKC: full-width digits, Latin letters, brackets and spaces become half-width
       (２０２６ → 2026, （ → (, ［ → [, full-width space → space).
    2. Every blank is removed: spaces (full-width ones included), tabs, line breaks and
       zero-width characters.
    3. A year (1900–2099, four digits) between any opening and any closing bracket — ( ) [ ] { }
       【 】 〔 〕 〖 〗 〘 〙 〚 〛 ⦅ ⦆ ⦗ ⦘ — gets the 六角括号: (2026) → 〔2026〕.
       Brackets around anything else, such as (试行) or (0301), are left as NFKC made them.
    4. Latin letters a–z are upper-cased.

    Empty (or None) gives "". The function is idempotent.
    """
    if not text:
        return ""
    text = _BLANKS.sub("", unicodedata.normalize("NFKC", text))
    text = _BRACKETED_YEAR.sub(r"〔\1〕", text)
    return _LOWER_LATIN.sub(lambda m: m[0].upper(), text)

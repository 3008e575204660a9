import pytest

from records.document_numbers import canonical_document_no

CANONICAL = "青督查〔2026〕301号"


@pytest.mark.parametrize(
    "typed",
    [
        "青督查〔2026〕301号",
        "青督查(2026)301号",
        "青督查（2026）301号",
        "青督查[2026]301号",
        "青督查［2026］301号",
        "青督查【2026】301号",
        "青督查{2026}301号",
        "青督查〖2026〗301号",
        "青督查﹝2026﹞301号",
        "青督查〔2026)301号",
        "青督查 〔2026〕 301 号",
        "青督查（ 2026 ）301号",
        "青督查【\u30002026\u3000】301号",
        " 青督查\t〔2026〕\n301号 ",
        "青督查〔２０２６〕３０１号",
        "青督查（２０２６）３０１号",
        "青督查\u200b〔2026〕301号",
    ],
)
def test_it_spells_every_variant_of_a_number_the_same(typed):
    assert canonical_document_no(typed) == CANONICAL


@pytest.mark.parametrize(
    ("typed", "canonical"),
    [
        ("", ""),
        (None, ""),
        ("   ", ""),
        ("\u3000", ""),
        ("qzf(2026)12号", "QZF〔2026〕12号"),
        ("ＱＺＦ〔2026〕12号", "QZF〔2026〕12号"),
        ("湘发改(2025)7号", "湘发改〔2025〕7号"),
        ("青政办函〔1999〕3号", "青政办函〔1999〕3号"),
        # No year: only NFKC and blanks.
        ("甲1号", "甲1号"),
        ("青政 ３０１ 号", "青政301号"),
        ("x1", "X1"),
        # Brackets around something other than a year stay as NFKC leaves them.
        ("关于印发(试行)的通知", "关于印发(试行)的通知"),
        ("关于印发（试行）的通知", "关于印发(试行)的通知"),
        ("【试行】3号", "【试行】3号"),
        ("青政(0301)号", "青政(0301)号"),
        ("青政(20261)号", "青政(20261)号"),
        ("青政(2026年)3号", "青政(2026年)3号"),
        ("青政2026-301号", "青政2026-301号"),
        # Two bracketed years are both years.
        ("青政(2025)(2026)1号", "青政〔2025〕〔2026〕1号"),
    ],
)
def test_it_leaves_the_rest_to_nfkc_blanks_and_case(typed, canonical):
    assert canonical_document_no(typed) == canonical


@pytest.mark.parametrize("typed", ["青督查 (２０２６) 301 号", "qzf【2026】1号", "关于（试行）", ""])
def test_it_is_idempotent(typed):
    once = canonical_document_no(typed)
    assert canonical_document_no(once) == once

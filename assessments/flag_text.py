"""The flags in words: one short Chinese sentence per flag, from its stored reasons and blockers.

All user-facing text of the flags lives here (``TEXT``) so a pack, a page and the API say the same.
"""

from decimal import ROUND_HALF_UP, Decimal

from .flags import LIST_SEPARATOR, Flag

# All user-facing text of the flags, in one place for translation. A key ending in ".none" is used
# instead of its base when the value is zero or empty.
TEXT = {
    "kind": {
        "promotion": "优先提拔",
        "rank_promotion": "职级晋升",
        "commendation": "评先评优",
        "talk_reminder": "约谈提醒",
        "yellow_card": "黄牌",
        "red_card": "红牌",
        "adjustment": "调整",
        "rotation_due": "交流轮岗",
    },
    "sentence": {"blocked": "未提示{kind}：{items}", "join": "；", "list": LIST_SEPARATOR, "arrow": " → "},
    "period": {"year": "{year} 年度", "quarter": "第 {quarter} 季度", "month": "{month} 月"},
    "unit": {"years": "{years} 年", "months": "{months} 个月", "years_months": "{years} 年 {months} 个月"},
    "reason": {
        "promotion.top_share": "年度综合得分位列本类别前 {threshold}（得分高于本人的占 {actual}）",
        "promotion.top_share.none": "年度综合得分位列本类别前 {threshold}（本类别最高）",
        "promotion.good_quarters": "{actual} 个季度等次为“好”",
        "promotion.poor_quarters": "{actual} 个季度等次为“较差”（不超过 {threshold} 个）",
        "promotion.poor_quarters.none": "无“较差”",
        "rank.years": "任{detail} {actual}（要求 {threshold}）",
        "rank.excellent_credit": "{actual} 个年度考核“优秀”，每个缩短 {threshold}",
        "rank.top_share": "年度综合得分位列本类别前 {threshold}（得分高于本人的占 {actual}）",
        "rank.top_share.none": "年度综合得分位列本类别前 {threshold}（本类别最高）",
        "commendation.suggested_excellent": "{period}建议考核等次为“{actual}”",
        "talk.month_deduction": "{period}净扣分 {actual} 分（提示线 {threshold} 分）",
        "talk.quarter_grade": "{period}等次为“{actual}”",
        "talk.falling_score": "季度得分连续 {count} 次下降（{actual}）",
        "yellow.quarter_grade": "{period}等次为“{actual}”",
        "yellow.quarter_deduction": "{period}净扣分 {actual} 分（提示线 {threshold} 分）",
        "red.yellow_cards": "{window} 个月内黄牌 {actual} 次（提示线 {threshold} 次）",
        "red.annual_grade": "{period}考核等次为“{actual}”",
        "red.sanction_deduction": "{period}{detail}扣分合计 {actual} 分（提示线 {threshold} 分）",
        "adjustment.red_card": "本年度有红牌提示",
        "adjustment.annual_grade": "{period}考核等次为“{actual}”",
        "adjustment.poor_quarters": "{actual} 个季度等次为“较差”（提示线 {threshold} 个）",
        "rotation.unit_years": "任现职 {actual} 年（单位正副职满 {threshold} 年）",
        "rotation.office_years": "任现职 {actual} 年（内设机构正副职满 {threshold} 年）",
    },
    "blocker": {
        "impact_period": "{detail}影响期至 {until}",
        "annual_grade": "{period}考核等次为“{detail}”",
        "annual_grade.none": "无年度考核等次",
        "probation": "试用期内",
        "yellow_card": "本年度有黄牌提示",
        "red_card": "本年度有红牌提示",
        "rank.year_grade": "{period}考核等次为“{detail}”，不计入任职年限",
        "excellent_barred": "本年度受{detail}",
    },
}

# How a reason's threshold and actual value read: percent (a share), months, points, scores.
_FORMATS = {
    "promotion.top_share": ("percent", "percent"),
    "rank.top_share": ("percent", "percent"),
    "rank.years": ("months", "months"),
    "rank.excellent_credit": ("months", None),
    "talk.month_deduction": ("points", "points"),
    "talk.falling_score": (None, "scores"),
    "yellow.quarter_deduction": ("points", "points"),
    "red.sanction_deduction": ("points", "points"),
}


def _number(value):
    text = f"{Decimal(str(value)).normalize():f}"
    return "0" if text == "-0" else text


def _format(value, how):
    if how == "percent":
        share = (Decimal(str(value)) * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
        return f"{_number(share)}%"
    if how == "months":
        years, months = divmod(int(value), 12)
        unit = TEXT["unit"]
        if years and months:
            return unit["years_months"].format(years=years, months=months)
        return unit["years"].format(years=years) if years else unit["months"].format(months=months)
    if how == "points":
        return _number(value)
    if how == "scores":
        return TEXT["sentence"]["arrow"].join(_number(v) for v in value)
    return "" if value is None else str(value)


def _period(code):
    if not code:
        return ""
    year, _, part = code.partition("-")
    if not part:
        return TEXT["period"]["year"].format(year=year)
    if part.startswith("Q"):
        return TEXT["period"]["quarter"].format(year=year, quarter=int(part[1:]))
    return TEXT["period"]["month"].format(year=year, month=int(part))


def _is_zero(value):
    try:
        return Decimal(str(value)) == 0
    except ArithmeticError:
        return False


def _reason_text(r):
    templates = TEXT["reason"]
    key = f"{r.rule}.none" if f"{r.rule}.none" in templates and _is_zero(r.actual) else r.rule
    threshold_how, actual_how = _FORMATS.get(r.rule, (None, None))
    threshold, window = (r.threshold, None) if not isinstance(r.threshold, tuple) else r.threshold
    # A run of scores names how many times it fell, which may be more than the threshold.
    count = len(r.actual) - 1 if isinstance(r.actual, list | tuple) else None
    return templates[key].format(
        count=count,
        threshold=_format(threshold, threshold_how),
        actual=_format(r.actual, actual_how),
        window=window,
        period=_period(r.period),
        detail=r.detail,
    )


def _blocker_text(b):
    templates = TEXT["blocker"]
    key = f"{b.rule}.none" if f"{b.rule}.none" in templates and not b.detail else b.rule
    return templates[key].format(
        detail=b.detail, until=b.until.isoformat() if b.until else "", period=_period(b.period)
    )


def sentence(flag: Flag) -> str:
    """The flag in one short Chinese sentence: its reasons, or why it was not raised."""
    join = TEXT["sentence"]["join"]
    if flag.blockers:
        items = join.join(dict.fromkeys(_blocker_text(b) for b in flag.blockers))
        return TEXT["sentence"]["blocked"].format(kind=TEXT["kind"][flag.kind], items=items)
    return join.join(_reason_text(r) for r in flag.reasons)

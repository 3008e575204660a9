"""The committee reports: one builder per report, each writing into a ``layout.Book``.

``count`` is a cheap estimate of the rows (one query): small reports download at once, large ones
run as a background job. Where it is exact, ``empty`` says why a count of 0 leaves nothing to export.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import annual, cadre_file, candidates, completion, quarterly


@dataclass(frozen=True)
class Report:
    title: str
    filename: str
    build: object
    count: object
    empty: object = None


REPORTS = {
    "annual-summary": Report(
        "年度实绩考核汇总表",
        "{year}年度实绩考核汇总表",
        annual.build,
        annual.count,
        gettext_lazy("%(source)s: no annual summaries in this scope, nothing to export."),
    ),
    "promotion-candidates": Report(
        "优先提拔/职级晋升/评先评优/交流轮岗参考人选名单",
        "{year}年度优先提拔职级晋升评先评优交流轮岗参考人选名单",
        candidates.build_promotion,
        candidates.count_promotion,
        gettext_lazy("%(source)s: no promotion, commendation or rotation candidates in this scope, nothing to export."),
    ),
    "adjustment-candidates": Report(
        "调整/约谈/红黄牌参考人选名单",
        "{year}年度调整约谈红黄牌参考人选名单",
        candidates.build_adjustment,
        candidates.count_adjustment,
        gettext_lazy("%(source)s: no adjustment, talk or red/yellow card candidates in this scope, nothing to export."),
    ),
    "quarterly-results": Report(
        "季度考评结果汇总表",
        "{year}年第{quarter}季度考评结果汇总表",
        quarterly.build,
        quarterly.count,
        gettext_lazy("%(source)s: no quarterly reviews in this scope, nothing to export."),
    ),
    "cadre-file": Report("个人实绩档案", "个人实绩档案_{cadre}", cadre_file.build, cadre_file.count),
    "completion": Report("纪实完成情况表", "{year}年度纪实完成情况表", completion.build, completion.count),
}


def filename(req):
    name = REPORTS[req.kind].filename.format(
        year=req.year, quarter=req.quarter, cadre=req.cadre.name if req.cadre else ""
    )
    suffix = f"_快照{req.snapshot.pk}" if req.snapshot else ""
    return f"{name}{suffix}.xlsx"


def report_count(req):
    """The rows ``req`` would write (one query); refuses, before anything is built, a report with none."""
    report = REPORTS[req.kind]
    rows = report.count(req)
    if rows == 0 and report.empty is not None:
        raise ValidationError(report.empty % {"source": _source(req)}, code="empty")
    return rows


def _source(req):
    if req.snapshot is not None:
        return _("snapshot #%(snapshot)s (year %(year)s)") % {"snapshot": req.snapshot.pk, "year": req.year}
    if req.quarter is not None:
        return _("%(year)s Q%(quarter)s") % {"year": req.year, "quarter": req.quarter}
    return _("year %(year)s") % {"year": req.year}

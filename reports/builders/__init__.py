"""The committee reports: one builder per report, each writing into a ``layout.Book``.

``count`` is a cheap estimate of the rows (one query): small reports download at once, large ones
run as a background job.
"""

from dataclasses import dataclass

from . import annual, cadre_file, candidates, completion, quarterly


@dataclass(frozen=True)
class Report:
    title: str
    filename: str
    build: object
    count: object


REPORTS = {
    "annual-summary": Report("年度实绩考核汇总表", "{year}年度实绩考核汇总表", annual.build, annual.count),
    "promotion-candidates": Report(
        "优先提拔/职级晋升参考人选名单",
        "{year}年度优先提拔职级晋升参考人选名单",
        candidates.build_promotion,
        candidates.count_promotion,
    ),
    "adjustment-candidates": Report(
        "调整/约谈/红黄牌参考人选名单",
        "{year}年度调整约谈红黄牌参考人选名单",
        candidates.build_adjustment,
        candidates.count_adjustment,
    ),
    "quarterly-results": Report(
        "季度考评结果汇总表", "{year}年第{quarter}季度考评结果汇总表", quarterly.build, quarterly.count
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

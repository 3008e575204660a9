from datetime import date
from decimal import Decimal as D

from django.db import migrations

ADD = {"创先争优", "表彰奖励", "急难险重", "重点工作"}

# code, name, category, min, max, monthly cap, annual cap, document required
RULES = [
    ("BZ01", "获国家级表彰奖励", "表彰奖励", "10", "15", None, None, True),
    ("BZ02", "获省级表彰奖励", "表彰奖励", "6", "10", None, None, True),
    ("BZ03", "获市级表彰奖励", "表彰奖励", "3", "5", None, None, True),
    ("BZ04", "获县级表彰奖励", "表彰奖励", "1", "2", None, "6", True),
    ("BZ05", "受到上级书面通报表扬", "表彰奖励", "0.5", "1", "2", None, True),
    ("CX01", "工作经验被上级推广", "创先争优", "2", "5", None, None, True),
    ("CX02", "改革创新成果被采纳", "创先争优", "2", "4", None, None, True),
    ("CX03", "承办上级现场会、观摩会", "创先争优", "2", "3", None, None, True),
    ("CX04", "工作获全市、全省“第一”“首个”", "创先争优", "3", "5", None, None, True),
    ("JN01", "参加疫情防控一线任务", "急难险重", "1", "3", "5", None, False),
    ("JN02", "参加防汛抢险救灾", "急难险重", "1", "3", "5", None, False),
    ("JN03", "化解信访积案、维护稳定", "急难险重", "1", "2", "4", None, True),
    ("JN04", "重点项目攻坚任务", "急难险重", "1", "3", None, None, True),
    ("JN05", "招商引资项目签约落地", "急难险重", "2", "5", None, None, True),
    ("JN06", "乡村振兴驻村帮扶", "急难险重", "1", "2", "2", None, False),
    ("ZD01", "按期完成县委县政府重点任务", "重点工作", "0.5", "2", "4", None, True),
    ("ZD02", "超额完成年度目标任务", "重点工作", "2", "4", None, None, True),
    ("SW01", "工作失误造成不良影响", "工作失误失责", "-3", "-1", None, None, True),
    ("SW02", "未按期完成重点任务", "工作失误失责", "-2", "-0.5", None, None, True),
    ("TS01", "群众投诉经查属实", "群众投诉", "-2", "-1", None, None, True),
    ("TB01", "受到县级通报批评", "通报批评", "-2", "-2", None, None, True),
    ("TB02", "受到市级及以上通报批评", "通报批评", "-4", "-4", None, None, True),
    ("YT01", "被约谈", "约谈函询", "-2", "-2", None, None, True),
    ("YT02", "被函询且问题属实", "约谈函询", "-1", "-1", None, None, True),
    ("WZ01", "被问责（诫勉）", "问责", "-5", "-5", None, None, True),
    ("WZ02", "被问责（组织处理）", "问责", "-10", "-10", None, None, True),
    ("JL01", "受到党纪政务处分", "纪律处分", "-20", "-10", None, None, True),
]

CATEGORY_CAPS = [
    ("创先争优", None, "20"),
    ("表彰奖励", None, "30"),
    ("急难险重", "6", "20"),
    ("重点工作", "4", "15"),
]

# kind, name, months barred from promotion, months barred from any post, bars 优秀 that year
MEASURES = [
    ("政务处分", "警告", 6, 0, True),
    ("政务处分", "记过", 12, 0, True),
    ("政务处分", "记大过", 18, 0, True),
    ("政务处分", "降级", 24, 0, True),
    ("政务处分", "撤职", 24, 0, True),
    ("党纪处分", "警告", 12, 0, True),
    ("党纪处分", "严重警告", 18, 0, True),
    ("党纪处分", "撤销党内职务", 24, 0, True),
    ("诫勉", "诫勉", 6, 0, False),
    ("组织处理", "免职", 24, 12, True),
]


def _d(value):
    return D(value) if value is not None else None


def load(apps, schema_editor):
    PointRule = apps.get_model("records", "PointRule")
    CategoryCap = apps.get_model("records", "CategoryCap")
    SanctionMeasure = apps.get_model("records", "SanctionMeasure")
    PointRule.objects.bulk_create(
        PointRule(
            code=code,
            version=1,
            name=name,
            category=category,
            sign=1 if category in ADD else -1,
            min_points=D(low),
            max_points=D(high),
            monthly_cap=_d(monthly),
            annual_cap=_d(annual),
            requires_document=document,
            valid_from=date(2024, 1, 1),
        )
        for code, name, category, low, high, monthly, annual, document in RULES
    )
    CategoryCap.objects.bulk_create(
        CategoryCap(category=c, monthly_cap=_d(m), annual_cap=_d(a)) for c, m, a in CATEGORY_CAPS
    )
    SanctionMeasure.objects.bulk_create(
        SanctionMeasure(
            kind=kind, name=name, promotion_bar_months=promo, post_bar_months=post, blocks_excellent=bars, order=i
        )
        for i, (kind, name, promo, post, bars) in enumerate(MEASURES)
    )


def unload(apps, schema_editor):
    for model in ("LedgerEntry", "PointRule", "CategoryCap", "Sanction", "SanctionMeasure"):
        apps.get_model("records", model).objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("records", "0002_ledger")]

    operations = [migrations.RunPython(load, unload)]

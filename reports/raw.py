"""Raw data exports of the lists (cadres, ledger entries, quarterly reviews) through
django-import-export, with native types: numbers and dates stay numbers and dates in the sheet.

Text that a spreadsheet would take for a formula gets a leading quote (``core.text.spreadsheet_safe``);
ID numbers and mobiles are masked; choice columns show their labels; the sheet is named after the list.
"""

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.utils import translation
from import_export import fields, resources, widgets
from import_export.formats.base_formats import XLSX

from assessments.selectors import reviews_visible_to
from core.text import spreadsheet_safe
from records.selectors import cadres_visible_to, subtree_ids
from records.selectors.ledger import entries_visible_to

from .selectors import REPORT_ROLES

TEXT, DATE, DECIMAL, INT = widgets.Widget, widgets.DateWidget, widgets.DecimalWidget, widgets.IntegerWidget


def _field(attribute, header, widget=TEXT):
    return fields.Field(attribute=attribute, column_name=header, widget=widget())


def _choice_labels(model, attribute):
    """{stored value: label} when ``attribute`` (a ``__`` path from ``model``) is a field with
    choices, else None."""
    *path, name = attribute.split("__")
    try:
        for step in path:
            model = model._meta.get_field(step).related_model
        field = model._meta.get_field(name)
    except (AttributeError, FieldDoesNotExist):
        return None
    if not field.choices:
        return None
    # In the language of the headers and the sheet name, whatever the requester's language.
    with translation.override(settings.LANGUAGE_CODE):
        return {value: str(label) for value, label in field.flatchoices}


class SafeResource(resources.Resource):
    """Choice columns hold their labels (状态 says 已确认, not ``confirmed``) and no cell becomes a formula."""

    def export_field(self, field, instance, **kwargs):
        value = super().export_field(field, instance, **kwargs)
        labels = self._labels(field, type(instance))
        if labels is not None:
            value = labels.get(value, value)
        return spreadsheet_safe(value)

    def _labels(self, field, model):
        cache = self.__dict__.setdefault("_choice_cache", {})
        if field.column_name not in cache:
            cache[field.column_name] = _choice_labels(model, field.attribute)
        return cache[field.column_name]


class CadreResource(SafeResource):
    staff_no = _field("staff_no", "干部编号")
    name = _field("name", "姓名")
    gender = _field("gender", "性别")
    birth_date = _field("birth_date", "出生日期", DATE)
    unit = _field("unit__name", "单位")
    position = _field("position", "职务")
    leadership_level = _field("leadership_level", "领导职务层次")
    rank = _field("rank", "职级")
    category = _field("category", "干部类别")
    status = _field("status", "状态")
    post_since = _field("post_since", "任现职时间", DATE)
    rank_since = _field("rank_since", "任现职级时间", DATE)
    id_number = _field("masked_id_number", "身份证号")
    mobile = _field("masked_mobile", "手机号码")


class EntryResource(SafeResource):
    id = _field("id", "编号", INT)
    staff_no = _field("cadre__staff_no", "干部编号")
    name = _field("cadre__name", "姓名")
    unit = _field("unit__name", "单位")
    month = _field("month", "月份", DATE)
    occurred_on = _field("occurred_on", "发生日期", DATE)
    rule_code = _field("rule_code", "规则")
    category = _field("category", "类别")
    points = _field("points", "分值", DECIMAL)
    effective_points = _field("effective_points", "有效分值", DECIMAL)
    facts = _field("facts", "事由")
    document_no = _field("document_no", "文号")
    status = _field("status", "状态")
    reverses = _field("reverses_id", "冲销", INT)
    corrects = _field("corrects_id", "更正", INT)


class ReviewResource(SafeResource):
    staff_no = _field("cadre__staff_no", "干部编号")
    name = _field("cadre__name", "姓名")
    unit = _field("unit__name", "单位")
    year = _field("year", "年度", INT)
    quarter = _field("quarter", "季度", INT)
    political = _field("political", "政治定力", DECIMAL)
    responsibility = _field("responsibility", "担当精神", DECIMAL)
    problem_solving = _field("problem_solving", "破题能力", DECIMAL)
    bottom_line = _field("bottom_line", "底线意识", DECIMAL)
    results = _field("results", "争先创优", DECIMAL)
    mass_score = _field("mass_score", "群众口碑", DECIMAL)
    ledger_points = _field("ledger_points", "纪实积分", DECIMAL)
    score = _field("score", "季度得分", DECIMAL)
    grade = _field("grade", "等次")
    status = _field("status", "状态")


def _cadres(user, unit, year):
    qs = cadres_visible_to(user, roles=REPORT_ROLES).select_related("unit")
    return (qs.filter(unit_id__in=subtree_ids([unit.pk])) if unit else qs).order_by("staff_no")


def _entries(user, unit, year):
    qs = entries_visible_to(user, roles=REPORT_ROLES).select_related("cadre", "unit")
    if unit:
        qs = qs.filter(cadre__unit_id__in=subtree_ids([unit.pk]))
    if year:
        qs = qs.filter(month__year=year)
    return qs.order_by("month", "id")


def _reviews(user, unit, year):
    qs = reviews_visible_to(user, roles=REPORT_ROLES).select_related("cadre", "unit")
    if unit:
        qs = qs.filter(cadre__unit_id__in=subtree_ids([unit.pk]))
    if year:
        qs = qs.filter(year=year)
    return qs.order_by("year", "quarter", "unit_id", "cadre__staff_no")


RAW = {
    "cadres": ("干部名册", CadreResource, _cadres),
    "entries": ("积分明细", EntryResource, _entries),
    "reviews": ("季度考评", ReviewResource, _reviews),
}


def raw_queryset(what, *, user, unit=None, year=None):
    """The list's rows in the user's scope (the same selectors as the list pages)."""
    return RAW[what][2](user, unit, year)


def raw_export(what, queryset):
    """(xlsx bytes, rows) through import-export with native types."""
    title, resource, _ = RAW[what]
    dataset = resource().export(queryset=queryset, force_native_type=True)
    dataset.title = title  # the sheet's name; tablib's default is "Tablib Dataset"
    return XLSX().export_data(dataset), len(dataset)

from datetime import date

from django.urls import path, register_converter

from .views import review, rules, rulings


class LedgerMonthConverter:
    """``YYYY-MM`` in a URL ↔ the first day of that month; an impossible month is a 404."""

    regex = r"[0-9]{4}-[0-9]{2}"

    def to_python(self, value):
        year, month = value.split("-")
        return date(int(year), int(month), 1)

    def to_url(self, value):
        return f"{value:%Y-%m}" if isinstance(value, date) else value


register_converter(LedgerMonthConverter, "review_month")

urlpatterns = [
    path("review/", review.review_queue_view, name="review-queue"),
    path("ledger/completion/", review.completion_view, name="completion"),
    path("ledger/close/<int:unit_pk>/<review_month:month>/", review.month_close_view, name="month-close"),
    path("ledger/reopen/<int:unit_pk>/<review_month:month>/", review.month_reopen_view, name="month-reopen"),
    path("rulings/", rulings.ruling_index, name="ruling-list"),
    path("rulings/<int:pk>/", rulings.ruling_detail, name="ruling-detail"),
    path("entries/<int:entry_pk>/ruling/new/", rulings.ruling_new, name="ruling-new"),
    path("rules/", rules.rule_index, name="rule-list"),
    path("rules/new/", rules.rule_new, name="rule-new"),
    path("rules/<str:code>/", rules.rule_detail, name="rule-detail"),
    path("rules/<str:code>/revise/", rules.rule_revise_view, name="rule-revise"),
]

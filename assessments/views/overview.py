"""A unit's quarter at a glance: grades against the 好 quota, and who is still missing."""

from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from accounts.models import RECORD_ROLES
from core.access import role_required

from ..forms import OverviewForm, current_quarter
from ..selectors_page import quarter_overview


@role_required(*RECORD_ROLES)
@require_http_methods(["GET"])
def overview(request):
    form = OverviewForm(request.GET or None, user=request.user)
    if not request.GET:
        # The first visit shows the user's widest unit in the current quarter.
        year, quarter = current_quarter()
        top = form.fields["unit"].queryset.first()
        form = OverviewForm({"unit": top.pk if top else "", "year": year, "quarter": quarter}, user=request.user)
    data = form.cleaned_data if form.is_valid() else None
    context = {"form": form, "data": data}
    if data:
        context.update(quarter_overview(data["unit"], data["year"], data["quarter"]))
    return render(request, "assessments/overview.html", context)

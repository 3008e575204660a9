"""Per-unit 优秀 quotas (system administrator): e.g. 25% for a unit rated excellent."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.models import Role
from core.access import role_required
from core.forms import apply_service_errors
from core.paging import paginate
from records.selectors import subtree_ids, units_visible_to

from ..forms_scores import QuotaFilterForm, QuotaForm
from ..models import UnitExcellentQuota
from ..selectors_scores import percent
from ..services_committee import unit_quota_remove, unit_quota_set

SYSADMIN = {Role.SYSADMIN}


def _quotas(user):
    return UnitExcellentQuota.objects.filter(unit__in=units_visible_to(user, roles=SYSADMIN)).select_related("unit")


@role_required(Role.SYSADMIN)
@require_http_methods(["GET", "POST"])
def quota_list(request):
    form = QuotaForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            quota = unit_quota_set(
                actor=request.user, unit=data["unit"], year=data["year"], share=form.share, note=data["note"]
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("The 优秀 quota of %(unit)s for %(year)d is saved; it applies from the next computation.")
                % {"unit": quota.unit.name, "year": quota.year},
            )
            return redirect("assessments:quota-list")
    filters_form = QuotaFilterForm(request.GET or None, user=request.user)
    filters = filters_form.filters()
    quotas = _quotas(request.user)
    if "year" in filters:
        quotas = quotas.filter(year=filters["year"])
    if "unit" in filters:
        quotas = quotas.filter(unit_id__in=subtree_ids([filters["unit"].pk]))
    page = paginate(request, quotas.order_by("-year", "unit__depth", "unit__order", "unit__code"))
    for quota in page:
        quota.percent = percent(quota.share)
    return render(request, "assessments/quota_list.html", {"form": form, "filters": filters_form, "page": page})


@role_required(Role.SYSADMIN)
@require_http_methods(["POST"])
def quota_remove(request, pk):
    quota = get_object_or_404(_quotas(request.user), pk=pk)
    unit_quota_remove(actor=request.user, quota=quota)
    messages.success(
        request,
        _("The 优秀 quota of %(unit)s for %(year)d is removed; the scheme's share applies again.")
        % {"unit": quota.unit.name, "year": quota.year},
    )
    return redirect("assessments:quota-list")

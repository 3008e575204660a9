"""Scoring schemes (分层分类): the system administrator keeps them; a scheme in use gains versions."""

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.models import Role
from core.access import role_required
from core.forms import apply_service_errors
from records.selectors import scope_covers_county

from ..forms import FLAG_FIELDS, MODEL_FIELDS, SchemeForm, SchemeYearForm
from ..models import DEFAULT_FLAG_THRESHOLDS, ScoringScheme
from ..selectors import reviews_visible_to
from ..services import scheme_create, scheme_update


def _reviews_of(user):
    # Schemes are the county's, but the reviews using them are personnel data: a system admin of
    # one township counts only their township's.
    return reviews_visible_to(user, roles={Role.SYSADMIN})


def _used(user):
    return Count("reviews", filter=Q(reviews__in=_reviews_of(user).values("id")))


@role_required(Role.SYSADMIN)
@require_http_methods(["GET"])
def scheme_list(request):
    years = list(ScoringScheme.objects.order_by("-year").values_list("year", flat=True).distinct())
    year = years[0] if years else None
    # A bad year is shown beside the field; the page keeps showing the default year meanwhile.
    form = SchemeYearForm(request.GET or None, initial={"year": year})
    if form.is_bound and form.is_valid() and form.cleaned_data["year"] is not None:
        year = form.cleaned_data["year"]
    schemes = (
        ScoringScheme.objects.filter(year=year, is_current=True)
        .annotate(used=_used(request.user))
        .order_by("cadre_group", "unit_kind")
    )
    return render(
        request,
        "assessments/scheme_list.html",
        {
            "form": form,
            "years": years,
            "year": year,
            "schemes": schemes,
            "can_edit": scope_covers_county(request.user, {Role.SYSADMIN}),
        },
    )


def _flags(values):
    """Flag thresholds compared by value: ``{}`` means the defaults, and "0.1" equals "0.10"."""
    return {name: Decimal(str(values.get(name, DEFAULT_FLAG_THRESHOLDS[name]))) for name in FLAG_FIELDS}


def _differs(name, a, b):
    if name == "flag_thresholds":
        return _flags(a) != _flags(b)
    return a != b


def _changes(versions):
    """For each version (newest first), the labels of the fields that differ from the one before it."""
    names = [*MODEL_FIELDS, "flag_thresholds"]
    labels = {name: ScoringScheme._meta.get_field(name).verbose_name for name in names}
    for newer, older in zip(versions, versions[1:], strict=False):
        newer.changed = [labels[n] for n in names if _differs(n, getattr(newer, n), getattr(older, n))]
    if versions:
        versions[-1].changed = None
    return versions


@role_required(Role.SYSADMIN)
@require_http_methods(["GET"])
def scheme_detail(request, pk):
    scheme = get_object_or_404(ScoringScheme, pk=pk)
    versions = ScoringScheme.objects.filter(
        year=scheme.year, cadre_group=scheme.cadre_group, unit_kind=scheme.unit_kind
    ).annotate(used=_used(request.user))
    flags = [(field.label, scheme.flag_setting(name)) for name, field in FLAG_FIELDS.items()]
    return render(
        request,
        "assessments/scheme_detail.html",
        {
            "scheme": scheme,
            "versions": _changes(list(versions.order_by("-version"))),
            "used": _reviews_of(request.user).filter(scheme=scheme).count(),
            "flags": flags,
            "can_edit": scope_covers_county(request.user, {Role.SYSADMIN}),
        },
    )


@role_required(Role.SYSADMIN)
@require_http_methods(["GET", "POST"])
def scheme_new(request):
    if not scope_covers_county(request.user, {Role.SYSADMIN}):
        raise PermissionDenied
    form = SchemeForm(request.POST or None, creating=True)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            scheme = scheme_create(
                actor=request.user,
                year=data["year"],
                cadre_group=data["cadre_group"],
                unit_kind=data["unit_kind"],
                **form.scheme_values(),
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Scheme %(name)s created.") % {"name": scheme})
            return redirect("assessments:scheme-detail", pk=scheme.pk)
    return render(request, "assessments/scheme_form.html", {"form": form, "title": _("New scoring scheme")})


@role_required(Role.SYSADMIN)
@require_http_methods(["GET", "POST"])
def scheme_edit(request, pk):
    if not scope_covers_county(request.user, {Role.SYSADMIN}):
        raise PermissionDenied
    scheme = get_object_or_404(ScoringScheme, pk=pk, is_current=True)
    # Every review counts here: any one of them makes saving a new version, and only an admin of
    # the whole county reaches this page.
    used = scheme.reviews.count()
    form = SchemeForm(request.POST or None, scheme=scheme)
    if request.method == "POST" and form.is_valid():
        values = form.scheme_values()
        changes = {name: value for name, value in values.items() if _differs(name, value, getattr(scheme, name))}
        if not changes:
            messages.info(request, _("Nothing changed."))
            return redirect("assessments:scheme-detail", pk=scheme.pk)
        try:
            saved = scheme_update(actor=request.user, scheme=scheme, **changes)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            if saved.pk != scheme.pk:
                messages.success(
                    request,
                    _("Reviews already use version %(old)d, so the changes are version %(new)d.")
                    % {"old": scheme.version, "new": saved.version},
                )
            else:
                messages.success(request, _("Scheme saved."))
            return redirect("assessments:scheme-detail", pk=saved.pk)
    return render(
        request,
        "assessments/scheme_form.html",
        {"form": form, "scheme": scheme, "used": used, "title": _("Edit %(name)s") % {"name": scheme}},
    )

"""The rule book (积分标准): everyone with a record role reads it; the system admin writes it."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.models import RECORD_ROLES, Role
from core.access import role_required
from core.forms import apply_service_errors

from ..forms_review import RuleFilterForm, RuleForm
from ..models import CategoryCap, PointRule
from ..selectors import scope_covers_county
from ..selectors.ledger import entries_visible_to, rules_in_force
from ..services.rules import RULE_FIELDS, rule_create, rule_revise

RULE_READERS = (*RECORD_ROLES, Role.SYSADMIN)


def _keeps_rule_book(user):
    # The rule book is the county's: a system administrator of one township reads it only.
    return scope_covers_county(user, {Role.SYSADMIN})


def _filtered(rules, filters):
    if "category" in filters:
        rules = rules.filter(category=filters["category"])
    if "q" in filters:
        q = filters["q"].strip()
        rules = rules.filter(Q(code__istartswith=q) | Q(name__contains=q))
    return rules


@role_required(*RULE_READERS)
@require_http_methods(["GET"])
def rule_index(request):
    today = timezone.localdate()
    form = RuleFilterForm(request.GET or None)
    filters = form.filters()
    return render(
        request,
        "records/rule_list.html",
        {
            "form": form,
            "today": today,
            "rules": _filtered(rules_in_force(today), filters).order_by("code"),
            "scheduled": _filtered(PointRule.objects.filter(valid_from__gt=today), filters).order_by("code", "version"),
            "caps": CategoryCap.objects.order_by("category", "from_year"),
            "can_edit": _keeps_rule_book(request.user),
        },
    )


def _changes(versions):
    """For each version (newest first), the labels of the fields that differ from the one before it."""
    labels = {f: PointRule._meta.get_field(f).verbose_name for f in RULE_FIELDS}
    for newer, older in zip(versions, versions[1:], strict=False):
        newer.changed = [labels[f] for f in RULE_FIELDS if getattr(newer, f) != getattr(older, f)]
    if versions:
        versions[-1].changed = None
    return versions


@role_required(*RULE_READERS)
@require_http_methods(["GET"])
def rule_detail(request, code):
    # The rule book is the county's, but its use is personnel data: each reader, a system admin
    # included, counts only the entries of their own subtree (a reader of the whole county, all of
    # them, without filtering millions of entries through their scope).
    used = Count("entries")
    if not scope_covers_county(request.user, RULE_READERS):
        visible = entries_visible_to(request.user, roles=RULE_READERS)
        used = Count("entries", filter=Q(entries__in=visible.values("id")))
    versions = _changes(list(PointRule.objects.filter(code=code).annotate(used=used).order_by("-version")))
    if not versions:
        raise Http404
    today = timezone.localdate()
    return render(
        request,
        "records/rule_detail.html",
        {
            "code": code,
            "versions": versions,
            "latest": versions[0],
            "in_force": next((v for v in versions if v.valid_on(today)), None),
            "can_edit": _keeps_rule_book(request.user) and versions[0].valid_to is None,
        },
    )


@role_required(Role.SYSADMIN)
@require_http_methods(["GET", "POST"])
def rule_new(request):
    if not _keeps_rule_book(request.user):
        raise PermissionDenied
    form = RuleForm(request.POST or None, initial={"valid_from": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            rule = rule_create(
                actor=request.user, code=data["code"], valid_from=data["valid_from"], **form.rule_fields()
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Rule %(code)s created.") % {"code": rule.code})
            return redirect("records:rule-detail", code=rule.code)
    return render(request, "records/rule_form.html", {"form": form, "title": _("New rule")})


@role_required(Role.SYSADMIN)
@require_http_methods(["GET", "POST"])
def rule_revise_view(request, code):
    if not _keeps_rule_book(request.user):
        raise PermissionDenied
    current = get_object_or_404(PointRule, code=code, valid_to__isnull=True)
    form = RuleForm(request.POST or None, revising=current)
    if request.method == "POST" and form.is_valid():
        try:
            new = rule_revise(
                actor=request.user, rule=current, valid_from=form.cleaned_data["valid_from"], **form.rule_fields()
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("Rule %(code)s version %(version)d is in force from %(day)s.")
                % {"code": new.code, "version": new.version, "day": new.valid_from.isoformat()},
            )
            return redirect("records:rule-detail", code=new.code)
    return render(
        request,
        "records/rule_form.html",
        {
            "form": form,
            "rule": current,
            "title": _("Revise %(code)s %(name)s (version %(version)d)")
            % {"code": current.code, "name": current.name, "version": current.version},
        },
    )

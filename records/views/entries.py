"""The clerk's ledger pages: entries from the cadre page and from a unit's month sheet."""

import re
from datetime import date
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.models import RECORD_ROLES, Role
from core.access import role_required
from core.forms import apply_service_errors
from core.paging import paginate

from ..access import get_cadre_for_user, get_entry_for_user, get_unit_for_user
from ..forms_ledger import ClashFilterForm, CorrectForm, EntryForm, ReverseForm, SheetEntryForm, rule_label
from ..models import CadreStatus, EntryStatus, LedgerEntry, PointRule
from ..selectors import unit_in_scope
from ..selectors.clashes import clashing_entries, fact_clashes, units_entered_by
from ..selectors.ledger import (
    cadre_year,
    month_close_of,
    month_running_total,
    month_sheet,
    sanctions_of,
    talks_of,
)
from ..services.ledger import (
    entry_correct,
    entry_create,
    entry_reverse,
    entry_update,
    entry_withdraw,
    month_start,
)

# --- helpers shared by the ledger views ---------------------------------------------------------


def safe_next(request):
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return None


def cadre_ledger_url(cadre, year=None, *, anchor="ledger"):
    url = reverse("records:cadre-detail", args=[cadre.pk])
    if year and year != timezone.localdate().year:
        url += "?" + urlencode({"year": year})
    return f"{url}#{anchor}"


def entry_ledger_url(entry):
    """The entry's row in the ledger of its cadre's page."""
    return cadre_ledger_url(entry.cadre, entry.month.year, anchor=f"entry-{entry.pk}")


def _total_month(form, default):
    day = getattr(form, "cleaned_data", {}).get("occurred_on")
    return month_start(day) if isinstance(day, date) else default


def _refuse_reversal(request, entry, message):
    """A redirect saying why ``entry`` cannot be reversed or corrected now, or None if it can.

    A returned reversal still holds the entry: the clerk is sent to withdraw it, the only way on.
    """
    reversal = LedgerEntry.objects.filter(reverses=entry).only("pk", "status").first()
    if reversal is not None and reversal.status == EntryStatus.RETURNED:
        messages.error(request, _("The reversal of this entry was returned; withdraw that reversal first."))
        return redirect("records:entry-withdraw", pk=reversal.pk)
    if entry.status != EntryStatus.CONFIRMED or entry.is_reversal or reversal is not None:
        messages.error(request, message)
        return redirect(cadre_ledger_url(entry.cadre, entry.month.year))
    return None


# --- the ledger section of the cadre page ---------------------------------------------------------


def ledger_context(request, cadre):
    """What the cadre page shows of the ledger for ``?year=``, sanctions and talks.

    A constant number of queries whatever the number of entries: the links between originals,
    reversals and corrections are resolved in memory (they always share a month).
    """
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year", today.year))
    except ValueError:
        year = today.year
    if not 2000 <= year <= today.year + 1:
        year = today.year
    ledger = cadre_year(cadre, year)
    entries = ledger["entries"]
    by_id = {e.pk: e for e in entries}
    for e in entries:
        e.reversed_by = e.corrected_by = e.original = e.corrected_entry = None
    for e in entries:
        if e.reverses_id in by_id:
            e.original = by_id[e.reverses_id]
            e.original.reversed_by = e
        if e.corrects_id in by_id:
            e.corrected_entry = by_id[e.corrects_id]
            e.corrected_entry.corrected_by = e
    recorded = {m: Decimal("0") for m in range(1, 13)}
    pending = dict.fromkeys(range(1, 13), 0)
    for e in entries:
        if e.status == EntryStatus.CONFIRMED:
            recorded[e.month.month] += e.effective_points
        elif e.status == EntryStatus.PENDING:
            pending[e.month.month] += 1
    months = [
        {"number": m, "counted": ledger["months"].get(m), "recorded": recorded[m], "pending": pending[m]}
        for m in range(1, 13)
    ]
    years = {d.year for d in LedgerEntry.objects.filter(cadre=cadre).dates("month", "year")} | {today.year, year}
    sanctions = list(sanctions_of(cadre))
    for s in sanctions:
        s.active = s.is_active_on(today)
    return {
        "ledger": ledger,
        "ledger_year": year,
        "ledger_years": sorted(years),
        "ledger_months": months,
        "sanctions": sanctions,
        "talks": list(talks_of(cadre)),
        "today": today,
    }


# --- entries from the cadre page --------------------------------------------------------------------


def _entry_page(request, form, cadre, *, entry=None, title, month):
    return render(
        request,
        "records/entry_form.html",
        {
            "form": form,
            "cadre": cadre,
            "entry": entry,
            "title": title,
            "running": month_running_total(cadre, _total_month(form, month)),
            "next": safe_next(request) or "",
            "cancel_url": safe_next(request) or cadre_ledger_url(cadre, month.year),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def entry_new(request, pk):
    cadre = get_cadre_for_user(request.user, pk, write=True)
    form = EntryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            entry = entry_create(actor=request.user, cadre=cadre, **form.entry_values())
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("Entry %(code)s %(points)s recorded for %(name)s; it awaits confirmation.")
                % {"code": entry.rule_code, "points": f"{entry.points:+}", "name": cadre.name},
            )
            return redirect(safe_next(request) or cadre_ledger_url(cadre, entry.month.year))
    title = _("New entry for %(name)s") % {"name": cadre.name}
    return _entry_page(request, form, cadre, title=title, month=month_start(timezone.localdate()))


@login_required
@require_http_methods(["GET", "POST"])
def entry_edit(request, pk):
    entry = get_entry_for_user(request.user, pk, write=True)
    cadre = entry.cadre
    if entry.is_reversal:
        # A reversal is never reversed: a pending or returned one is withdrawn, a confirmed one stays.
        if entry.status == EntryStatus.CONFIRMED:
            messages.error(request, _("A confirmed reversal cannot be edited, withdrawn or reversed."))
            return redirect(entry_ledger_url(entry))
        messages.error(request, _("A reversal cannot be edited; withdraw it instead."))
        return redirect("records:entry-withdraw", pk=entry.pk)
    if entry.status == EntryStatus.CONFIRMED:
        messages.error(request, _("A confirmed entry cannot be changed: reverse it and enter a correction."))
        return redirect(cadre_ledger_url(cadre, entry.month.year))
    form = EntryForm(request.POST or None, entry=entry)
    if request.method == "POST" and form.is_valid():
        try:
            entry = entry_update(actor=request.user, entry=entry, **form.entry_values())
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Entry saved; it awaits confirmation again."))
            return redirect(safe_next(request) or cadre_ledger_url(cadre, entry.month.year))
    title = _("Edit entry %(code)s of %(name)s") % {"code": entry.rule_code, "name": cadre.name}
    return _entry_page(request, form, cadre, entry=entry, title=title, month=entry.month)


@login_required
@require_http_methods(["GET", "POST"])
def entry_withdraw_view(request, pk):
    entry = get_entry_for_user(request.user, pk, write=True)
    cadre = entry.cadre
    back = safe_next(request) or cadre_ledger_url(cadre, entry.month.year)
    if entry.status == EntryStatus.CONFIRMED:
        messages.error(request, _("A confirmed entry is never deleted: reverse it instead."))
        return redirect(back)
    if request.method == "POST":
        try:
            withdrawn = entry_withdraw(actor=request.user, entry=entry)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            if len(withdrawn) > 1:
                messages.success(request, _("Reversal withdrawn, and with it the correction entered together with it."))
            else:
                messages.success(request, _("Entry withdrawn."))
        return redirect(back)
    return render(request, "records/entry_withdraw.html", {"entry": entry, "cadre": cadre, "back": back})


@login_required
@require_http_methods(["GET", "POST"])
def entry_reverse_view(request, pk):
    entry = get_entry_for_user(request.user, pk, write=True)
    cadre = entry.cadre
    refused = _refuse_reversal(request, entry, _("Only a confirmed entry that has not been reversed can be reversed."))
    if refused is not None:
        return refused
    form = ReverseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            entry_reverse(actor=request.user, entry=entry, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Reversal recorded; it awaits confirmation."))
            return redirect(cadre_ledger_url(cadre, entry.month.year))
    return render(request, "records/entry_reverse.html", {"entry": entry, "cadre": cadre, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def entry_correct_view(request, pk):
    entry = get_entry_for_user(request.user, pk, write=True)
    cadre = entry.cadre
    refused = _refuse_reversal(request, entry, _("Only a confirmed entry that has not been reversed can be corrected."))
    if refused is not None:
        return refused
    form = CorrectForm(request.POST or None, entry=entry)
    if request.method == "POST" and form.is_valid():
        try:
            entry_correct(actor=request.user, entry=entry, reason=form.cleaned_data["reason"], **form.entry_values())
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Correction recorded: a reversal and a new entry, both awaiting confirmation."))
            return redirect(cadre_ledger_url(cadre, entry.month.year))
    return render(
        request,
        "records/entry_correct.html",
        {"entry": entry, "cadre": cadre, "form": form, "running": month_running_total(cadre, entry.month)},
    )


# --- the month sheet ----------------------------------------------------------------------------------


def _parse_month(text):
    match = re.fullmatch(r"(\d{4})-(\d{1,2})", text or "")
    if not match:
        return None
    try:
        return date(int(match[1]), int(match[2]), 1)
    except ValueError:
        return None


def _shift(month, months):
    """``month`` moved by ``months``, or None past the calendar's ends (years 1 and 9999)."""
    try:
        return month + relativedelta(months=months)
    except (ValueError, OverflowError):
        return None


def _sheet_url(unit, month, **query):
    url = reverse("records:month-sheet", args=[unit.pk, f"{month.year:04d}-{month.month:02d}"])
    query = {k: v for k, v in query.items() if v}
    return url + ("?" + urlencode(query) if query else "")


def _sheet_defaults(request, month):
    """The next row's defaults, carried in the query string after a save."""
    initial = {}
    if request.GET.get("cadre", "").isdecimal():  # isdigit() accepts "²", which int() refuses
        initial["cadre"] = int(request.GET["cadre"])
    code = request.GET.get("rule", "").strip().upper()
    if code:
        rule = PointRule.objects.filter(code=code).order_by("-version").first()
        initial["rule"] = rule_label(rule) if rule else code
    try:
        day = date.fromisoformat(request.GET.get("on", ""))
    except ValueError:
        day = None
    if day and month_start(day) == month:
        initial["occurred_on"] = day
    return initial


def _refuse_closed_meanwhile(form, close, month):
    """Refuse the posted row of a month closed since the sheet was opened, keeping what was typed:
    the clerk copies it, or enters it again once a reviewer has reopened the month."""
    form.add_error(None, _("%(month)s is closed; no new entries.") % {"month": f"{month:%Y-%m}"})
    form.add_error(
        None,
        _(
            "It was closed for %(unit)s by %(who)s at %(when)s, while this row was being typed. Nothing was "
            "saved: the row is kept below, to copy, or to add again once a reviewer has reopened the month."
        )
        % {
            "unit": close.unit.name,
            "who": close.closed_by,
            "when": f"{timezone.localtime(close.closed_at):%Y-%m-%d %H:%M}",
        },
    )


@role_required(*RECORD_ROLES)
@require_http_methods(["GET"])
def month_sheet_current(request, pk):
    unit = get_unit_for_user(request.user, pk)
    month = _parse_month(request.GET.get("month")) or month_start(timezone.localdate())
    return redirect(_sheet_url(unit, month))


@role_required(*RECORD_ROLES)
@require_http_methods(["GET", "POST"])
def month_sheet_view(request, pk, month):
    unit = get_unit_for_user(request.user, pk)
    month = _parse_month(month)
    if month is None:
        raise Http404
    can_enter = unit_in_scope(request.user, unit.pk, roles={Role.CLERK})
    if request.method == "POST" and not can_enter:
        raise PermissionDenied
    close = month_close_of(unit.pk, month)
    # A month to come takes no entries (their dates cannot be in the future): no form to fail on.
    not_begun = month > month_start(timezone.localdate())
    form = None
    # A closed month offers no form, but a row posted to it is shown again, refused (see below).
    if can_enter and not not_begun and (close is None or request.method == "POST"):
        cadres = unit.cadres.filter(status__in=[CadreStatus.ACTIVE, CadreStatus.SECONDED]).order_by("staff_no")
        form = SheetEntryForm(request.POST or None, cadres=cadres, month=month, initial=_sheet_defaults(request, month))
        if request.method == "POST" and close is not None:
            _refuse_closed_meanwhile(form, close, month)
        elif request.method == "POST" and form.is_valid():
            cadre = form.cleaned_data["cadre"]
            try:
                entry = entry_create(actor=request.user, cadre=cadre, month=month, **form.entry_values())
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("Entry %(code)s %(points)s recorded for %(name)s.")
                    % {"code": entry.rule_code, "points": f"{entry.points:+}", "name": cadre.name},
                )
                # No #fragment: a page opened at a fragment skips autofocus (HTML spec), and the
                # form sits at the top anyway, under the message that says the row was saved.
                return redirect(
                    _sheet_url(unit, month, cadre=cadre.pk, rule=entry.rule_code, on=entry.occurred_on.isoformat())
                )
    clashes = fact_clashes(request.user, unit=unit, subunits=False)  # the cadres the sheet lists
    return render(
        request,
        "records/month_sheet.html",
        {
            "unit": unit,
            "month": month,
            "rows": month_sheet(unit, month),
            "closer": close.unit if close else None,
            "not_begun": not_begun,
            "clashes": len(clashes),
            "form": form,
            "can_enter": can_enter,
            "previous": _shift(month, -1),
            "following": _shift(month, 1),
            "sheet_url": _sheet_url(unit, month),
        },
    )


# --- facts scored twice ---------------------------------------------------------------------------------


@role_required(Role.CLERK, Role.REVIEWER)
@require_http_methods(["GET"])
def entry_clashes(request):
    """Entries scoring a fact another entry scores too (same cadre, rule and canonical 文号, as
    migration records.0005 left them), to be withdrawn or corrected."""
    form = ClashFilterForm(request.GET or None, user=request.user)
    clashes = fact_clashes(request.user, unit=form.filters().get("unit"))
    page = paginate(request, clashing_entries(request.user, clashes))
    writable = units_entered_by(request.user, {e.cadre.unit_id for e in page})
    for e in page:
        e.twins = clashes[e.pk]
        e.can_edit = e.cadre.unit_id in writable
    return render(request, "records/entry_clashes.html", {"form": form, "page": page})

"""The ledger API: rules, entries, sanctions, talks and fault-tolerance rulings.

Reads go through the same scoped selectors as the pages and writes through the same services.
A service's PermissionDenied answers 403, its ValidationError 400 with the field names, and
anything outside the user's scope 404.
"""

from contextlib import contextmanager

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from rest_framework import generics, status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Role
from accounts.roles import has_role

from ..models import FaultToleranceRuling, PointRule
from ..selectors import cadres_visible_to, subtree_ids, unit_in_scope
from ..selectors.ledger import entries_visible_to, rules_in_force, sanctions_visible_to, talks_visible_to
from ..services.ledger import (
    entry_confirm,
    entry_create,
    entry_return,
    entry_reverse,
    entry_update,
    ruling_apply,
    ruling_determine,
    ruling_file,
    ruling_verify,
)
from ..services.sanctions import (
    sanction_correct,
    sanction_create,
    sanction_withdraw,
    talk_correct,
    talk_create,
    talk_withdraw,
)
from . import ledger_serializers as s
from .views import RecordReaderMixin

ENTRY_RELATED = ("cadre", "unit", "rule", "entered_by", "decided_by", "ruling", "reversal")
RULING_RELATED = ("entry", "entry__cadre")


@contextmanager
def service_errors():
    """Turn a service's ValidationError into a 400 keyed by field (non_field_errors otherwise)."""
    try:
        yield
    except DjangoValidationError as exc:
        if hasattr(exc, "error_dict"):
            detail = {
                (key if key not in (None, NON_FIELD_ERRORS) else "non_field_errors"): messages
                for key, messages in exc.message_dict.items()
            }
        else:
            detail = {"non_field_errors": exc.messages}
        raise ValidationError(detail) from exc


def _params(serializer_class, request):
    params = serializer_class(data=request.query_params)
    params.is_valid(raise_exception=True)
    return params.validated_data


def _data(serializer_class, request):
    data = serializer_class(data=request.data)
    data.is_valid(raise_exception=True)
    return data.validated_data


def _require_role(user, role, message):
    if not has_role(user, role):
        raise PermissionDenied(message)


def _visible_cadre(user, pk):
    return get_object_or_404(cadres_visible_to(user).select_related("unit"), pk=pk)


# --- Rules -------------------------------------------------------------------------------------


class RuleList(RecordReaderMixin, generics.ListAPIView):
    """Every version of the rule book; ``?in_force_on=`` keeps the versions in force that day."""

    serializer_class = s.RuleSerializer

    def get_queryset(self):
        params = _params(s.RuleFilterSerializer, self.request)
        qs = rules_in_force(params["in_force_on"]) if "in_force_on" in params else PointRule.objects.all()
        if params.get("category"):
            qs = qs.filter(category=params["category"])
        if params.get("code"):
            qs = qs.filter(code=params["code"].strip().upper())
        return qs.order_by("code", "version")


# --- Entries -----------------------------------------------------------------------------------


def entries_for_api(user):
    return entries_visible_to(user).select_related(*ENTRY_RELATED)


def _entry(user, pk):
    return get_object_or_404(entries_for_api(user), pk=pk)


def _rule(value, occurred_on):
    """A rule version by id, or by code: the version in force on ``occurred_on``."""
    value = str(value).strip()
    if value.isdecimal():  # isdigit() accepts "²", which int() refuses
        rule = PointRule.objects.filter(pk=int(value)).first()
    else:
        rule = rules_in_force(occurred_on).filter(code=value.upper()).order_by("-version").first()
    if rule is None:
        raise ValidationError(
            {"rule": [_("No rule %(rule)s in force on %(day)s.") % {"rule": value, "day": occurred_on.isoformat()}]}
        )
    return rule


class EntryList(RecordReaderMixin, generics.ListCreateAPIView):
    """GET: filter by cadre, unit (the unit recorded on the entry, with its subunits), month
    (YYYY-MM), status, rule_code. POST (clerks): a new pending entry through entry_create."""

    serializer_class = s.EntrySerializer

    def get_queryset(self):
        params = _params(s.EntryFilterSerializer, self.request)
        qs = entries_for_api(self.request.user)
        if "cadre" in params:
            qs = qs.filter(cadre_id=params["cadre"])
        if "unit" in params:
            qs = qs.filter(unit_id__in=subtree_ids([params["unit"]]))
        if "month" in params:
            qs = qs.filter(month=params["month"])
        if params.get("status"):
            qs = qs.filter(status=params["status"])
        if params.get("rule_code"):
            qs = qs.filter(rule_code=params["rule_code"].strip().upper())
        return qs.order_by("-month", "-occurred_on", "-id")

    def create(self, request, *args, **kwargs):
        _require_role(request.user, Role.CLERK, _("Only a clerk whose scope covers the cadre may enter points."))
        data = _data(s.EntryInputSerializer, request)
        cadre = _visible_cadre(request.user, data["cadre"])
        rule = _rule(data["rule"], data["occurred_on"])
        with service_errors():
            entry = entry_create(
                actor=request.user,
                cadre=cadre,
                rule=rule,
                points=data["points"],
                facts=data["facts"],
                document_no=data["document_no"],
                occurred_on=data["occurred_on"],
            )
        return Response(s.EntrySerializer(_entry(request.user, entry.pk)).data, status=status.HTTP_201_CREATED)


class EntryDetail(RecordReaderMixin, generics.RetrieveAPIView):
    """GET one entry; PATCH a pending or returned one (clerks) through entry_update.
    Confirmed entries are never edited or deleted: reverse them."""

    serializer_class = s.EntrySerializer

    def get_object(self):
        return _entry(self.request.user, self.kwargs["pk"])

    def patch(self, request, pk):
        entry = self.get_object()
        _require_role(request.user, Role.CLERK, _("Your role does not allow this for this unit."))
        data = _data(s.EntryPatchSerializer, request)
        occurred_on = data.get("occurred_on", entry.occurred_on)
        rule = _rule(data["rule"], occurred_on) if "rule" in data else entry.rule
        with service_errors():
            entry_update(
                actor=request.user,
                entry=entry,
                rule=rule,
                points=data.get("points", entry.points),
                facts=data.get("facts", entry.facts),
                document_no=data.get("document_no", entry.document_no),
                occurred_on=occurred_on,
            )
        return Response(s.EntrySerializer(_entry(request.user, pk)).data)


def _require_decider(user, entry):
    """403 for whoever may not decide this entry; the service checks the same again under lock."""
    if not unit_in_scope(user, entry.cadre.unit_id, roles={Role.REVIEWER}):
        raise PermissionDenied(_("This entry is outside the units you review."))
    if entry.entered_by_id == user.pk:
        raise PermissionDenied(_("You entered this entry, so someone else must confirm it."))


class EntryConfirm(RecordReaderMixin, APIView):
    def post(self, request, pk):
        entry = _entry(request.user, pk)
        _require_decider(request.user, entry)
        with service_errors():
            entry_confirm(actor=request.user, entry=entry)
        return Response(s.EntrySerializer(_entry(request.user, pk)).data)


class EntryReturn(RecordReaderMixin, APIView):
    def post(self, request, pk):
        entry = _entry(request.user, pk)
        _require_decider(request.user, entry)
        data = _data(s.ReasonSerializer, request)
        with service_errors():
            entry_return(actor=request.user, entry=entry, reason=data["reason"])
        return Response(s.EntrySerializer(_entry(request.user, pk)).data)


class EntryReverse(RecordReaderMixin, APIView):
    """A pending reversal entry (equal and opposite) for a confirmed one; answers the reversal."""

    def post(self, request, pk):
        entry = _entry(request.user, pk)
        data = _data(s.ReasonSerializer, request)
        with service_errors():
            reversal = entry_reverse(actor=request.user, entry=entry, reason=data["reason"])
        return Response(s.EntrySerializer(_entry(request.user, reversal.pk)).data, status=status.HTTP_201_CREATED)


# --- Sanctions and talks -----------------------------------------------------------------------


def _withdraw_reason(request):
    """A DELETE's ``reason``: in the body, or in the query string for clients that send no body."""
    source = request.data if "reason" in request.data else request.query_params
    params = s.ReasonSerializer(data=source)
    params.is_valid(raise_exception=True)
    return params.validated_data["reason"]


def sanctions_for_api(user):
    return sanctions_visible_to(user).select_related("cadre", "measure")


def talks_for_api(user):
    return talks_visible_to(user).select_related("cadre")


class SanctionList(RecordReaderMixin, generics.ListCreateAPIView):
    serializer_class = s.SanctionSerializer

    def get_queryset(self):
        qs = sanctions_for_api(self.request.user)
        params = _params(s.CadreFilterSerializer, self.request)
        if "cadre" in params:
            qs = qs.filter(cadre_id=params["cadre"])
        return qs.order_by("-decided_on", "-id")

    def create(self, request, *args, **kwargs):
        _require_role(request.user, Role.CLERK, _("Your role does not allow this for this unit."))
        data = _data(s.SanctionInputSerializer, request)
        cadre = _visible_cadre(request.user, data["cadre"])
        with service_errors():
            sanction = sanction_create(
                actor=request.user,
                cadre=cadre,
                measure=data["measure"],
                decided_on=data["decided_on"],
                document_no=data["document_no"],
                reason=data["reason"],
            )
        return Response(
            s.SanctionSerializer(self.get_queryset().get(pk=sanction.pk)).data, status=status.HTTP_201_CREATED
        )


def _patched(record, data, fields):
    """A PATCH's values of ``fields``: those sent, the record's own for the rest."""
    return {name: data.get(name, getattr(record, name)) for name in fields}


class SanctionDetail(RecordReaderMixin, generics.RetrieveAPIView):
    """GET one sanction; PATCH corrects it (clerks, with ``correction_reason``): its impact periods
    follow the corrected measure and date; DELETE withdraws one entered by mistake (``reason``)."""

    serializer_class = s.SanctionSerializer

    def get_queryset(self):
        return sanctions_for_api(self.request.user)

    def patch(self, request, pk):
        sanction = self.get_object()
        _require_role(request.user, Role.CLERK, _("Your role does not allow this for this unit."))
        data = _data(s.SanctionPatchSerializer, request)
        with service_errors():
            sanction_correct(
                actor=request.user,
                sanction=sanction,
                **_patched(sanction, data, ("measure", "decided_on", "document_no", "reason")),
                correction_reason=data.get("correction_reason", ""),
            )
        return Response(s.SanctionSerializer(self.get_queryset().get(pk=pk)).data)

    def delete(self, request, pk):
        sanction = self.get_object()
        _require_role(request.user, Role.CLERK, _("Your role does not allow this for this unit."))
        reason = _withdraw_reason(request)
        with service_errors():
            sanction_withdraw(actor=request.user, sanction=sanction, reason=reason)
        return Response(status=status.HTTP_204_NO_CONTENT)


class TalkList(RecordReaderMixin, generics.ListCreateAPIView):
    serializer_class = s.TalkSerializer

    def get_queryset(self):
        qs = talks_for_api(self.request.user)
        params = _params(s.TalkFilterSerializer, self.request)
        if "cadre" in params:
            qs = qs.filter(cadre_id=params["cadre"])
        if params.get("kind"):
            qs = qs.filter(kind=params["kind"])
        return qs.order_by("-held_on", "-id")

    def create(self, request, *args, **kwargs):
        _require_role(request.user, Role.CLERK, _("Your role does not allow this for this unit."))
        data = _data(s.TalkInputSerializer, request)
        cadre = _visible_cadre(request.user, data["cadre"])
        with service_errors():
            talk = talk_create(
                actor=request.user,
                cadre=cadre,
                kind=data["kind"],
                held_on=data["held_on"],
                talker=data["talker"],
                summary=data["summary"],
                outcome=data["outcome"],
            )
        return Response(s.TalkSerializer(self.get_queryset().get(pk=talk.pk)).data, status=status.HTTP_201_CREATED)


class TalkDetail(RecordReaderMixin, generics.RetrieveAPIView):
    """GET one talk record; PATCH corrects it (clerks, with ``correction_reason``); DELETE withdraws
    one entered by mistake (``reason``)."""

    serializer_class = s.TalkSerializer

    def get_queryset(self):
        return talks_for_api(self.request.user)

    def patch(self, request, pk):
        talk = self.get_object()
        _require_role(request.user, Role.CLERK, _("Your role does not allow this for this unit."))
        data = _data(s.TalkPatchSerializer, request)
        with service_errors():
            talk_correct(
                actor=request.user,
                talk=talk,
                **_patched(talk, data, ("kind", "held_on", "talker", "summary", "outcome")),
                correction_reason=data.get("correction_reason", ""),
            )
        return Response(s.TalkSerializer(self.get_queryset().get(pk=pk)).data)

    def delete(self, request, pk):
        talk = self.get_object()
        _require_role(request.user, Role.CLERK, _("Your role does not allow this for this unit."))
        reason = _withdraw_reason(request)
        with service_errors():
            talk_withdraw(actor=request.user, talk=talk, reason=reason)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Fault tolerance (容错纠错) ------------------------------------------------------------------


def rulings_for_api(user):
    return FaultToleranceRuling.objects.filter(entry__in=entries_visible_to(user)).select_related(*RULING_RELATED)


def _ruling(user, pk):
    return get_object_or_404(rulings_for_api(user), pk=pk)


class RulingList(RecordReaderMixin, generics.ListCreateAPIView):
    """GET: filter by cadre, entry, stage. POST (clerks): apply for fault tolerance on a deduction."""

    serializer_class = s.RulingSerializer

    def get_queryset(self):
        qs = rulings_for_api(self.request.user)
        params = _params(s.RulingFilterSerializer, self.request)
        if "cadre" in params:
            qs = qs.filter(entry__cadre_id=params["cadre"])
        if "entry" in params:
            qs = qs.filter(entry_id=params["entry"])
        if params.get("stage"):
            qs = qs.filter(stage=params["stage"])
        return qs.order_by("-applied_at", "-id")

    def create(self, request, *args, **kwargs):
        _require_role(request.user, Role.CLERK, _("Your role does not allow this for this unit."))
        data = _data(s.RulingApplySerializer, request)
        entry = _entry(request.user, data["entry"])
        with service_errors():
            ruling = ruling_apply(actor=request.user, entry=entry, basis=data["basis"], application=data["application"])
        return Response(s.RulingSerializer(_ruling(request.user, ruling.pk)).data, status=status.HTTP_201_CREATED)


class RulingDetail(RecordReaderMixin, generics.RetrieveAPIView):
    serializer_class = s.RulingSerializer

    def get_object(self):
        return _ruling(self.request.user, self.kwargs["pk"])


def _require_ruling_reviewer(user, ruling):
    if not unit_in_scope(user, ruling.entry.cadre.unit_id, roles={Role.REVIEWER}):
        raise PermissionDenied(_("Your role does not allow this for this unit."))
    if ruling.applied_by_id == user.pk:
        raise PermissionDenied(_("Whoever applied cannot verify or determine the same ruling."))


class RulingVerify(RecordReaderMixin, APIView):
    def post(self, request, pk):
        ruling = _ruling(request.user, pk)
        _require_ruling_reviewer(request.user, ruling)
        data = _data(s.RulingVerifySerializer, request)
        with service_errors():
            ruling_verify(actor=request.user, ruling=ruling, findings=data["verification"])
        return Response(s.RulingSerializer(_ruling(request.user, pk)).data)


class RulingDetermine(RecordReaderMixin, APIView):
    def post(self, request, pk):
        ruling = _ruling(request.user, pk)
        _require_ruling_reviewer(request.user, ruling)
        data = _data(s.RulingDetermineSerializer, request)
        with service_errors():
            ruling_determine(
                actor=request.user,
                ruling=ruling,
                outcome=data["outcome"],
                determination=data["determination"],
                reduced_points=data["reduced_points"],
            )
        return Response(s.RulingSerializer(_ruling(request.user, pk)).data)


class RulingFile(RecordReaderMixin, APIView):
    def post(self, request, pk):
        ruling = _ruling(request.user, pk)
        data = _data(s.RulingFileSerializer, request)
        with service_errors():
            ruling_file(actor=request.user, ruling=ruling, document_no=data["filing_document_no"])
        return Response(s.RulingSerializer(_ruling(request.user, pk)).data)

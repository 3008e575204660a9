"""The annual summary and flag API (年汇总, 人选提示): list, retrieve, and the committee's decision on a flag.

Reads go through summaries_visible_to / flags_visible_to, so a row outside the user's scope answers
404. Only reviewers and the committee read them. A decision calls flag_decide, whose PermissionDenied
answers 403 and whose ValidationError answers 400 with the field names; the committee role is also
checked before the body is read.
"""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from rest_framework import generics
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Role
from accounts.roles import has_role
from records.api.ledger_views import service_errors
from records.selectors import subtree_ids

from ..access_scores import get_flag_for_user
from ..selectors_scores import (
    SUMMARY_RELATED,
    can_read_scores,
    effective_grade,
    flag_table,
    flags_visible_to,
    summaries_visible_to,
)
from ..services_committee import flag_decide
from . import serializers as s


class ScoreReaderMixin:
    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if not can_read_scores(request.user):
            raise PermissionDenied


def _params(serializer_class, request):
    params = serializer_class(data=request.query_params)
    params.is_valid(raise_exception=True)
    return params.validated_data


def _params_body(serializer_class, request):
    data = serializer_class(data=request.data)
    data.is_valid(raise_exception=True)
    return data.validated_data


class SummaryList(ScoreReaderMixin, generics.ListAPIView):
    """Filters: year, unit (the unit graded in, with its subunits), grade (the committee's where
    decided, else the suggestion), category, cadre."""

    serializer_class = s.SummarySerializer

    def get_queryset(self):
        params = _params(s.SummaryFilterSerializer, self.request)
        qs = summaries_visible_to(self.request.user).select_related(*SUMMARY_RELATED, "decided_by")
        for name in ("year", "category"):
            if params.get(name):
                qs = qs.filter(**{name: params[name]})
        if "unit" in params:
            qs = qs.filter(unit_id__in=subtree_ids([params["unit"]]))
        if "cadre" in params:
            qs = qs.filter(cadre_id=params["cadre"])
        if params.get("grade"):
            qs = qs.filter(effective_grade(params["grade"]), on_probation=False)
        return qs.order_by("-year", "unit__depth", "unit__code", "unit_rank", "cadre__staff_no", "id")


class SummaryDetail(ScoreReaderMixin, generics.RetrieveAPIView):
    serializer_class = s.SummarySerializer

    def get_object(self):
        qs = summaries_visible_to(self.request.user).select_related(*SUMMARY_RELATED, "decided_by")
        return get_object_or_404(qs, pk=self.kwargs["pk"])


class FlagList(ScoreReaderMixin, generics.ListAPIView):
    """Filters: year, kind, state, decision (accepted, dismissed or pending), unit (with its subunits), cadre."""

    serializer_class = s.FlagSerializer

    def get_queryset(self):
        params = _params(s.FlagFilterSerializer, self.request)
        flags = flags_visible_to(self.request.user)
        if "cadre" in params:
            flags = flags.filter(cadre_id=params.pop("cadre"))
        unit = params.pop("unit", None)
        if unit is not None:
            flags = flags.filter(unit_id__in=subtree_ids([unit]))
        return flag_table(flags, **params)


class FlagDetail(ScoreReaderMixin, generics.RetrieveAPIView):
    serializer_class = s.FlagSerializer

    def get_object(self):
        return get_flag_for_user(self.request.user, self.kwargs["pk"])


class FlagDecide(ScoreReaderMixin, APIView):
    """The committee accepts or dismisses a raised flag: {"decision": "accepted"|"dismissed", "note": "…"}."""

    def post(self, request, pk):
        flag = get_flag_for_user(request.user, pk)
        if not has_role(request.user, Role.COMMITTEE):
            raise PermissionDenied
        data = _params_body(s.DecideSerializer, request)
        with service_errors():
            flag_decide(actor=request.user, flag=flag, decision=data["decision"], note=data["note"])
        return Response(s.FlagSerializer(get_flag_for_user(request.user, pk)).data)

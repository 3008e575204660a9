"""The quarterly review API (季考评): list, retrieve, and one explicit action per step of the workflow.

Reads go through reviews_visible_to, so a review outside the user's scope answers 404. Each action
calls its service, which decides who may do it under a row lock: its PermissionDenied answers 403, its
ValidationError 400 with the field names. The assess and approve checks are also asked before the
request body is read, so someone who may not act gets 403 whatever they send.
"""

from django.core.exceptions import PermissionDenied
from rest_framework import generics
from rest_framework.response import Response
from rest_framework.views import APIView

from assessments.access import REVIEW_RELATED, get_review_for_user
from assessments.selectors import reviews_visible_to
from assessments.services import (
    approve_problem,
    assess_problem,
    review_approve,
    review_reopen,
    review_return,
    review_score,
    review_submit,
)

from ..selectors import subtree_ids
from . import review_serializers as s
from .ledger_views import service_errors
from .views import RecordReaderMixin


def _validated(serializer_class, data):
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _require(problem):
    if problem:
        raise PermissionDenied(problem)


def _answer(request, pk):
    return Response(s.ReviewSerializer(get_review_for_user(request.user, pk)).data)


class ReviewList(RecordReaderMixin, generics.ListAPIView):
    """Filters: year, quarter, unit (the unit whose 好 quota the review counts against, with its subunits),
    status, grade, cadre."""

    serializer_class = s.ReviewSerializer

    def get_queryset(self):
        params = _validated(s.ReviewFilterSerializer, self.request.query_params)
        qs = reviews_visible_to(self.request.user).select_related(*REVIEW_RELATED)
        for name in ("year", "quarter", "status", "grade"):
            if params.get(name):
                qs = qs.filter(**{name: params[name]})
        if "cadre" in params:
            qs = qs.filter(cadre_id=params["cadre"])
        if "unit" in params:
            qs = qs.filter(unit_id__in=subtree_ids([params["unit"]]))
        return qs.order_by("-year", "-quarter", "unit__code", "cadre__staff_no", "id")


class ReviewDetail(RecordReaderMixin, generics.RetrieveAPIView):
    serializer_class = s.ReviewSerializer

    def get_object(self):
        return get_review_for_user(self.request.user, self.kwargs["pk"])


class ReviewScore(RecordReaderMixin, APIView):
    """The assessor's five dimensions, optionally the mass evaluation and a grade at or below the suggestion."""

    def post(self, request, pk):
        review = get_review_for_user(request.user, pk)
        _require(assess_problem(request.user, review))
        data = _validated(s.ScoreSerializer, request.data)
        with service_errors():
            review_score(
                actor=request.user,
                review=review,
                political=data["political"],
                responsibility=data["responsibility"],
                problem_solving=data["problem_solving"],
                bottom_line=data["bottom_line"],
                results=data["results"],
                comment=data["comment"],
                mass_score=data["mass_score"],
                grade=data["grade"] or None,
            )
        return _answer(request, pk)


class ReviewSubmit(RecordReaderMixin, APIView):
    def post(self, request, pk):
        review = get_review_for_user(request.user, pk)
        _require(assess_problem(request.user, review))
        with service_errors():
            review_submit(actor=request.user, review=review)
        return _answer(request, pk)


class ReviewApprove(RecordReaderMixin, APIView):
    def post(self, request, pk):
        review = get_review_for_user(request.user, pk)
        _require(approve_problem(request.user, review))
        with service_errors():
            review_approve(actor=request.user, review=review)
        return _answer(request, pk)


class ReviewReturn(RecordReaderMixin, APIView):
    def post(self, request, pk):
        review = get_review_for_user(request.user, pk)
        _require(approve_problem(request.user, review))
        data = _validated(s.ReasonSerializer, request.data)
        with service_errors():
            review_return(actor=request.user, review=review, reason=data["reason"])
        return _answer(request, pk)


class ReviewReopen(RecordReaderMixin, APIView):
    """Unlock an approved review; who may (its assessor or another reviewer of the unit) is the service's call."""

    def post(self, request, pk):
        review = get_review_for_user(request.user, pk)
        data = _validated(s.ReasonSerializer, request.data)
        with service_errors():
            review_reopen(actor=request.user, review=review, reason=data["reason"])
        return _answer(request, pk)

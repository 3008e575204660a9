from django.core.exceptions import PermissionDenied
from rest_framework import generics
from rest_framework.exceptions import ValidationError

from accounts.models import RECORD_ROLES
from accounts.roles import has_role

from ..access import get_cadre_for_user
from ..forms import CadreFilterForm
from ..selectors import cadre_list, can_see_sensitive, units_visible_to
from .serializers import CadreDetailSerializer, CadreSerializer, UnitSerializer


class RecordReaderMixin:
    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if not has_role(request.user, *RECORD_ROLES):
            raise PermissionDenied


class UnitList(RecordReaderMixin, generics.ListAPIView):
    serializer_class = UnitSerializer

    def get_queryset(self):
        return units_visible_to(self.request.user).order_by("depth", "order", "code")


class CadreList(RecordReaderMixin, generics.ListAPIView):
    """Same filters as the cadre list page: q, unit, category, rank, leadership_level, status, sort."""

    serializer_class = CadreSerializer

    def get_queryset(self):
        form = CadreFilterForm(self.request.query_params, user=self.request.user)
        if not form.is_valid():
            # The page shows a bad filter beside its field; here nothing would show it, and the
            # whole roster would come back as if it had matched.
            raise ValidationError({name: list(errors) for name, errors in form.errors.items()})
        return cadre_list(self.request.user, **form.filters())


class CadreDetail(RecordReaderMixin, generics.RetrieveAPIView):
    serializer_class = CadreDetailSerializer

    def get_object(self):
        return get_cadre_for_user(self.request.user, self.kwargs["pk"])

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if "pk" in self.kwargs:
            context["show_sensitive"] = can_see_sensitive(self.request.user, self.get_object())
        return context

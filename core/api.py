"""The API's exception handler: REST framework's, with its two untranslated answers replaced; and
the field every API parameter naming a record by id is read with.

A missing or out-of-scope record raises Django's Http404, whose text names the model ("No
CandidateFlag matches the given query."); a body the parser cannot read says "JSON parse error - …"
with the decoder's message. Neither is translated, and the first tells an outsider which model sits
behind the URL. Both keep their status and the {"detail": …} shape of every other error.
"""

from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions, serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.views import exception_handler as drf_exception_handler

# Ids are BigAutoField: anything past the column's range cannot name a record, and handed on to the
# query it fails in the database driver (OverflowError on SQLite, a DataError on PostgreSQL).
ID_MAX = 2**63 - 1


class IdField(serializers.IntegerField):
    """A record id in a query parameter, bounded before it reaches a query."""

    default_error_messages = {
        "max_value": gettext_lazy("Enter a valid record number."),
        "min_value": gettext_lazy("Enter a valid record number."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(min_value=1, max_value=ID_MAX, **kwargs)


class ListPagination(PageNumberPagination):
    """Every API list's pages (the project default): ``PAGE_SIZE`` rows unless ``?page_size=`` asks
    for another number, at most ``max_page_size``. ``?size=`` is the same parameter under the name
    the entry, sanction, talk, ruling, review and score lists took first; their clients keep it."""

    page_size_query_param = "page_size"
    max_page_size = 200
    size_query_params = ("page_size", "size")

    def get_page_size(self, request):
        name = next((n for n in self.size_query_params if n in request.query_params), None)
        try:
            size = int(request.query_params[name]) if name else 0
        except ValueError:  # not a number, or one of thousands of digits
            size = 0
        # Anything but a positive whole number leaves the default, as REST framework does.
        return min(size, self.max_page_size) if size > 0 else self.page_size


def exception_handler(exc, context):
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(_("No such record was found."))
    elif isinstance(exc, exceptions.ParseError):
        exc = exceptions.ParseError(_unreadable_body(context.get("request")))
    return drf_exception_handler(exc, context)


def _unreadable_body(request):
    if request is not None and "json" in (request.content_type or "").lower():
        return _("The request body is not valid JSON.")
    return _("The request body could not be read.")

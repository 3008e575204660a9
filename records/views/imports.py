from django.http import Http404


def roster_import(request):  # replaced by the import work
    raise Http404


def roster_template(request):
    raise Http404

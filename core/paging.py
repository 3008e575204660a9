from django.core.paginator import Paginator

PAGE_SIZES = (20, 50, 100)


def paginate(request, queryset, *, default=20):
    try:
        size = int(request.GET.get("size", default))
    except ValueError:
        size = default
    if size not in PAGE_SIZES:
        size = default
    return Paginator(queryset, size).get_page(request.GET.get("page"))

from django.conf import settings
from django.shortcuts import render
from django.utils import translation
from django.utils.cache import add_never_cache_headers


class DefaultLanguageMiddleware:
    """Chinese unless the user picked another language with the switcher.

    Django's LocaleMiddleware would follow the browser's Accept-Language, so a clerk on an
    English-language browser would get English pages; here only the explicit choice counts.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.available = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.available else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class NotAllowedPageMiddleware:
    """A page for the empty 405 Django answers to a wrong method.

    People meet one after logging in again: a button pressed once the session had expired (month
    close, removing a file) sends them to the login, and the login back to the button's address,
    by GET. The answer keeps its status and ``Allow`` header.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 405 and request.method == "GET" and not response.content:
            page = render(request, "405.html", status=405)
            page["Allow"] = response["Allow"]
            return page
        return response


class PrivateResponseMiddleware:
    """What a signed-in user is shown (a cadre's page with their ID number, an API answer) stays out
    of every cache: after logging out, or on a shared office computer, the browser's Back button or
    history must not bring it back. A response that chose its own caching keeps it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not response.has_header("Cache-Control"):
            add_never_cache_headers(response)
        return response


def polled(view):
    """Mark a view that pages call by themselves (a job's progress): it does not count as activity."""
    view.polled = True
    return view


class IdleSessionMiddleware:
    """Slide the session's 15 idle minutes (MLPS) on what the user does, never on a page polling by
    itself: a job page left open on a job that never finishes would otherwise keep the session alive
    for ever. Saving the session (SessionMiddleware) starts its window again."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        session = getattr(request, "session", None)
        if session is not None and not getattr(view_func, "polled", False):
            session.modified = True

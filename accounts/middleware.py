from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

API_REFUSAL = _("Your password was set by an administrator. Change it on the portal first.")


class PasswordChangeRequiredMiddleware:
    """A user whose password someone else set (User.must_change_password) replaces it before anything
    else: pages send them to the password page, the API refuses with 403.

    The password page itself, logging out, the language switcher, static files and /healthz stay open.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def _open(self, path):
        if path.startswith(settings.STATIC_URL):
            return True
        return path in {
            reverse("accounts:password-change"),
            reverse("accounts:logout"),
            reverse("set_language"),
            reverse("healthz"),
        }

    def __call__(self, request):
        if self._open(request.path):
            return self.get_response(request)
        user = request.user
        if not (user.is_authenticated and user.must_change_password):
            return self.get_response(request)
        if request.path_info.startswith("/api/"):
            return JsonResponse({"detail": str(API_REFUSAL)}, status=403)
        return redirect("accounts:password-change")

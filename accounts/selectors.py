from axes.conf import settings as axes_settings
from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.db.models import Max, OuterRef, Subquery, Sum
from django.utils import timezone


def locked_out_accounts():
    """The usernames axes refuses now: rows of {username, full_name, failures, last_attempt, ip_address},
    the latest lockout first.

    The same count axes' database handler makes for the ``username`` lockout parameter: the failures of
    every attempt row for that username still inside the cool-off. A username + address lock is a part
    of it, so never a lock this misses. ``full_name`` is empty when nobody has that username.
    """
    since = timezone.now() - get_cool_off()
    recent = AccessAttempt.objects.filter(attempt_time__gte=since)
    last = recent.filter(username=OuterRef("username")).order_by("-attempt_time", "-id")
    owner = get_user_model().objects.filter(username=OuterRef("username"))
    return (
        recent.filter(username__isnull=False)
        .values("username")
        .annotate(failures=Sum("failures_since_start"), last_attempt=Max("attempt_time"))
        .filter(failures__gte=axes_settings.AXES_FAILURE_LIMIT)
        .annotate(
            ip_address=Subquery(last.values("ip_address")[:1]),
            full_name=Subquery(owner.values("full_name")[:1]),
        )
        .order_by("-last_attempt", "username")
    )

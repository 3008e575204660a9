from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.contrib.sessions.models import Session
from django.utils import timezone


@shared_task
def housekeeping():
    """Delete expired sessions and stale failed-login records. Idempotent; scheduled by beat."""
    from axes.models import AccessAttempt

    now = timezone.now()
    sessions, _ = Session.objects.filter(expire_date__lt=now).delete()
    attempts, _ = AccessAttempt.objects.filter(
        attempt_time__lt=now - settings.AXES_COOLOFF_TIME - timedelta(days=1)
    ).delete()
    return {"sessions": sessions, "attempts": attempts}

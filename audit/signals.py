from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import Action, AuditedModel
from .services import audit_record, diff_for_delete, diff_for_save


@receiver(post_save)
def audit_save(sender, instance, created, raw=False, **kwargs):
    if raw or not isinstance(instance, AuditedModel):
        return
    changes = diff_for_save(instance, created)
    if created or changes:
        audit_record(action=Action.CREATE if created else Action.UPDATE, instance=instance, changes=changes)
    instance._audit_loaded = instance.audit_values()


@receiver(post_delete)
def audit_delete(sender, instance, **kwargs):
    if isinstance(instance, AuditedModel):
        audit_record(action=Action.DELETE, instance=instance, changes=diff_for_delete(instance))


@receiver(user_logged_in)
def audit_login(sender, request, user, **kwargs):
    audit_record(action=Action.LOGIN, user=user, model="accounts.user", note=user.get_username())


@receiver(user_logged_out)
def audit_logout(sender, request, user, **kwargs):
    if user is not None:
        audit_record(action=Action.LOGOUT, user=user, model="accounts.user", note=user.get_username())


@receiver(user_login_failed)
def audit_login_failed(sender, credentials, request=None, **kwargs):
    username = str(credentials.get("username", ""))[:150]
    audit_record(action=Action.LOGIN_FAILED, success=False, model="accounts.user", note=username)

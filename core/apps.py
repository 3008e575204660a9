from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

# Django's own messages that people meet in forms, translated again in our catalog (LOCALE_PATHS
# come before Django's): its zh_Hans catalog ends them with a half-width full stop ("确认小数不超过 1
# 位."). Marked here so that makemessages keeps them.
DJANGO_MESSAGES = (
    ngettext_lazy(
        "Ensure that there are no more than %(max)s decimal place.",
        "Ensure that there are no more than %(max)s decimal places.",
        "max",
    ),
    ngettext_lazy(
        "Ensure that there are no more than %(max)s digit in total.",
        "Ensure that there are no more than %(max)s digits in total.",
        "max",
    ),
    _("Please correct the duplicate values below."),
)


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Portal")

    def ready(self):
        from django.db.models import fields

        # Django's empty option of a required dropdown ("- Select an option -") has no zh_Hans
        # translation. Django reads this constant whenever it builds a dropdown and invites apps to
        # set it here; marking the same msgid in our source keeps its Chinese in our catalog.
        fields.BLANK_CHOICE_LABEL = _("- Select an option -")

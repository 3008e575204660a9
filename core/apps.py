from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Portal")

    def ready(self):
        from django.db.models import fields

        # Django's empty option of a required dropdown ("- Select an option -") has no zh_Hans
        # translation. Django reads this constant whenever it builds a dropdown and invites apps to
        # set it here; marking the same msgid in our source keeps its Chinese in our catalog.
        fields.BLANK_CHOICE_LABEL = _("- Select an option -")

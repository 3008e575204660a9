from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = _("Reviews and scores")

    def ready(self):
        from records.signals import points_changed

        from .scoring.jobs import refresh_soon

        points_changed.connect(
            lambda sender, cadre_ids, years, **kwargs: refresh_soon(cadre_ids, years),
            dispatch_uid="assessments.refresh_on_points_changed",
            weak=False,
        )

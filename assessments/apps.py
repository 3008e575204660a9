from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = _("Reviews and scores")

    def ready(self):
        from records.signals import points_changed, sanctions_changed

        from .scoring.jobs import refresh_soon
        from .services import reviews_points_refresh

        def points_moved(sender, cadre_ids, years, **kwargs):
            reviews_points_refresh(cadre_ids, years)  # at once, in the same transaction
            refresh_soon(cadre_ids, years)  # the annual numbers, after the commit

        points_changed.connect(points_moved, dispatch_uid="assessments.refresh_on_points_changed", weak=False)

        def sanctions_moved(sender, cadre_ids, years, **kwargs):
            # No quarterly review reads a sanction: only the annual numbers and the flags.
            refresh_soon(cadre_ids, years)

        sanctions_changed.connect(sanctions_moved, dispatch_uid="assessments.refresh_on_sanctions_changed", weak=False)

from django.urls import path

from . import urls_import, urls_scores
from .views import cycle, overview, queues, review, schemes

app_name = "assessments"

urlpatterns = [
    path("cycle/", cycle.cycle_open, name="cycle-open"),
    path("assess/", queues.assessor_queue, name="assessor-queue"),
    path("approve/", queues.approval_queue, name="approval-queue"),
    path("overview/", overview.overview, name="overview"),
    path("<int:pk>/", review.review_detail, name="review-detail"),
    path("<int:pk>/score/", review.review_score_view, name="review-score"),
    path("<int:pk>/reopen/", review.review_reopen_view, name="review-reopen"),
    path("schemes/", schemes.scheme_list, name="scheme-list"),
    path("schemes/new/", schemes.scheme_new, name="scheme-new"),
    path("schemes/<int:pk>/", schemes.scheme_detail, name="scheme-detail"),
    path("schemes/<int:pk>/edit/", schemes.scheme_edit, name="scheme-edit"),
]

# The mass evaluation import pages (assessments/urls_import.py) share the namespace.
urlpatterns += urls_import.urlpatterns
# The annual summary, flag, snapshot and quota pages (assessments/urls_scores.py).
urlpatterns += urls_scores.urlpatterns

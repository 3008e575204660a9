"""The annual results pages (年汇总, 人选提示, committee snapshots, 优秀 quotas), in the assessments namespace."""

from django.urls import path

from .views import flags, quotas, scores, snapshots

urlpatterns = [
    path("annual/", scores.score_list, name="score-list"),
    path("annual/recompute/", scores.score_recompute, name="score-recompute"),
    path("annual/<int:cadre>/<int:year>/", scores.summary_detail, name="summary-detail"),
    path("flags/", flags.flag_list, name="flag-list"),
    path("flags/<int:pk>/", flags.flag_detail, name="flag-detail"),
    path("snapshots/", snapshots.snapshot_list, name="snapshot-list"),
    path("snapshots/new/", snapshots.snapshot_new, name="snapshot-new"),
    path("snapshots/<int:pk>/", snapshots.snapshot_detail, name="snapshot-detail"),
    path("quotas/", quotas.quota_list, name="quota-list"),
    path("quotas/<int:pk>/remove/", quotas.quota_remove, name="quota-remove"),
]

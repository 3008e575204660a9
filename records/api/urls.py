from django.urls import path

from assessments.api import urls as score_urls

from . import ledger_views as ledger
from . import review_views as reviews
from . import views

app_name = "api"

urlpatterns = [
    path("units/", views.UnitList.as_view(), name="unit-list"),
    path("cadres/", views.CadreList.as_view(), name="cadre-list"),
    path("cadres/<int:pk>/", views.CadreDetail.as_view(), name="cadre-detail"),
    path("rules/", ledger.RuleList.as_view(), name="rule-list"),
    path("entries/", ledger.EntryList.as_view(), name="entry-list"),
    path("entries/<int:pk>/", ledger.EntryDetail.as_view(), name="entry-detail"),
    path("entries/<int:pk>/confirm/", ledger.EntryConfirm.as_view(), name="entry-confirm"),
    path("entries/<int:pk>/return/", ledger.EntryReturn.as_view(), name="entry-return"),
    path("entries/<int:pk>/reverse/", ledger.EntryReverse.as_view(), name="entry-reverse"),
    path("sanctions/", ledger.SanctionList.as_view(), name="sanction-list"),
    path("sanctions/<int:pk>/", ledger.SanctionDetail.as_view(), name="sanction-detail"),
    path("talks/", ledger.TalkList.as_view(), name="talk-list"),
    path("talks/<int:pk>/", ledger.TalkDetail.as_view(), name="talk-detail"),
    path("rulings/", ledger.RulingList.as_view(), name="ruling-list"),
    path("rulings/<int:pk>/", ledger.RulingDetail.as_view(), name="ruling-detail"),
    path("rulings/<int:pk>/verify/", ledger.RulingVerify.as_view(), name="ruling-verify"),
    path("rulings/<int:pk>/determine/", ledger.RulingDetermine.as_view(), name="ruling-determine"),
    path("rulings/<int:pk>/file/", ledger.RulingFile.as_view(), name="ruling-file"),
    path("quarterly-reviews/", reviews.ReviewList.as_view(), name="quarterly-review-list"),
    path("quarterly-reviews/<int:pk>/", reviews.ReviewDetail.as_view(), name="quarterly-review-detail"),
    path("quarterly-reviews/<int:pk>/score/", reviews.ReviewScore.as_view(), name="quarterly-review-score"),
    path("quarterly-reviews/<int:pk>/submit/", reviews.ReviewSubmit.as_view(), name="quarterly-review-submit"),
    path("quarterly-reviews/<int:pk>/approve/", reviews.ReviewApprove.as_view(), name="quarterly-review-approve"),
    path("quarterly-reviews/<int:pk>/return/", reviews.ReviewReturn.as_view(), name="quarterly-review-return"),
    path("quarterly-reviews/<int:pk>/reopen/", reviews.ReviewReopen.as_view(), name="quarterly-review-reopen"),
]
# The annual summaries and flags (assessments/api/urls.py) share the namespace.
urlpatterns += score_urls.urlpatterns

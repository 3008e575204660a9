from django.shortcuts import get_object_or_404

from .selectors import reviews_visible_to

REVIEW_RELATED = ("cadre", "cadre__unit", "unit", "scheme", "assessor", "approver")


def get_review_for_user(user, pk):
    """404 for a review of a cadre outside the user's scope; what they may do with it is the services' call."""
    return get_object_or_404(reviews_visible_to(user).select_related(*REVIEW_RELATED), pk=pk)

"""Queue pages that decide several rows at once: which rows were posted, and what went wrong."""

from django.contrib import messages

PROBLEMS_SHOWN = 10


def posted_selection(post, *, actions, field):
    """(action, ids, single): one row's button posts "action:id"; the bulk buttons post "action" with
    the ticked boxes named ``field``. An unknown action gives (None, set(), False)."""
    action, _sep, one = post.get("do", "").partition(":")
    if action not in actions:
        return None, set(), False
    if one:
        return action, {int(one)} if one.isdigit() else set(), True
    return action, {int(v) for v in post.getlist(field) if v.isdigit()}, False


def report_problems(request, problems, objects, *, label, more):
    """One message per refused row (the first few), then how many more were refused."""
    by_id = {o.pk: o for o in objects}
    for pk, problem in list(problems.items())[:PROBLEMS_SHOWN]:
        messages.error(request, f"{label(by_id[pk])}: {problem}")
    if len(problems) > PROBLEMS_SHOWN:
        messages.error(request, more(len(problems) - PROBLEMS_SHOWN))

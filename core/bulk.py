"""Queue pages that decide several rows at once: which rows were posted, and what went wrong."""

from django.contrib import messages

from .api import ID_MAX

PROBLEMS_SHOWN = 10


def _record_id(text):
    """``text`` as a record id, or None. ``isdigit`` would let through "²", which ``int`` refuses; a
    number past the id column fails in the database driver instead of matching nothing."""
    if text.isdecimal() and 0 < int(text) <= ID_MAX:
        return int(text)
    return None


def posted_selection(post, *, actions, field):
    """(action, ids, single): one row's button posts "action:id"; the bulk buttons post "action" with
    the ticked boxes named ``field``. An unknown action gives (None, set(), False)."""
    action, _sep, one = post.get("do", "").partition(":")
    if action not in actions:
        return None, set(), False
    if one:
        return action, {pk} if (pk := _record_id(one)) else set(), True
    return action, {pk for v in post.getlist(field) if (pk := _record_id(v))}, False


def report_problems(request, problems, objects, *, label, more):
    """One message per refused row (the first few), then how many more were refused."""
    by_id = {o.pk: o for o in objects}
    for pk, problem in list(problems.items())[:PROBLEMS_SHOWN]:
        messages.error(request, f"{label(by_id[pk])}: {problem}")
    if len(problems) > PROBLEMS_SHOWN:
        messages.error(request, more(len(problems) - PROBLEMS_SHOWN))

"""The shared world: a county with two townships, a cadre in each, and one user per role.

Township A's clerk, reviewer and committee member see A only; the county-level users see both;
the outsider holds no role.
"""

import importlib
import os

import pytest
from django.apps import apps
from django.conf import settings

from tests.factories import UserFactory, grant, make_cadre, make_unit

PASSWORD = "Correct-Horse-42"


@pytest.fixture(autouse=True)
def default_language():
    """Each test starts in the portal's language: a request made in English activates English for
    the thread, and a later test calling a service directly would otherwise get English words."""
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


def _ensure_rule_book():
    """Transactional tests (browser, worker) flush every table afterwards, data migrations' rows
    included; put the default rule book, caps and impact periods back when they are gone."""
    from records.models import PointRule

    if not PointRule.objects.exists():
        importlib.import_module("records.migrations.0003_default_rule_book").load(apps, None)


@pytest.fixture
def as_en(as_user):
    """``as_user`` with the English interface (the language cookie), for tests that read words."""

    def login(user):
        client = as_user(user)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return client

    return login


@pytest.fixture
def queued(monkeypatch):
    """The score refreshes queued, as (cadre ids, year), once the transaction commits."""
    from assessments import tasks

    calls = []
    monkeypatch.setattr(tasks.refresh_cadre_scores, "delay", lambda ids, year: calls.append((ids, year)))
    return calls


@pytest.fixture
def world(db):
    class World:
        pass

    _ensure_rule_book()
    w = World()
    w.county = make_unit("青山县", kind="党委", code="C0")
    w.town_a = make_unit("东岭镇", parent=w.county, code="TA")
    w.office_a = make_unit("东岭镇党政办", parent=w.town_a, kind="乡镇街道", code="TA1")
    w.town_b = make_unit("西河镇", parent=w.county, code="TB")
    w.cadre_a = make_cadre(w.town_a, name="李明", staff_no="A0001")
    w.cadre_a_office = make_cadre(w.office_a, name="王芳", staff_no="A0002", gender="女")
    w.cadre_b = make_cadre(w.town_b, name="赵强", staff_no="B0001")
    w.clerk = grant(UserFactory(username="clerk_a"), "clerk", w.town_a)
    w.reviewer = grant(UserFactory(username="reviewer_a"), "reviewer", w.town_a)
    w.committee = grant(UserFactory(username="committee"), "committee", w.county)
    w.county_clerk = grant(UserFactory(username="clerk_county"), "clerk", w.county)
    w.sysadmin = grant(UserFactory(username="sysadmin"), "sysadmin", w.county)
    w.secadmin = grant(UserFactory(username="secadmin"), "secadmin", w.county)
    w.auditor = grant(UserFactory(username="auditor"), "auditor", w.county)
    w.outsider = UserFactory(username="outsider")
    return w


@pytest.fixture
def town_sysadmin(world):
    """A system administrator of township A only (county-wide settings and accounts are beyond them)."""
    return grant(UserFactory(username="sysadmin_a"), "sysadmin", world.town_a)


@pytest.fixture
def as_user(client):
    def login(user):
        client.force_login(user)
        return client

    return login


def pytest_collection_modifyitems(config, items):
    # Worker tests need a real broker; postgres tests need PostgreSQL. Both run in CI's second pass.
    broker = os.environ.get("CELERY_BROKER_URL")
    postgres = os.environ.get("DATABASE_URL", "").startswith("postgres")
    for item in items:
        if "worker" in item.keywords and not broker:
            item.add_marker(pytest.mark.skip(reason="needs CELERY_BROKER_URL and a running worker"))
        if "postgres" in item.keywords and not postgres:
            item.add_marker(pytest.mark.skip(reason="needs DATABASE_URL on PostgreSQL"))


@pytest.fixture
def eager_celery():
    """Run tasks in-process even when CI's second pass points Celery at a real broker: the worker
    cannot see a test's uncommitted transaction. The real round trip is tested on its own."""
    from cadre_portal.celery import app

    saved = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager = app.conf.task_eager_propagates = True
    yield
    app.conf.task_always_eager, app.conf.task_eager_propagates = saved

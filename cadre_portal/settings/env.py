"""The one place settings read the process environment."""

import os

from django.core.exceptions import ImproperlyConfigured

_MISSING = object()


def env(name, default=_MISSING, *, cast=str):
    """Return environment variable ``name`` cast by ``cast``.

    Without a default, a missing variable is a configuration error: production settings use this to
    fail loudly instead of starting with an insecure fallback.
    """
    raw = os.environ.get(name)
    if raw is None or raw == "":
        if default is _MISSING:
            raise ImproperlyConfigured(f"Set the {name} environment variable.")
        return default
    if cast is bool:
        return raw.strip().lower() in {"1", "true", "yes", "on"}
    if cast is list:
        return [item.strip() for item in raw.split(",") if item.strip()]
    return cast(raw)

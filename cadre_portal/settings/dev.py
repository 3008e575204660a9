from .base import *  # noqa: F403
from .env import env

DEBUG = env("DEBUG", True, cast=bool)
# runserver serves static/ itself; WhiteNoise need not look for collected files.
WHITENOISE_AUTOREFRESH = True

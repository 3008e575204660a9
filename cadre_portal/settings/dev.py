from .base import *  # noqa: F403
from .env import env

DEBUG = env("DEBUG", True, cast=bool)

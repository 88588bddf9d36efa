"""Local development: DEBUG on, embedded services, mail to console and var/mail/."""

from astn.settings.base import *  # noqa: F403
from astn.settings.env import env_bool

DEBUG = env_bool("DEBUG", True)

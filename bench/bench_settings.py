"""Settings for the deadline-rush benchmark: the product's settings plus a bare one-row view (the floor)."""

from shenbao.config.settings import *  # noqa: F403

ROOT_URLCONF = "bench_urls"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
LOGGING = {"version": 1, "disable_existing_loggers": True}

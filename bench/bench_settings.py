"""Settings for the deadline-rush benchmark: the product's settings, quiet, for one machine."""

import os

from shenbao.config.settings import *  # noqa: F403

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
LOGGING = {"version": 1, "disable_existing_loggers": True}
# The rush comes from one address: the per-address limit for anonymous clients would cut the
# warm-up reads.  The per-user limits stay on (each applicant sends a handful of requests).
SHENBAO_API_RATES = {**SHENBAO_API_RATES, "anonymous": None}  # noqa: F405
# An experiment, not the product's setting: server-side parameter binding, so that psycopg prepares
# the statements a persistent connection runs again (``bench/rush_profile.py --server-side-binding``).
if os.environ.get("SHENBAO_BENCH_SERVER_SIDE_BINDING") == "1":
    DATABASES["default"].setdefault("OPTIONS", {}).update({"server_side_binding": True, "prepare_threshold": 2})  # noqa: F405

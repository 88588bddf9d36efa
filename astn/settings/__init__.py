"""Settings: `base` holds everything; `local`, `test` and `production` override it.

`manage.py` defaults to `local`, pytest to `test`; production sets
`DJANGO_SETTINGS_MODULE=astn.settings.production`.
"""

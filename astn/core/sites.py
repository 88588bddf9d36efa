"""Keep the Sites framework's one site in line with `SITE_URL`.

allauth names the site in its account emails ("Hello from {{ site_name }}!"); left at
Django's default it says "example.com". After every `migrate` the site takes its
domain from `SITE_URL` and the name "ASTN", so changing `SITE_URL` fixes the emails
on the next deploy.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings

SITE_NAME = "ASTN"


def site_domain() -> str:
    """Return the host (and port, when not the default) of `SITE_URL`."""
    return urlsplit(settings.SITE_URL).netloc or "localhost"


def sync_site(sender=None, using: str = "default", **kwargs) -> None:
    """Set site `SITE_ID` to `SITE_URL`'s domain and the name ASTN (a post_migrate receiver)."""
    from django.contrib.sites.models import Site

    Site.objects.using(using).update_or_create(
        pk=settings.SITE_ID, defaults={"domain": site_domain(), "name": SITE_NAME}
    )
    Site.objects.clear_cache()

from django.conf import settings


def site(request):
    """Expose the public site URL to templates (emails build absolute links from it)."""
    return {"SITE_URL": settings.SITE_URL}

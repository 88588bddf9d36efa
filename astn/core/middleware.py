from django.conf import settings


class ContentSecurityPolicyMiddleware:
    """Send the site's Content-Security-Policy on every HTML response (DESIGN §12)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith("/admin/"):
            # The Django admin uses inline scripts; it is staff-only and keeps X-Frame DENY.
            return response
        response.headers.setdefault("Content-Security-Policy", settings.CSP_HEADER)
        return response

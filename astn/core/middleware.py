from django.conf import settings
from django.http import QueryDict


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


class DropNulFromQueryMiddleware:
    """Take NUL characters out of every query-string key and value before a view sees them.

    Postgres refuses NUL in any string, so a `?q=%00` that reaches a filter fails the
    page with a 500 instead of finding nothing — in our views and in the Django admin's
    own search alike. Dropping it here closes that for every view, present and future;
    a search for "a<NUL>b" becomes a search for "ab". Form posts are not touched: Django's
    form fields refuse NUL with a message of their own (`ProhibitNullCharactersValidator`).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        query = request.META.get("QUERY_STRING", "")
        if "%00" in query or "\x00" in query:
            cleaned = QueryDict(mutable=True, encoding=request.encoding)
            for key, values in request.GET.lists():
                for value in values:
                    cleaned.appendlist(key.replace("\x00", ""), value.replace("\x00", ""))
            cleaned._mutable = False
            request.GET = cleaned
        return self.get_response(request)

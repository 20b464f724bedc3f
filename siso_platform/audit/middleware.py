import re

from .context import bind_request_id, current_request_id, unbind_request_id

_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestIdMiddleware:
    """Take the proxy's X-Request-ID when it looks sane, or make one; echo it back."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        given = request.headers.get("X-Request-ID", "")
        token = bind_request_id(given if _SAFE_ID.match(given) else None)
        try:
            request.request_id = current_request_id()
            response = self.get_response(request)
            response["X-Request-ID"] = request.request_id
            return response
        finally:
            unbind_request_id(token)

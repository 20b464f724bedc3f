"""django-csp's middleware, with a policy per path prefix for pages libraries render.

`CONTENT_SECURITY_POLICY` is the policy of every response; a path under a prefix of
`CONTENT_SECURITY_POLICY_BY_PREFIX` gets that prefix's directives instead (the longest prefix
wins). A view's own decorators (csp_replace, csp_update) still apply on top.
"""

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings


def directives_for(path: str) -> dict | None:
    """The directives that replace the site's policy under `path`, or None."""
    by_prefix = getattr(settings, "CONTENT_SECURITY_POLICY_BY_PREFIX", {})
    matching = [prefix for prefix in by_prefix if path.startswith(prefix)]
    return by_prefix[max(matching, key=len)] if matching else None


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    def get_policy_parts(self, request, response, report_only: bool = False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if not report_only and parts.config is None:
            parts.config = directives_for(request.path_info)
        return parts

"""The Content-Security-Policy sent in production (django-csp 4.0's settings format).

The platform's own pages run only scripts and styles served from the site itself: no inline
script, no inline style (but two fixed ones of Bootstrap Italia's bundle, by hash), no eval.
Data for scripts travels in `<script type="application/json">` (json_script), which is not
executed. The browser tests check the pages against this policy.
"""

from csp.constants import NONE, SELF, UNSAFE_INLINE

# Bootstrap Italia's bundle (home/static/vendor/bootstrap-italia) carries video.js and its
# YouTube plugin, which add two <style> elements as the bundle loads: the plugin's fixed rules
# and video.js's empty default-styles element. Exactly these contents are allowed, by hash
# (a new version of the bundle may need new hashes: tests/security/test_csp_browser.py
# names them). Its stylesheet embeds video.js's icon font as a data: URL.
BOOTSTRAP_ITALIA_STYLES = [
    "'sha256-wPXhisdsFu1DtHYH1D9W5isSGqS5vIPn6QJWSNLqfCM='",
    "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='",
]

PLATFORM_DIRECTIVES = {
    "default-src": [SELF],
    "script-src": [SELF],
    "style-src": [SELF, *BOOTSTRAP_ITALIA_STYLES],
    "img-src": [SELF, "data:"],
    "font-src": [SELF, "data:"],
    "connect-src": [SELF],
    # The field app's service worker (/app/sw.js) and web manifest: the site's own files only.
    "worker-src": [SELF],
    "manifest-src": [SELF],
    "object-src": [NONE],
    "base-uri": [SELF],
    "form-action": [SELF],
    "frame-ancestors": [NONE],
}

CONTENT_SECURITY_POLICY = {"DIRECTIVES": PLATFORM_DIRECTIVES}

# Looser policies for paths served by libraries that cannot comply (see
# siso_platform.content_security). wagtail 8's admin writes inline scripts (date pickers,
# inline panels, choosers) and inline styles, shows uploaded images as blob: previews and
# frames its own page preview: the admin gets 'unsafe-inline' for scripts and styles, never
# 'unsafe-eval', and may frame itself only.
ADMIN_DIRECTIVES = {
    **PLATFORM_DIRECTIVES,
    "script-src": [SELF, UNSAFE_INLINE],
    "style-src": [SELF, UNSAFE_INLINE],
    "img-src": [SELF, "data:", "blob:"],
    "frame-ancestors": [SELF],
}
# The API's documentation pages (drf-spectacular): Swagger UI's page has an inline <style>;
# Redoc's runs an inline script, styles itself inline and searches in a blob: worker (the
# Google fonts it linked are left out: home/templates/drf_spectacular/redoc.html).
SWAGGER_DIRECTIVES = {**PLATFORM_DIRECTIVES, "style-src": [SELF, UNSAFE_INLINE]}
REDOC_DIRECTIVES = {
    **PLATFORM_DIRECTIVES,
    "script-src": [SELF, UNSAFE_INLINE],
    "style-src": [SELF, UNSAFE_INLINE],
    "worker-src": [SELF, "blob:"],
}
CONTENT_SECURITY_POLICY_BY_PREFIX = {
    "/admin/": ADMIN_DIRECTIVES,
    "/api/v1/docs/": SWAGGER_DIRECTIVES,
    "/api/v1/redoc/": REDOC_DIRECTIVES,
}

"""The admin's own words in Italian: what wagtail itself says in English to our users.

Wagtail's "Snippets" menu lists only what the Monitoring menu already holds (programmes,
indicators, complementary items): it is hidden rather than shown under a word nobody here
uses. Wagtail's Italian catalogue lacks some of its strings; they are listed here so that
ours (which LOCALE_PATHS puts first) translates them.
"""

from django.utils.translation import gettext_noop
from wagtail import hooks

WAGTAIL_WORDS = (
    gettext_noop("- Select an option -"),  # an unset choice in the procedure and form editors
    gettext_noop("Snippets"),  # the title of /admin/snippets/, still reachable by address
)


@hooks.register("construct_main_menu")
def hide_snippets(request, menu_items):
    menu_items[:] = [item for item in menu_items if item.name != "snippets"]

"""The languages of the public pages (issue #23 [public]): English, Spanish, Somali and
Hmong, the four the district publishes in.

- Django ships no Somali or Hmong: their entries are added to Django's table of languages
  (``LANG_INFO``) when this module loads, so ``get_language_info`` and the
  ``{% get_language_info %}`` tag know them.
- A *public page* is one anyone may see, signed in or not: its view needs a permission
  registered ``public=True`` (the directory, its unit pages and embed kit, "is this account
  official?", the concern report and its confirmation), the home page of a visitor who is
  not signed in, and an address that matches no page (its 404). It speaks the visitor's
  language: the one chosen with the language switch (Django's language cookie), else the
  first of the browser's Accept-Language the portal has. Every other page is a staff page
  and stays English whatever the visitor chose; its strings are marked for translation all
  the same.
"""

from django.conf import settings
from django.conf.locale import LANG_INFO
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.cache import patch_vary_headers

from .permissions import registered

LANG_INFO.setdefault("so", {"bidi": False, "code": "so", "name": "Somali", "name_local": "Soomaali"})
LANG_INFO.setdefault("hmn", {"bidi": False, "code": "hmn", "name": "Hmong", "name_local": "Hmoob"})

# Views without a permission of their own that are public all the same.
PUBLIC_VIEWS = {"language"}


def is_public_view(request, view_func) -> bool:
    """Whether the page ``view_func`` serves is a public page (see the module's docstring)."""
    match = getattr(request, "resolver_match", None)
    name = match.view_name if match else ""
    if name == "home":
        return not request.user.is_authenticated
    if name in PUBLIC_VIEWS:
        return True
    perm = getattr(view_func, "required_permission", None)
    permission = registered().get(perm) if perm else None
    return bool(permission and permission.public)


class PublicLocaleMiddleware(LocaleMiddleware):
    """Django's ``LocaleMiddleware`` (the language from the cookie, then Accept-Language),
    kept only on public pages: a staff page is served in English. An address that matches
    no page is public (its 404 speaks the visitor's language)."""

    def process_request(self, request):
        super().process_request(request)
        request.public_page = True  # until process_view learns which page it is

    def process_view(self, request, view_func, view_args, view_kwargs):
        request.public_page = is_public_view(request, view_func)
        if not request.public_page:
            translation.activate(settings.LANGUAGE_CODE)
            request.LANGUAGE_CODE = settings.LANGUAGE_CODE

    def process_response(self, request, response):
        response = super().process_response(request, response)
        if getattr(request, "public_page", False):
            # The language chosen with the switch travels in a cookie.
            patch_vary_headers(response, ("Cookie",))
        return response

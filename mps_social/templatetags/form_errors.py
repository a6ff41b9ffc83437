"""What the layout asks about the page's forms."""

from django import template
from django.forms import BaseForm

register = template.Library()


@register.simple_tag(takes_context=True)
def page_has_form_errors(context) -> bool:
    """Whether a form on this page came back with errors, whatever the view named it
    (``form``, ``review_form``, allauth's own): ``base.html`` then begins the page's title
    with "Error: ", as GOV.UK's error summary pattern does, so the first thing a screen
    reader says of the page is that it needs fixing (WCAG 2.1 3.3.1). The errors
    themselves are listed by ``includes/error_summary.html``.

    Each value's own type is asked, not ``isinstance``, which would evaluate the lazy CSRF
    token and so mark every page as carrying one: a public page with no form that posts
    must stay fit to be kept whole (``accounts.page_cache``)."""
    return any(issubclass(type(value), BaseForm) and value.is_bound and value.errors
               for value in context.flatten().values())

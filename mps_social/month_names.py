"""The month names Django's ``date`` filter looks up (``django.utils.dates``), under the
very words it asks for, so that ``makemessages`` puts them in the portal's catalogs.
Django ships Spanish ones but no Somali or Hmong: without these, a date on a public page
or in the mail to a reporter would show an English month in a Somali or Hmong sentence.
Nothing imports this module; it is read by ``makemessages`` only."""

from django.utils.translation import gettext_noop

# "F" (a month's full name): "December 7, 2026".
MONTHS = [
    gettext_noop("January"), gettext_noop("February"), gettext_noop("March"), gettext_noop("April"),
    gettext_noop("May"), gettext_noop("June"), gettext_noop("July"), gettext_noop("August"),
    gettext_noop("September"), gettext_noop("October"), gettext_noop("November"), gettext_noop("December"),
]
# "M" (three letters, capitalised by the filter): "Dec 7, 2026".
MONTHS_3 = [
    gettext_noop("jan"), gettext_noop("feb"), gettext_noop("mar"), gettext_noop("apr"), gettext_noop("may"),
    gettext_noop("jun"), gettext_noop("jul"), gettext_noop("aug"), gettext_noop("sep"), gettext_noop("oct"),
    gettext_noop("nov"), gettext_noop("dec"),
]

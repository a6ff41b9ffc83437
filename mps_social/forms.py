"""The base of every portal form: rendered by Django's own form templates, which tie each
label to its input and each error and help text to it through ``aria-describedby`` (WCAG
2.1 1.3.1, 3.3.1, 3.3.2); its rows carry the classes the stylesheet marks errors and
required fields with; and a service's refusal lands beside the field it names. And the
one check every uploaded file passes (``CsvFileField``)."""

import codecs

from django import forms
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat


class PortalForm(forms.Form):
    error_css_class = "has-error"
    required_css_class = "required"

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")  # a label is a name, not "Name:"
        super().__init__(*args, **kwargs)

    def add_refusal(self, error) -> None:
        """Show a service's refusal (``mps_social.errors.ServiceError``) on the form: each
        message beside the field it names, or on top when it names none or a field the
        form does not have."""
        for field, messages in error.errors.items():
            for message in messages:
                self.add_error(field if field in self.fields else None, message)


class CsvFileField(forms.FileField):
    """An uploaded CSV file, checked before anything reads it whole (issue [hardening],
    item 4): named ``.csv``, at most ``max_bytes`` as received (the upload handler counts
    the bytes; a Content-Length header is not believed), and text: its beginning holds no
    NUL byte and reads as UTF-8, so a workbook, an image or a PDF renamed ``.csv`` is
    refused beside the field before it is parsed or stored. The browser's content type is
    not consulted: every browser and system names CSV differently. Returns the upload,
    rewound; the reader of its rows checks the rest line by line."""

    SNIFF_BYTES = 64 * 1024

    def __init__(self, *, max_bytes: int, **kwargs):
        self.max_bytes = max_bytes
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if not upload:
            return upload
        if not upload.name.lower().endswith(".csv"):
            raise ValidationError("Upload a .csv file: save the spreadsheet as “CSV UTF-8”.", code="extension")
        if upload.size > self.max_bytes:
            raise ValidationError(f"The file is {filesizeformat(upload.size)}; at most "
                                  f"{filesizeformat(self.max_bytes)} is accepted.", code="too_big")
        head = upload.read(self.SNIFF_BYTES)
        upload.seek(0)
        if b"\x00" in head:
            raise ValidationError("This is not a CSV file: it holds binary data, not text. Save it as “CSV UTF-8”.",
                                  code="binary")
        try:
            # Unless this is the whole file, a character cut at the end goes on past it.
            codecs.getincrementaldecoder("utf-8")().decode(head, final=upload.size <= self.SNIFF_BYTES)
        except UnicodeDecodeError as error:
            line = head[: error.start].count(b"\n") + 1
            raise ValidationError(f"Line {line} is not UTF-8 text: save the file as “CSV UTF-8”.",
                                  code="encoding") from None
        return upload

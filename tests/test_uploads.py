"""Upload and request limits (issue [hardening], item 4; "bad input gets a clear message
next to the field"). The portal takes two files, the HR roster (R-III-E: the supervisor
facts escrow access hangs on) and training completions (R-V-C), both through
``mps_social.forms.CsvFileField``: too big, not named .csv, or binary or not UTF-8
behind a .csv name, each is refused beside the field and nothing is saved. The settings
bound every request: a body too big, too many fields or a second file is a 400.
"""

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.defaultfilters import filesizeformat
from django.urls import reverse

from audits.models import AuditEvent
from concerns.models import ConcernReport
from mps_social.forms import CsvFileField
from roster import sync
from roster.forms import RosterUploadForm
from roster.models import RosterImport
from training.admin import MAX_IMPORT_BYTES, ImportForm
from training.models import Completion

from .test_roster import roster_of
from .test_training import csv_text, make_course


@dataclass
class Upload:
    """One of the portal's upload forms: who posts it where, a file it accepts, and what
    an accepted file saves."""

    persona: str
    url: str
    form: type
    valid: bytes
    saved: Callable[[], int]

    def post(self, client_for, content: bytes, name="upload.csv"):
        """Post ``content`` as the file; the response, and whether anything was saved."""
        before = self.saved(), AuditEvent.objects.count()
        response = client_for(self.persona).post(self.url, {"file": SimpleUploadedFile(name, content)})
        return response, (self.saved(), AuditEvent.objects.count()) != before


@pytest.fixture(params=["roster", "completions"])
def upload(request, district):
    if request.param == "roster":
        return Upload("superintendent", reverse("roster:upload"), RosterUploadForm, roster_of(district),
                      RosterImport.objects.count)
    course = make_course()
    return Upload("admin", reverse("admin:training_completion_import"), ImportForm,
                  csv_text(f"teacher@example.org,{course.slug},2025-06-01").encode(), Completion.objects.count)


def refusal(response) -> list[str]:
    """The messages beside the file field of the page that came back."""
    assert response.status_code == 200, response.status_code
    return response.context["form"].errors["file"]


def test_each_upload_has_the_limit_its_help_text_names():
    assert RosterUploadForm.base_fields["file"].max_bytes == sync.MAX_BYTES == 64 * 1024 * 1024
    assert "at most 64 MB" in RosterUploadForm.base_fields["file"].help_text
    assert ImportForm.base_fields["file"].max_bytes == MAX_IMPORT_BYTES == 8 * 1024 * 1024
    assert "at most 8 MB" in ImportForm.base_fields["file"].help_text


def test_a_valid_file_is_accepted(upload, client_for):
    response, saved = upload.post(client_for, upload.valid)
    assert response.status_code == 302 and saved


def test_a_file_one_byte_over_the_limit_is_refused_and_nothing_saved(upload, client_for, monkeypatch):
    """The limit is lowered to the valid file's size so the test need not send 64 MB: at
    the limit it passes, one byte over it is refused, whatever it holds."""
    monkeypatch.setattr(upload.form.base_fields["file"], "max_bytes", len(upload.valid))
    response, saved = upload.post(client_for, upload.valid + b"\n")
    assert refusal(response) == [f"The file is {filesizeformat(len(upload.valid) + 1)}; at most "
                                 f"{filesizeformat(len(upload.valid))} is accepted."]
    assert not saved
    response, saved = upload.post(client_for, upload.valid)
    assert response.status_code == 302 and saved


@pytest.mark.parametrize("name", ["roster.xlsx", "roster.txt", "roster", "roster.csv.exe"])
def test_a_file_not_named_csv_is_refused(upload, client_for, name):
    response, saved = upload.post(client_for, upload.valid, name=name)
    assert refusal(response) == ["Upload a .csv file: save the spreadsheet as “CSV UTF-8”."] and not saved


@pytest.mark.parametrize("content", [
    pytest.param(b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00[Content_Types].xml", id="a workbook"),
    pytest.param(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00", id="an image"),
    pytest.param("employee_id,email\nT1,a@example.org\n".encode("utf-16"), id="UTF-16 text"),
])
def test_binary_data_named_csv_is_refused(upload, client_for, content):
    response, saved = upload.post(client_for, content)
    assert refusal(response) == ["This is not a CSV file: it holds binary data, not text. Save it as “CSV UTF-8”."]
    assert not saved


def test_text_that_is_not_utf8_is_refused_naming_its_line(upload, client_for):
    latin1 = upload.valid.decode().replace("\n", "\nZoë,", 1).encode("latin-1")
    response, saved = upload.post(client_for, latin1)
    assert refusal(response) == ["Line 2 is not UTF-8 text: save the file as “CSV UTF-8”."] and not saved


def test_a_character_cut_at_the_end_of_the_part_sniffed_is_not_a_refusal():
    """Only the file's beginning is sniffed: a character that goes on past it is whole."""
    field = CsvFileField(max_bytes=1024 * 1024)
    text = b"#" * (field.SNIFF_BYTES - 1) + "é".encode()  # é's second byte is the first one not sniffed
    upload = SimpleUploadedFile("cut.csv", text)
    assert field.clean(upload) is upload and upload.tell() == 0  # rewound for the reader
    with pytest.raises(ValidationError, match="Line 1 is not UTF-8"):
        field.clean(SimpleUploadedFile("cut.csv", text[:-1]))  # the whole file: é is cut


def test_a_file_with_old_mac_line_ends_reads_like_any_other(upload, client_for):
    response, saved = upload.post(client_for, upload.valid.replace(b"\n", b"\r"))
    assert response.status_code == 302 and saved


def test_a_line_the_csv_module_cannot_read_is_a_problem_on_its_line(upload, client_for):
    """A value over the csv module's 128 KB limit: once a server error (found by
    tests/test_fuzz.py), now a problem named with its line, and nothing saved."""
    lines = upload.valid.count(b"\n")
    response, saved = upload.post(client_for, upload.valid + b'"' + b"x" * 200_000 + b'",x\n')
    assert response.status_code == 200 and not saved
    assert (f"Line {lines + 1}: it cannot be read as CSV (field larger than field limit (131072))."
            in response.content.decode())


def test_an_empty_file_is_refused(upload, client_for):
    response, saved = upload.post(client_for, b"")
    assert refusal(response) == ["The submitted file is empty."] and not saved


# --- what any request may carry (mps_social/settings.py) -------------------------------


def test_a_body_over_one_megabyte_is_refused_before_any_form(district, client):
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE == 1024 * 1024
    response = client.post(reverse("concerns:report"), {"kind": "impersonation", "description": "x" * 1024 * 1024})
    assert response.status_code == 400 and not ConcernReport.objects.exists()


def test_more_than_500_fields_are_refused(district, client):
    assert settings.DATA_UPLOAD_MAX_NUMBER_FIELDS == 500
    fields = {"kind": "impersonation", "description": "A fake account."} | {f"f{n}": "x" for n in range(500)}
    response = client.post(reverse("concerns:report"), fields)
    assert response.status_code == 400 and not ConcernReport.objects.exists()


def test_a_second_file_in_one_request_is_refused(district, client_for):
    assert settings.DATA_UPLOAD_MAX_NUMBER_FILES == 1
    files = [SimpleUploadedFile(f"hr{n}.csv", roster_of(district)) for n in (1, 2)]
    response = client_for("superintendent").post(reverse("roster:upload"), {"file": files[0], "other": files[1]})
    assert response.status_code == 400 and not RosterImport.objects.exists()

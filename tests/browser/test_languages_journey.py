"""The public pages in Spanish, Somali and Hmong (issue #23 [public], part 2), on the demo
district.

A parent whose browser asks for Spanish gets Spanish; one who picks Soomaali or Hmoob in
the language switch gets that. Each pastes a lookalike of Roosevelt's Instagram into "is
this account official?", follows the invitation to report it, reads the form in their
language, sends it with their email address, and gets the confirmation page and the mail
saying it arrived in that language. Then every public page, in every language, at desktop
and phone sizes, is checked with axe-core, with ``<html lang>`` right on each.
"""

import re

import pytest

from concerns.models import ConcernReport
from notifications.models import OutboxMessage

from .conftest import PHONE, check_accessibility, new_page, snap

LOOKALIKE = "https://www.instagram.com/roosevelt_teddies.official/"
# What each language says on the pages the journey passes (the translations in locale/).
WORDS = {
    "es": {"name": "Español", "directory": "Cuentas oficiales en redes sociales", "report": "Reportar un problema",
           "kind": "Suplantación o uso no oficial de los nombres del distrito", "what": "¿Qué vio?",
           "email": "Su correo electrónico (opcional)", "send": "Enviar el reporte",
           "sent": "Gracias: su reporte fue enviado", "mail": "Recibimos su reporte"},
    "so": {"name": "Soomaali", "directory": "Akoonnada rasmiga ah ee baraha bulshada", "report": "Soo sheeg walaac",
           "kind": "Iska-dhigid ama adeegsi aan rasmi ahayn oo magacyada degmada ah", "what": "Maxaad aragtay?",
           "email": "Iimaylkaaga (haddii aad rabto)", "send": "Dir warbixinta",
           "sent": "Mahadsanid: warbixintaada waa la diray", "mail": "Waxaan helnay warbixintaada"},
    "hmn": {"name": "Hmoob", "directory": "Cov account social media raug cai",
            "report": "Qhia txog ib qho teeb meem",
            "kind": "Muaj neeg ua txuj ua lub koog tsev kawm ntawv, los yog siv nws cov npe tsis raug cai",
            "what": "Koj pom dab tsi?", "email": "Koj tus email (yog koj xav muab)", "send": "Xa daim ntawv qhia",
            "sent": "Ua tsaug: koj daim ntawv qhia xa mus lawm", "mail": "Peb tau txais koj daim ntawv qhia"},
}


def assert_language(page, language) -> None:
    assert page.evaluate("document.documentElement.lang") == language


@pytest.mark.parametrize("language", ["es", "so", "hmn"])
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_parent_reports_a_lookalike_in_their_language(demo_district, live_server, browser, language):
    from playwright.sync_api import expect

    words = WORDS[language]
    # Spanish comes from the browser's own languages; Somali and Hmong from the switch.
    parent = new_page(browser, locale="es-US") if language == "es" else new_page(browser)
    parent.goto(live_server.url + "/directory/")
    if language != "es":
        switch = parent.get_by_role("navigation", name="Language")
        expect(switch.get_by_role("link", name="English")).to_have_count(0)  # the current one is no link
        check_accessibility(parent)
        switch.get_by_role("link", name=words["name"]).click()
    expect(parent.get_by_role("heading", level=1)).to_have_text(words["directory"])
    assert_language(parent, language)
    snap(parent, f"languages-{language}-01-directory")

    parent.goto(live_server.url + "/verify/")
    assert_language(parent, language)
    check_accessibility(parent)
    parent.locator("input[name=q]").fill(LOOKALIKE)
    parent.locator("input[name=q]").press("Enter")
    parent.wait_for_url(re.compile(r"/verify/\?q="))
    snap(parent, f"languages-{language}-02-verify")
    parent.get_by_role("main").locator("a[href^='/report/']").first.click()

    expect(parent.get_by_role("heading", level=1)).to_have_text(words["report"])
    assert_language(parent, language)
    expect(parent.get_by_label(words["what"])).to_be_visible()
    parent.get_by_label(words["kind"]).check()
    parent.get_by_label(words["what"]).fill("Akoon been abuur ah / cuenta falsa / ib tus account cuav.")
    parent.get_by_label(words["email"]).fill(f"parent.{language}@example.net")
    snap(parent, f"languages-{language}-03-report")
    parent.get_by_role("button", name=words["send"]).click()

    expect(parent.get_by_role("heading", level=1)).to_have_text(words["sent"])
    assert_language(parent, language)
    reference = parent.locator(".reference strong").inner_text()
    snap(parent, f"languages-{language}-04-sent")
    parent.context.close()

    report = ConcernReport.objects.get(reference=reference)
    assert report.language == language and report.link == LOOKALIKE
    mail = OutboxMessage.objects.get(template="concern_received", to=f"parent.{language}@example.net")
    assert mail.subject == f"{words['mail']} {reference}"
    assert f'<html lang="{language}">' in mail.body_html


def public_pages(base):
    return [
        "/", "/directory/", "/directory/roosevelt-high-school/", "/directory/?q=zzzz-nothing",
        "/directory/embed/", "/directory/embed/?org=roosevelt-high-school", "/verify/",
        "/verify/?q=" + LOOKALIKE, "/verify/?q=%40roosevelt_teddies", "/report/", "/report/sent/",
        "/no-such-page/",
    ]


@pytest.mark.parametrize("language", ["en", "es", "so", "hmn"])
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_every_public_page_is_accessible_in_every_language(demo_district, live_server, browser, language):
    from playwright.sync_api import expect

    for size, options in [("desktop", {}), ("phone", PHONE)]:
        page = new_page(browser, **options)
        page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
        for path in public_pages(live_server.url):
            page.goto(live_server.url + path)
            assert_language(page, language)
            current = page.locator(".language-switch .language-current")
            expect(current).to_have_attribute("lang", language)
            check_accessibility(page)
        # The report form sent empty: its errors, in the language.
        page.goto(live_server.url + "/report/")
        page.locator("form.form button[type=submit]").click()
        expect(page.get_by_role("alert")).to_be_visible()
        assert_language(page, language)
        snap(page, f"languages-{language}-{size}-report-errors")
        page.context.close()

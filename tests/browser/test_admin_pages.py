"""Every page of the admin, checked with axe-core in a real browser (WCAG 2.1 AA).

Robin Ellis, the portal's administrator, signs in to the portal and opens, for every model
the admin shows (tests/admin_pages.py), its list, its search, its add page where the admin
offers one, and one of its rows; then the index. What Django's own templates get wrong is
put right by the portal's (templates/admin/, static/css/admin.css); no violation is
excused.
"""

import pytest
from django.urls import reverse

from ..admin_pages import HISTORY, every_kind_of_row, registered_models
from .conftest import check_accessibility, new_page, sign_in


def admin_pages() -> list[str]:
    pages = [reverse("admin:index")]
    for model in registered_models():
        info = model._meta.app_label, model._meta.model_name
        changelist = reverse("admin:%s_%s_changelist" % info)
        pages.append(changelist)
        if model._meta.label not in HISTORY:
            pages.append(reverse("admin:%s_%s_add" % info))
        row = model._default_manager.order_by("pk").first()
        pages.append(reverse("admin:%s_%s_change" % info, args=[row.pk]))
    return pages


@pytest.fixture
def every_row(demo_district):
    every_kind_of_row()
    return admin_pages()  # the ORM's work, before the browser starts


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_every_admin_page_passes_axe(every_row, live_server, browser):
    admin = new_page(browser)
    sign_in(admin, live_server.url, "admin@example.org")
    for path in every_row:
        response = admin.goto(live_server.url + path)
        assert response.status == 200, path
        check_accessibility(admin)
    admin.context.close()

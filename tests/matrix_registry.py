"""Authorization rows of the registry's pages: the directory, verify, the registry itself."""

from people.models import REGISTRY_POWERS, Power

from .matrix import NORTH, Row, only, public, staff  # noqa: F401

ESTABLISH = frozenset({Power.ESTABLISH_ACCOUNTS})

def registry_account(district):
    """An active account at North High whose site manager is the teacher (the principal's report)."""
    from accounts import services
    from accounts.models import OfficialAccount, Platform

    account = OfficialAccount.objects.filter(handle_key="northmatrix").first()
    if account is None:
        account = services.establish_account(
            actor=district.superintendent, platform=Platform.objects.get(slug="instagram"), org_unit=district.north,
            display_name="North Matrix", handle="northmatrix", site_manager=district.teacher,
            origin=OfficialAccount.Origin.DIRECT, reason="The matrix needs one.")
        services.credentials_escrowed(actor=district.teacher, account=account)
    return {"pk": account.pk}


OFFICE = {"superintendent": 200, "designee": 200}
OUT_OF_SCOPE = {"coach": 404, "contractor": 404, "outsider": 404, "admin": 404}

REGISTRY_ROWS = {
    # Public pages (accounts/urls_directory.py): R-III-F directory, feed, embed; R-III-A verify
    "directory": Row(public()),
    "directory_unit": Row(public(), kwargs=lambda d: {"slug": d.north.slug}),
    "directory_feed": Row(public()),
    "directory_embed": Row(public()),
    "verify": Row(public()),
    # The public search API and its OpenAPI document (accounts/api.py); its root has no page.
    "api:accounts": Row(public()),
    "api:openapi-json": Row(public()),
    "api:api-root": Row(public(404)),
    # Staff pages of the registry (accounts/urls_registry.py)
    "accounts:registry": Row(only(OFFICE), powers=REGISTRY_POWERS),
    "accounts:export": Row(only(OFFICE), powers=REGISTRY_POWERS),
    "accounts:mine": Row(staff()),
    "accounts:establish": Row(only(OFFICE), powers=ESTABLISH),
    "accounts:account": Row(only({**OFFICE, "principal": 200, "teacher": 200, **OUT_OF_SCOPE}),
                            kwargs=registry_account, powers=REGISTRY_POWERS, reach=NORTH),
    "accounts:timeline": Row(only({**OFFICE, "principal": 200, "teacher": 200, **OUT_OF_SCOPE}),
                             kwargs=registry_account, powers=REGISTRY_POWERS, reach=NORTH),
    "accounts:change_status": Row(only({**OFFICE, **OUT_OF_SCOPE}), kwargs=registry_account,
                                  powers=ESTABLISH, reach=NORTH, seen_by=REGISTRY_POWERS),
    "accounts:edit": Row(only({**OFFICE, **OUT_OF_SCOPE}), kwargs=registry_account,
                         powers=ESTABLISH, reach=NORTH, seen_by=REGISTRY_POWERS),
    # Policy 4038 §III.E: the office marks an account hacked or lost, and recovered.
    "accounts:mark_compromised": Row(only({**OFFICE, **OUT_OF_SCOPE}), kwargs=registry_account,
                                     powers=ESTABLISH, reach=NORTH, seen_by=REGISTRY_POWERS),
    "accounts:mark_recovered": Row(only({**OFFICE, **OUT_OF_SCOPE}), kwargs=registry_account,
                                   powers=ESTABLISH, reach=NORTH, seen_by=REGISTRY_POWERS),
    "accounts:hand_over": Row(only({**OFFICE, "principal": 200, **OUT_OF_SCOPE}), kwargs=registry_account,
                              powers=ESTABLISH, reach=NORTH, seen_by=REGISTRY_POWERS),
    # An empty POST clears a backup that is not there: back to the account page.
    "accounts:set_backup": Row(only({"superintendent": 302, "designee": 302, "principal": 302, "teacher": 302,
                                     **OUT_OF_SCOPE}), method="post",
                               kwargs=registry_account, powers=ESTABLISH, reach=NORTH, seen_by=REGISTRY_POWERS),
    # A person's accounts (the teacher, at North High, keeps the matrix account), for the
    # office; by email without one: nobody to show.
    "accounts:people": Row(only({"superintendent": 404, "designee": 404}), powers=ESTABLISH),
    "accounts:person": Row(only({**OFFICE, "coach": 403, "contractor": 403, "outsider": 403, "admin": 403}),
                           kwargs=lambda d: {"pk": d.teacher.pk}, powers=ESTABLISH, reach=NORTH),
    # An empty POST: the person's page again, with what is missing beside each field.
    "accounts:hand_over_all": Row(only({**OFFICE}), method="post", kwargs=lambda d: {"pk": d.teacher.pk},
                                  powers=ESTABLISH, reach=NORTH),
    "accounts:review": Row(only({"teacher": 200, **OUT_OF_SCOPE}), kwargs=registry_account, seen_by=REGISTRY_POWERS),
}

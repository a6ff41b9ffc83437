"""factory-boy factories for the portal's models."""

from datetime import timedelta

import factory
from allauth.account.models import EmailAddress
from django.utils import timezone

from accounts.models import Platform, ProtectedName
from people.models import Delegation, OrgUnit, User

TEST_PASSWORD = "correct-horse-battery-staple"


class OrgUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrgUnit
        django_get_or_create = ["code"]

    name = factory.Sequence(lambda n: f"School {n}")
    code = factory.Sequence(lambda n: f"U{n}")
    kind = OrgUnit.Kind.SCHOOL
    parent = factory.LazyFunction(
        lambda: OrgUnit.objects.filter(kind=OrgUnit.Kind.DISTRICT).first()
        or OrgUnitFactory(code="DIST", name="Test District", kind=OrgUnit.Kind.DISTRICT, parent=None)
    )


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Faker("name")
    kind = User.Kind.EMPLOYEE
    employee_id = factory.Sequence(lambda n: f"T{n:06d}")
    org_unit = factory.SubFactory(OrgUnitFactory)

    @factory.post_generation
    def password(user, create, extracted, **kwargs):
        user.set_password(extracted or TEST_PASSWORD)
        if create:
            user.save(update_fields=["password"])

    @factory.post_generation
    def verified_email(user, create, extracted, **kwargs):
        """As the roster and the admin leave a person: their address verified by HR
        (``people.addresses``), without the audit event, which no test of others wants."""
        if create:
            EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)


class DelegationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Delegation

    grantee = factory.SubFactory(UserFactory)
    granted_by = factory.LazyFunction(lambda: User.objects.get(is_superintendent=True, is_active=True))
    scope = factory.LazyFunction(lambda: OrgUnit.objects.get(kind=OrgUnit.Kind.DISTRICT))
    decide_applications = True
    starts_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=1))
    ends_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=90))


class PlatformFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Platform

    name = factory.Sequence(lambda n: f"Platform {n}")
    slug = factory.Sequence(lambda n: f"platform-{n}")
    kind = Platform.Kind.SOCIAL_NETWORK


class ProtectedNameFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProtectedName

    name = factory.Sequence(lambda n: f"Protected {n}")
    kind = ProtectedName.Kind.MASCOT
    owner = factory.SubFactory(OrgUnitFactory)

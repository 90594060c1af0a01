"""factory-boy factories, one per model, on the real reference data loaded by migration."""

import datetime as dt
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from agencies.models import Agency, District, Subdistrict
from households.models import (
    AidCategory,
    AidRecord,
    Cause,
    Household,
    Member,
    Relation,
    Sex,
    Visit,
)
from kuseaw.national_id import check_digit
from officials.models import Official, Pairing, StaffProfile
from officials.roles import GROUP_NAMES, Role


def national_id_for(n: int) -> str:
    """A valid national ID, different for each n."""
    first_twelve = f"3{n:011d}"
    return first_twelve + str(check_digit(first_twelve))


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"TEST{n}")
    name_th = factory.Sequence(lambda n: f"หน่วยงานทดสอบ {n}")
    short_name_th = factory.Sequence(lambda n: f"ทดสอบ{n}")


def district(code="4001") -> District:
    return District.objects.get(code=code)


def subdistrict(code="400101") -> Subdistrict:
    return Subdistrict.objects.get(code=code)


class DistrictFactory(factory.django.DjangoModelFactory):
    """Districts are reference data: this fetches a real one (Mueang Khon Kaen by default)."""

    class Meta:
        model = District
        django_get_or_create = ("code",)

    code = "4001"


class SubdistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Subdistrict
        django_get_or_create = ("code",)

    code = "400101"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Sequence(lambda n: f"ผู้ใช้{n}")
    last_name = "ทดสอบ"
    password = factory.django.Password("test-pass-123")

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(Group.objects.get(name=GROUP_NAMES[Role(extracted)]))


class OfficialFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Official

    user = factory.SubFactory(UserFactory, role=Role.OFFICIAL)
    agency = factory.SubFactory(AgencyFactory)
    district = factory.SubFactory(DistrictFactory)
    position = "นักพัฒนาชุมชน"


class StaffProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffProfile

    user = factory.SubFactory(UserFactory)


class HouseholdFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Household

    code = factory.Sequence(lambda n: f"HH{n:06d}")
    house_no = factory.Sequence(lambda n: f"{n % 300 + 1}")
    village_no = 3
    village_name = "โนนสว่าง"
    subdistrict = factory.SubFactory(SubdistrictFactory)
    cause = Cause.LACK_OF_OPPORTUNITY
    annual_income = Decimal("60000")
    joined_on = dt.date(2024, 1, 15)


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Member

    household = factory.SubFactory(HouseholdFactory)
    title = "นาย"
    first_name = factory.Sequence(lambda n: f"สมชาย{n}")
    last_name = "ใจดี"
    national_id = factory.Sequence(national_id_for)
    birth_date = dt.date(1975, 5, 1)
    sex = Sex.MALE
    relation = Relation.HEAD
    is_head = True


class PairingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Pairing

    official = factory.SubFactory(OfficialFactory)
    household = factory.SubFactory(HouseholdFactory)
    started_on = dt.date(2024, 2, 1)


class VisitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Visit

    household = factory.SubFactory(HouseholdFactory)
    official = factory.SubFactory(OfficialFactory)
    visited_on = dt.date(2024, 3, 1)
    findings = "ครอบครัวอยู่บ้านครบ ต้องการอุปกรณ์ทำเกษตร"


class AidRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AidRecord

    household = factory.SubFactory(HouseholdFactory)
    category = AidCategory.CAREER
    title = "พันธุ์ไก่ไข่ 20 ตัว"
    given_on = dt.date(2024, 3, 10)
    value = Decimal("3000")

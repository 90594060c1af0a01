"""The demo's partners (ภาคีเครือข่าย) of the other four sectors and their offers, so that
the case page's «ข้อเสนอจากภาคี» has something to suggest. The organisations are examples
of the kinds the programme works with, not a list of its real partners; the districts are
Khon Kaen's own."""

import datetime as dt

from django.contrib.auth import get_user_model

from agencies.models import Agency, District, Need, OrganisationKind, Sector
from households.cases.models import Problem
from households.models import Cause, Sex
from households.referrals.models import Offer, OfferKind, Referral, ReferralStatus
from officials.models import StaffProfile

# Agency codes the demo owns: demo_data_delete removes them with their offers.
PARTNER_PREFIX = "DEMO-P-"

PARTNERS = [
    {
        "code": "UNI",
        "name_th": "วิทยาลัยการปกครองท้องถิ่น มหาวิทยาลัยขอนแก่น (ตัวอย่าง)",
        "short_name_th": "วปท. มข.",
        "sector": Sector.ACADEMIA,
        "kind": OrganisationKind.UNIVERSITY,
        "contact_name": "ผู้ประสานงานโครงการ U2T",
        "contact_phone": "043000001",
        "districts": [],
        "offers": [
            dict(
                kind=OfferKind.TRAINING,
                title="ทีม U2T ช่วยทำแผนอาชีพและบัญชีครัวเรือน",
                capacity=60,
                needs=[Need.INCOME],
            ),
            dict(
                kind=OfferKind.SCHOLARSHIP,
                title="ทุนการศึกษาต่อเนื่องสำหรับบุตรครัวเรือนเป้าหมาย",
                capacity=15,
                needs=[Need.EDUCATION],
                min_age=6,
                max_age=22,
            ),
            dict(
                kind=OfferKind.VOLUNTEER,
                title="บุคลากรมหาวิทยาลัยอาสาเป็นคู่เสี่ยว",
                capacity=20,
                causes=[Cause.SELF_EXCLUDED],
            ),
        ],
    },
    {
        "code": "CHAMBER",
        "name_th": "หอการค้าจังหวัดขอนแก่น (ตัวอย่าง)",
        "short_name_th": "หอการค้า ขก.",
        "sector": Sector.PRIVATE,
        "kind": OrganisationKind.FOUNDATION,
        "contact_name": "ฝ่ายกิจกรรมเพื่อสังคม",
        "contact_phone": "043000002",
        "districts": ["4001", "4010"],
        "offers": [
            dict(
                kind=OfferKind.JOB,
                title="พนักงานร้านค้าปลีกและคลังสินค้า",
                capacity=30,
                needs=[Need.INCOME],
                min_age=18,
                max_age=45,
            ),
            dict(
                kind=OfferKind.MARKET,
                title="พื้นที่ขายผลผลิตในตลาดนัดสินค้าชุมชนทุกวันเสาร์",
                capacity=25,
                needs=[Need.INCOME],
                skills="ปลูกผัก, ทำขนม, แปรรูป",
            ),
        ],
    },
    {
        "code": "SILK",
        "name_th": "วิสาหกิจชุมชนทอผ้าไหม อำเภอชนบท (ตัวอย่าง)",
        "short_name_th": "วิสาหกิจทอผ้าไหมชนบท",
        "sector": Sector.COMMUNITY,
        "kind": OrganisationKind.COMMUNITY_ENTERPRISE,
        "contact_name": "ประธานกลุ่ม",
        "contact_phone": "043000003",
        "districts": ["4018", "4001"],
        "offers": [
            dict(
                kind=OfferKind.TRAINING,
                title="ฝึกทอผ้าไหมและรับงานทอที่บ้าน",
                capacity=12,
                needs=[Need.INCOME],
                sex=Sex.FEMALE,
                min_age=16,
                skills="ทอผ้า, ทอเสื่อ, เย็บผ้า",
            ),
        ],
    },
    {
        "code": "HEALTH",
        "name_th": "มูลนิธิอาสาดูแลผู้สูงอายุและผู้พิการ (ตัวอย่าง)",
        "short_name_th": "มูลนิธิอาสาดูแล",
        "sector": Sector.CIVIL_SOCIETY,
        "kind": OrganisationKind.FOUNDATION,
        "contact_name": "ผู้ประสานงานอาสาสมัคร",
        "contact_phone": "043000004",
        "districts": [],
        "offers": [
            dict(
                kind=OfferKind.EQUIPMENT,
                title="กายอุปกรณ์และการเยี่ยมบ้านผู้ป่วยติดเตียง",
                capacity=40,
                needs=[Need.HEALTH, Need.LIVING],
            ),
        ],
    },
]


# Whose inbox `demo-partner` holds, and which offer the demo's referrals go to.
PARTNER_LOGIN_AGENCY = "CHAMBER"
REFERRED_OFFER = "พนักงานร้านค้าปลีกและคลังสินค้า"


def create_partners(today: dt.date, *, login=None) -> dict[str, int]:
    """The demo's partners and their offers (open from a month ago for a year); with
    `login` (demo-partner), it coordinates the chamber's inbox, where three referrals of
    income problems wait: one sent by demo-official, one accepted, one done."""
    districts = District.objects.in_bulk()
    offers = 0
    for spec in PARTNERS:
        spec = dict(spec)
        offer_specs = spec.pop("offers")
        served = [districts[code] for code in spec.pop("districts") if code in districts]
        partner = Agency.objects.create(**{**spec, "code": PARTNER_PREFIX + spec["code"]})
        partner.districts.set(served)
        for offer in offer_specs:
            Offer.objects.create(
                agency=partner,
                starts_on=today - dt.timedelta(days=30),
                ends_on=today + dt.timedelta(days=365),
                **offer,
            )
            offers += 1
    counts = {"partners": len(PARTNERS), "offers": offers, "referrals": 0}
    if login is not None:
        chamber = Agency.objects.get(code=PARTNER_PREFIX + PARTNER_LOGIN_AGENCY)
        StaffProfile.objects.create(user=login, agency=chamber)
        counts["referrals"] = _create_referrals(today, chamber, login)
    return counts


def _create_referrals(today, chamber, partner_login) -> int:
    offer = Offer.objects.get(agency=chamber, title=REFERRED_OFFER)
    buddy = get_user_model().objects.filter(username="demo-official").first()
    income = Problem.objects.open().filter(dimension=Need.INCOME).select_related("household")
    mine = []
    if buddy is not None:
        mine = list(
            income.filter(
                household__pairings__official__user=buddy,
                household__pairings__ended_on__isnull=True,
            ).order_by("pk")[:1]
        )
    others = list(income.exclude(pk__in=[p.pk for p in mine]).order_by("pk")[:2])
    made = 0
    for problem, status in zip(
        [*mine, *others],
        [ReferralStatus.SENT, ReferralStatus.ACCEPTED, ReferralStatus.DONE],
        strict=False,
    ):
        answered = status != ReferralStatus.SENT
        Referral.objects.create(
            household=problem.household,
            problem=problem,
            agency=chamber,
            offer=offer,
            status=status,
            message="ขอให้ช่วยพิจารณารับเข้าทำงาน สมาชิกพร้อมทำงานเต็มเวลา",
            due_on=today + dt.timedelta(days=21 if answered else 14),
            sent_on=today - dt.timedelta(days=10 if answered else 2),
            sent_by=buddy or partner_login,
            answered_on=today - dt.timedelta(days=7) if answered else None,
            answered_by=partner_login if answered else None,
            done_on=today - dt.timedelta(days=1) if status == ReferralStatus.DONE else None,
            outcome="เริ่มงานแล้ว ค่าจ้างวันละ 370 บาท" if status == ReferralStatus.DONE else "",
        )
        made += 1
    return made


def referrals_delete() -> int:
    """Every referral (the demo deletes all programme data); how many."""
    return Referral.objects.all().delete()[0]


def partners_delete() -> int:
    """Remove the demo's partners and their offers; how many partners."""
    demo = Agency.objects.filter(code__startswith=PARTNER_PREFIX)
    Offer.objects.filter(agency__in=demo).delete()
    _, deleted = demo.delete()
    return deleted.get(Agency._meta.label, 0)

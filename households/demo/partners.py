"""The demo's partners (ภาคีเครือข่าย) of the other four sectors and their offers, so that
the case page's «ข้อเสนอจากภาคี» has something to suggest. The organisations are examples
of the kinds the programme works with, not a list of its real partners; the districts are
Khon Kaen's own."""

import datetime as dt

from agencies.models import Agency, District, Need, OrganisationKind, Sector
from households.models import Cause, Sex
from households.referrals.models import Offer, OfferKind

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


def create_partners(today: dt.date) -> dict[str, int]:
    """The demo's partners and their offers (open from a month ago for a year)."""
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
    return {"partners": len(PARTNERS), "offers": offers}


def partners_delete() -> int:
    """Remove the demo's partners and their offers; how many partners."""
    demo = Agency.objects.filter(code__startswith=PARTNER_PREFIX)
    Offer.objects.filter(agency__in=demo).delete()
    _, deleted = demo.delete()
    return deleted.get(Agency._meta.label, 0)

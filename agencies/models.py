from django.contrib.postgres.fields import ArrayField
from django.db import models


class Sector(models.TextChoices):
    """Quintuple Helix: the five kinds of partner in the programme."""

    GOVERNMENT = "government", "ภาครัฐ"
    ACADEMIA = "academia", "สถาบันการศึกษา"
    PRIVATE = "private", "ภาคเอกชน"
    CIVIL_SOCIETY = "civil_society", "ภาคประชาสังคม"
    COMMUNITY = "community", "ภาคชุมชน"


class Need(models.TextChoices):
    """The five TPMAP dimensions of need; households flag them, agencies serve them."""

    INCOME = "income", "ด้านรายได้"
    LIVING = "living", "ด้านความเป็นอยู่"
    HEALTH = "health", "ด้านสุขภาพ"
    EDUCATION = "education", "ด้านการศึกษา"
    PUBLIC_SERVICES = "public_services", "ด้านการเข้าถึงบริการรัฐ"


class OrganisationKind(models.TextChoices):
    """What kind of organisation an agency or partner is (within its Sector)."""

    GOVERNMENT_OFFICE = "office", "ส่วนราชการ"
    LOCAL_GOVERNMENT = "local", "องค์กรปกครองส่วนท้องถิ่น"
    UNIVERSITY = "university", "มหาวิทยาลัย/สถาบันการศึกษา"
    COMPANY = "company", "บริษัท/ห้างร้าน"
    FOUNDATION = "foundation", "มูลนิธิ/สมาคม"
    VILLAGE_FUND = "village_fund", "กองทุนหมู่บ้าน"
    COMMUNITY_ENTERPRISE = "community_enterprise", "วิสาหกิจชุมชน"
    OTOP = "otop", "กลุ่ม OTOP"
    OTHER = "other", "อื่น ๆ"


class AgencyManager(models.Manager):
    def get_by_natural_key(self, code):
        return self.get(code=code)


class Agency(models.Model):
    """An organisation of any of the five sectors (Sector): a government agency whose
    officials act as buddies, or a partner (ภาคีเครือข่าย: a university, a company, a
    foundation, a village fund, a community enterprise…) with its contacts, the districts
    it serves and its offers (households.referrals.Offer)."""

    code = models.CharField("รหัสหน่วยงาน", max_length=20, unique=True)
    name_th = models.CharField("ชื่อหน่วยงาน", max_length=200)
    name_en = models.CharField("ชื่อภาษาอังกฤษ", max_length=200, blank=True)
    short_name_th = models.CharField("ชื่อย่อ", max_length=60, blank=True)
    sector = models.CharField(
        "ภาคส่วน", max_length=20, choices=Sector.choices, default=Sector.GOVERNMENT
    )
    need_fields = ArrayField(
        models.CharField(max_length=20, choices=Need.choices),
        verbose_name="ด้านที่หน่วยงานช่วยได้",
        default=list,
        blank=True,
        help_text="ใช้จับคู่ครัวเรือนกับเจ้าหน้าที่ที่หน่วยงานตรงกับความต้องการหลักของครัวเรือน",
    )
    kind = models.CharField(
        "ประเภทองค์กร",
        max_length=30,
        choices=OrganisationKind.choices,
        default=OrganisationKind.GOVERNMENT_OFFICE,
    )
    contact_name = models.CharField("ผู้ประสานงาน", max_length=200, blank=True)
    contact_phone = models.CharField("โทรศัพท์ผู้ประสานงาน", max_length=20, blank=True)
    contact_email = models.EmailField("อีเมลผู้ประสานงาน", blank=True)
    districts = models.ManyToManyField(
        "District",
        blank=True,
        related_name="agencies_serving",
        verbose_name="อำเภอที่ให้บริการ",
        help_text="เว้นว่างไว้เมื่อให้บริการทั้งจังหวัด",
    )
    is_active = models.BooleanField("ใช้งานอยู่", default=True)

    objects = AgencyManager()

    class Meta:
        verbose_name = "หน่วยงาน"
        verbose_name_plural = "หน่วยงาน"
        ordering = ["name_th"]

    def __str__(self):
        return self.short_name_th or self.name_th

    def natural_key(self):
        return (self.code,)

    @property
    def is_partner(self) -> bool:
        """A partner of the programme rather than one of its government agencies."""
        return self.sector != Sector.GOVERNMENT


class District(models.Model):
    """An อำเภอ of Khon Kaen, keyed by its DOPA code (40xx)."""

    code = models.CharField("รหัสอำเภอ", max_length=4, primary_key=True)
    name_th = models.CharField("ชื่ออำเภอ", max_length=100, unique=True)
    name_en = models.CharField("ชื่อภาษาอังกฤษ", max_length=100)

    class Meta:
        verbose_name = "อำเภอ"
        verbose_name_plural = "อำเภอ"
        ordering = ["code"]

    def __str__(self):
        return self.name_th


class Subdistrict(models.Model):
    """A ตำบล, keyed by its DOPA code (40xxyy), with its main postal code."""

    code = models.CharField("รหัสตำบล", max_length=6, primary_key=True)
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="subdistricts", verbose_name="อำเภอ"
    )
    name_th = models.CharField("ชื่อตำบล", max_length=100)
    name_en = models.CharField("ชื่อภาษาอังกฤษ", max_length=100)
    postal_code = models.CharField("รหัสไปรษณีย์", max_length=5)

    class Meta:
        verbose_name = "ตำบล"
        verbose_name_plural = "ตำบล"
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["district", "name_th"], name="subdistrict_name_unique")
        ]

    def __str__(self):
        # Seven names repeat across districts (ในเมือง, บ้านฝาง, …): say which one.
        # Lists of subdistricts select_related("district").
        return f"{self.name_th} (อ.{self.district.name_th})"

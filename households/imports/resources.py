"""django-import-export resources for households, members, visits, aid records and officials.

Used by the Django admin's import/export buttons (households/admin.py, officials/admin.py).
The app's own import pages run on the resources in household_rows.py and people.py (the
messier files officials send); these follow the same rules and handle the library's traps:

- dates are read and written in the Buddhist Era with kuseaw.thaidate, national IDs are
  read with kuseaw.national_id and exported masked unless the resource is made for an admin;
- every exported cell goes through exports.neutralise() (the library's own option strips
  only a leading «=»);
- existing records are loaded once per file (CachedInstanceLoader) and foreign keys once
  per file (CachedForeignKeyWidget.prime), not one query per row;
- `use_bulk` is only used by import_atomically(), inside our own transaction, so a bulk
  import can never commit part of a file;
- the admin's temporary file storage keeps nothing on disk (DatabaseTmpStorage).
"""

import base64

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import OuterRef, Subquery
from import_export import fields, resources, widgets
from import_export.instance_loaders import CachedInstanceLoader, ModelInstanceLoader
from import_export.tmp_storages import BaseStorage

from agencies.models import Agency, District, Subdistrict
from households.imports.exports import neutralise
from households.models import (
    AidCategory,
    AidRecord,
    AidStatus,
    Cause,
    Education,
    Household,
    Member,
    PovertyLevel,
    Relation,
    Sex,
    Status,
    Visit,
    VisitKind,
)
from kuseaw.national_id import mask_national_id, normalize_national_id, validate_national_id
from kuseaw.thai import clean_text
from kuseaw.thaidate import format_be, parse_be_date
from officials.models import Official


class DatabaseTmpStorage(BaseStorage):
    """The admin's upload between preview and confirm, kept in the database, never on disk.

    The library's default (TempFolderStorage) writes the file, national IDs and all, to the
    temp folder and leaves it there when the confirm never comes; its CacheStorage would
    use the default cache, which is per process and so misses the confirm when another
    gunicorn worker takes it. This keeps the bytes in a row of Django's session table
    (database-backed whatever SESSION_ENGINE says), removed on confirm and expiring after
    an hour otherwise (`manage.py clearsessions` deletes expired rows).
    """

    LIFETIME = 60 * 60

    def _store(self, name=None):
        from django.contrib.sessions.backends.db import SessionStore

        return SessionStore(session_key=name)

    def save(self, data):
        store = self._store(self.name)
        if isinstance(data, bytes):
            store["bytes"] = base64.b64encode(data).decode("ascii")
        else:
            store["text"] = data
        store.set_expiry(self.LIFETIME)
        store.save()
        self.name = store.session_key

    def read(self):
        store = self._store(self.name)
        if "bytes" in store:
            data = base64.b64decode(store["bytes"])
            return data if "b" in self.read_mode else data.decode(self.encoding or "utf-8")
        text = store.get("text")
        if text is None:
            raise FileNotFoundError("ไฟล์ที่อัปโหลดหมดอายุแล้ว กรุณาอัปโหลดใหม่")
        return text.encode(self.encoding or "utf-8") if "b" in self.read_mode else text

    def remove(self):
        self._store(self.name).delete()


# --- widgets ---------------------------------------------------------------------------


class BEDateWidget(widgets.Widget):
    """A date in the Buddhist Era: reads `15/02/2564`, `15 ก.พ. 2564`, Excel dates…
    (kuseaw.thaidate.parse_be_date), writes `15/02/2564`."""

    def clean(self, value, row=None, **kwargs):
        return parse_be_date(value)  # BEDateError is a ValueError: a row error, in Thai

    def render(self, value, obj=None, **kwargs):
        return format_be(value, "numeric") if value else ""


class NationalIDWidget(widgets.Widget):
    """A Thai national ID: dashes, spaces, Thai digits and Excel numbers are accepted, the
    check digit is verified; exported masked unless `show` is set (admins only)."""

    def __init__(self, show=False, **kwargs):
        super().__init__(**kwargs)
        self.show = show

    def clean(self, value, row=None, **kwargs):
        if value is None or clean_text(value) == "":
            return None
        try:
            validate_national_id(value)
        except ValidationError as error:
            # A ValueError is a row error, like BEDateWidget's; a ValidationError was a 500.
            raise ValueError(error.messages[0]) from None
        return normalize_national_id(value)

    def render(self, value, obj=None, **kwargs):
        if not value:
            return ""
        return value if self.show else mask_national_id(value)


class ChoiceWidget(widgets.Widget):
    """A choice field written as its Thai label; reads the label or the stored value."""

    def __init__(self, choices, **kwargs):
        super().__init__(**kwargs)
        self.labels = {value: str(label) for value, label in choices}
        self.values = {str(label): value for value, label in choices}
        self.values.update({str(value): value for value, _ in choices})

    def clean(self, value, row=None, **kwargs):
        text = clean_text(value)
        if text.endswith(".0") and text[:-2].isdigit():
            text = text[:-2]
        if not text:
            return None
        if text not in self.values:
            allowed = ", ".join(self.labels.values())
            raise ValueError(f"ไม่รู้จักค่า «{text}» (ใช้ได้: {allowed})")
        return self.values[text]

    def render(self, value, obj=None, **kwargs):
        return self.labels.get(value, "" if value is None else str(value))


class CachedForeignKeyWidget(widgets.ForeignKeyWidget):
    """A ForeignKeyWidget that looks its objects up once per file, not once per row.

    The resource's before_import() calls prime() with the column's values; a value not
    primed is looked up once and remembered.
    """

    def __init__(self, model, field="pk", select_related=(), **kwargs):
        super().__init__(model, field=field, **kwargs)
        self.select_related = select_related
        self.cache = {}

    def _key(self, value):
        text = clean_text(value)
        if text.endswith(".0") and text[:-2].isdigit():
            text = text[:-2]
        return text

    def _queryset(self):
        return self.model.objects.select_related(*self.select_related)

    def prime(self, values):
        keys = {self._key(v) for v in values} - set(self.cache) - {""}
        if not keys:
            return
        for obj in self._queryset().filter(**{f"{self.field}__in": keys}):
            self.cache[str(getattr(obj, self.field))] = obj

    def clean(self, value, row=None, **kwargs):
        key = self._key(value)
        if not key:
            return None
        if key not in self.cache:
            self.prime([key])
        if key not in self.cache:
            raise ValueError(f"ไม่พบ «{key}» ใน{self.model._meta.verbose_name}")
        return self.cache[key]


class RowSafeInstanceLoader(CachedInstanceLoader):
    """CachedInstanceLoader reads every row's id before any row is imported, outside the
    per-row error handling: one id that cannot be read (a bad national ID, a NUL character)
    was a 500 for the whole file. Such rows are left out of the cache and their own import
    reports the error, in Thai, like any other cell."""

    def __init__(self, resource, dataset=None):
        ModelInstanceLoader.__init__(self, resource, dataset)
        self.pk_field = self.resource.fields[self.resource.get_import_id_fields()[0]]
        self.all_instances = {}
        if self.dataset.dict and self.pk_field.column_name in self.dataset.dict[0]:
            ids = []
            for row in self.dataset.dict:
                try:
                    value = self.pk_field.clean(row)
                except ValueError:
                    continue
                if not (isinstance(value, str) and "\x00" in value):  # PostgreSQL refuses NUL
                    ids.append(value)
            queryset = self.get_queryset().filter(**{f"{self.pk_field.attribute}__in": ids})
            self.all_instances = {self.pk_field.get_value(obj): obj for obj in queryset}


# --- resources -------------------------------------------------------------------------


class KuseawResource(resources.ModelResource):
    """What every resource here shares: the admin flag, cached lookups, neutralised cells."""

    def __init__(self, for_admin=False, **kwargs):
        super().__init__(**kwargs)
        self.for_admin = for_admin
        for field in self.fields.values():
            if isinstance(field.widget, NationalIDWidget):
                field.widget.show = for_admin

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        # One query per foreign key column for the whole file.
        for field in self.fields.values():
            if isinstance(field.widget, CachedForeignKeyWidget) and field.column_name in (
                dataset.headers or []
            ):
                field.widget.prime(dataset[field.column_name])

    def export_field(self, field, instance, **kwargs):
        return clean_cell(super().export_field(field, instance, **kwargs))

    def export_related(self, queryset):
        return queryset

    def filter_export(self, queryset, **kwargs):
        return self.export_related(super().filter_export(queryset, **kwargs))


def clean_cell(value):
    """An exported cell that a spreadsheet cannot run as a formula (exports.neutralise)."""
    return neutralise(value)


class HouseholdResource(KuseawResource):
    code = fields.Field(attribute="code", column_name="รหัสครัวเรือน")
    head_name = fields.Field(column_name="หัวหน้าครัวเรือน", readonly=True)
    head_national_id = fields.Field(column_name="เลขประจำตัวประชาชนหัวหน้าครัวเรือน", readonly=True)
    house_no = fields.Field(attribute="house_no", column_name="บ้านเลขที่")
    village_no = fields.Field(
        attribute="village_no", column_name="หมู่ที่", widget=widgets.IntegerWidget()
    )
    village_name = fields.Field(attribute="village_name", column_name="ชื่อหมู่บ้าน")
    subdistrict = fields.Field(
        attribute="subdistrict",
        column_name="รหัสตำบล",
        widget=CachedForeignKeyWidget(Subdistrict, field="code", select_related=["district"]),
    )
    subdistrict_name = fields.Field(
        attribute="subdistrict__name_th", column_name="ตำบล", readonly=True
    )
    district_name = fields.Field(
        attribute="subdistrict__district__name_th", column_name="อำเภอ", readonly=True
    )
    phone = fields.Field(attribute="phone", column_name="โทรศัพท์ติดต่อ")
    status = fields.Field(
        attribute="status",
        column_name="สถานะ",
        widget=ChoiceWidget(Status.choices),
        default=Status.ACTIVE,
    )
    poverty_level = fields.Field(
        attribute="poverty_level",
        column_name="ระดับความยากจน",
        widget=ChoiceWidget(PovertyLevel.choices),
        default=PovertyLevel.HARD,
    )
    cause = fields.Field(
        attribute="cause", column_name="สาเหตุความยากจน", widget=ChoiceWidget(Cause.choices)
    )
    annual_income = fields.Field(
        attribute="annual_income",
        column_name="รายได้ครัวเรือนต่อปี (บาท)",
        widget=widgets.DecimalWidget(),
    )
    joined_on = fields.Field(
        attribute="joined_on", column_name="วันที่เข้าโครงการ", widget=BEDateWidget()
    )

    class Meta:
        model = Household
        fields = (
            "code",
            "head_name",
            "head_national_id",
            "house_no",
            "village_no",
            "village_name",
            "subdistrict",
            "subdistrict_name",
            "district_name",
            "phone",
            "status",
            "poverty_level",
            "cause",
            "annual_income",
            "joined_on",
        )
        export_order = fields
        import_id_fields = ("code",)
        instance_loader_class = RowSafeInstanceLoader
        skip_unchanged = True
        report_skipped = True
        use_transactions = True
        use_bulk = False  # bulk only through import_atomically()

    def get_queryset(self):
        # Existing records are loaded once per file (CachedInstanceLoader), with what the
        # row diff reads, so nothing is fetched per row.
        return super().get_queryset().select_related("subdistrict__district")

    def export_related(self, queryset):
        heads = Member.objects.filter(household=OuterRef("pk"), is_head=True)
        if "head_name" not in queryset.query.annotations:
            queryset = queryset.with_head_name()
        return queryset.select_related("subdistrict__district").annotate(
            head_national_id=Subquery(heads.values("national_id")[:1])
        )

    def dehydrate_head_name(self, household):
        return getattr(household, "head_name", None) or ""

    def dehydrate_head_national_id(self, household):
        nid = getattr(household, "head_national_id", None)
        if not nid:
            return ""
        return nid if self.for_admin else mask_national_id(nid)


class MemberResource(KuseawResource):
    national_id = fields.Field(
        attribute="national_id", column_name="เลขประจำตัวประชาชน", widget=NationalIDWidget()
    )
    household = fields.Field(
        attribute="household",
        column_name="รหัสครัวเรือน",
        widget=CachedForeignKeyWidget(Household, field="code"),
    )
    title = fields.Field(attribute="title", column_name="คำนำหน้า")
    first_name = fields.Field(attribute="first_name", column_name="ชื่อ")
    last_name = fields.Field(attribute="last_name", column_name="นามสกุล")
    birth_date = fields.Field(attribute="birth_date", column_name="วันเกิด", widget=BEDateWidget())
    sex = fields.Field(attribute="sex", column_name="เพศ", widget=ChoiceWidget(Sex.choices))
    relation = fields.Field(
        attribute="relation",
        column_name="ความสัมพันธ์กับหัวหน้าครัวเรือน",
        widget=ChoiceWidget(Relation.choices),
    )
    is_head = fields.Field(
        attribute="is_head", column_name="หัวหน้าครัวเรือน", widget=widgets.BooleanWidget()
    )
    education = fields.Field(
        attribute="education", column_name="การศึกษา", widget=ChoiceWidget(Education.choices)
    )
    occupation = fields.Field(attribute="occupation", column_name="อาชีพ")
    phone = fields.Field(attribute="phone", column_name="โทรศัพท์")
    has_welfare_card = fields.Field(
        attribute="has_welfare_card",
        column_name="มีบัตรสวัสดิการแห่งรัฐ",
        widget=widgets.BooleanWidget(),
    )
    left_on = fields.Field(attribute="left_on", column_name="วันที่ย้ายออก", widget=BEDateWidget())

    class Meta:
        model = Member
        fields = (
            "national_id",
            "household",
            "title",
            "first_name",
            "last_name",
            "birth_date",
            "sex",
            "relation",
            "is_head",
            "education",
            "occupation",
            "phone",
            "has_welfare_card",
            "left_on",
        )
        export_order = fields
        import_id_fields = ("national_id",)
        instance_loader_class = RowSafeInstanceLoader
        skip_unchanged = True
        report_skipped = True
        use_transactions = True
        use_bulk = False

    def get_queryset(self):
        return super().get_queryset().select_related("household")

    def export_related(self, queryset):
        return queryset.select_related("household")

    def before_save_instance(self, instance, row, **kwargs):
        user = kwargs.get("user")
        if user is not None and getattr(user, "pk", None):
            instance.updated_by = user
        if instance.education is None:
            instance.education = ""


class VisitResource(KuseawResource):
    household = fields.Field(
        attribute="household",
        column_name="รหัสครัวเรือน",
        widget=CachedForeignKeyWidget(Household, field="code"),
    )
    visited_on = fields.Field(attribute="visited_on", column_name="วันที่เยี่ยม", widget=BEDateWidget())
    kind = fields.Field(
        attribute="kind", column_name="ลักษณะ", widget=ChoiceWidget(VisitKind.choices)
    )
    official_name = fields.Field(column_name="ผู้เยี่ยม", readonly=True)
    findings = fields.Field(attribute="findings", column_name="สิ่งที่พบ")
    needs_observed = fields.Field(attribute="needs_observed", column_name="ความต้องการที่พบ")
    income_reported = fields.Field(
        attribute="income_reported",
        column_name="รายได้ที่แจ้ง (บาท/เดือน)",
        widget=widgets.DecimalWidget(),
    )
    next_follow_up = fields.Field(
        attribute="next_follow_up", column_name="นัดติดตามครั้งต่อไป", widget=BEDateWidget()
    )

    class Meta:
        model = Visit
        fields = (
            "household",
            "visited_on",
            "kind",
            "official_name",
            "findings",
            "needs_observed",
            "income_reported",
            "next_follow_up",
        )
        export_order = fields
        instance_loader_class = RowSafeInstanceLoader
        skip_unchanged = True
        report_skipped = True
        use_transactions = True
        use_bulk = False

    def export_related(self, queryset):
        return queryset.select_related("household", "official__user")

    def dehydrate_official_name(self, visit):
        return visit.official.full_name


class AidRecordResource(KuseawResource):
    household = fields.Field(
        attribute="household",
        column_name="รหัสครัวเรือน",
        widget=CachedForeignKeyWidget(Household, field="code"),
    )
    category = fields.Field(
        attribute="category", column_name="ด้าน", widget=ChoiceWidget(AidCategory.choices)
    )
    title = fields.Field(attribute="title", column_name="รายการช่วยเหลือ")
    provider = fields.Field(column_name="ผู้ให้", readonly=True)
    given_on = fields.Field(attribute="given_on", column_name="วันที่", widget=BEDateWidget())
    value = fields.Field(
        attribute="value", column_name="มูลค่า (บาท)", widget=widgets.DecimalWidget()
    )
    status = fields.Field(
        attribute="status", column_name="สถานะ", widget=ChoiceWidget(AidStatus.choices)
    )
    outcome = fields.Field(attribute="outcome", column_name="ผลที่เกิดขึ้น")

    class Meta:
        model = AidRecord
        fields = (
            "household",
            "category",
            "title",
            "provider",
            "given_on",
            "value",
            "status",
            "outcome",
        )
        export_order = fields
        instance_loader_class = RowSafeInstanceLoader
        skip_unchanged = True
        report_skipped = True
        use_transactions = True
        use_bulk = False

    def export_related(self, queryset):
        return queryset.select_related("household", "agency")

    def dehydrate_provider(self, record):
        return record.provider


class OfficialResource(KuseawResource):
    """Officials matched by national ID; the user account, agency and district must exist."""

    national_id = fields.Field(
        attribute="national_id", column_name="เลขประจำตัวประชาชน", widget=NationalIDWidget()
    )
    full_name = fields.Field(column_name="ชื่อ-นามสกุล", readonly=True)
    user = fields.Field(
        attribute="user",
        column_name="ชื่อผู้ใช้",
        widget=CachedForeignKeyWidget(
            Official._meta.get_field("user").related_model, field="username"
        ),
    )
    agency = fields.Field(
        attribute="agency",
        column_name="รหัสหน่วยงาน",
        widget=CachedForeignKeyWidget(Agency, field="code"),
    )
    district = fields.Field(
        attribute="district",
        column_name="อำเภอที่ปฏิบัติงาน",
        widget=CachedForeignKeyWidget(District, field="name_th"),
    )
    position = fields.Field(attribute="position", column_name="ตำแหน่ง")
    phone = fields.Field(attribute="phone", column_name="โทรศัพท์")
    is_active = fields.Field(
        attribute="is_active", column_name="ปฏิบัติงานอยู่", widget=widgets.BooleanWidget()
    )

    class Meta:
        model = Official
        fields = (
            "national_id",
            "full_name",
            "user",
            "agency",
            "district",
            "position",
            "phone",
            "is_active",
        )
        export_order = fields
        import_id_fields = ("national_id",)
        instance_loader_class = RowSafeInstanceLoader
        skip_unchanged = True
        report_skipped = True
        use_transactions = True
        use_bulk = False

    def get_queryset(self):
        return super().get_queryset().select_related("user", "agency", "district")

    def export_related(self, queryset):
        return queryset.select_related("user", "agency", "district")

    def dehydrate_full_name(self, official):
        return official.full_name


def import_atomically(resource, dataset, *, dry_run=False, bulk=False, **kwargs):
    """Import a whole dataset in one transaction of our own: all rows or none.

    With bulk=True the resource runs in django-import-export's bulk mode, which on its own
    commits batch by batch; here it runs inside our atomic block, which is rolled back on a
    dry run or on any row error (including validation errors).
    """
    if bulk and not resource._meta.use_bulk:
        resource = bulk_variant(type(resource))(for_admin=resource.for_admin)
    using = resource.get_db_connection_name()
    with transaction.atomic(using=using):
        result = resource.import_data(
            dataset,
            dry_run=dry_run,
            use_transactions=True,
            rollback_on_validation_errors=True,
            **kwargs,
        )
        if dry_run or result.has_errors() or result.has_validation_errors():
            transaction.set_rollback(True, using=using)
    return result


_BULK_VARIANTS = {}


def bulk_variant(resource_class):
    """The same resource with use_bulk on; only import_atomically() uses it."""
    if resource_class not in _BULK_VARIANTS:
        meta = type("Meta", (resource_class.Meta,), {"use_bulk": True})
        _BULK_VARIANTS[resource_class] = type(
            f"Bulk{resource_class.__name__}", (resource_class,), {"Meta": meta}
        )
    return _BULK_VARIANTS[resource_class]

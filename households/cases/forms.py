"""Forms of the case plan, laid out for a phone held in one hand: big choices, one screen a
step, the same date, token and error rules as the visit form (households.forms)."""

from django import forms
from django.utils import timezone

from agencies.models import Agency, Need
from households.cases.models import (
    CAPITAL_HINTS,
    Action,
    ActionStatus,
    AnswerValue,
    CapitalKind,
    Indicator,
    OwnerKind,
    ProblemStatus,
    SolvedBy,
)
from households.models import PovertyLevel
from kuseaw.fields import BEDateField
from kuseaw.forms import SubmissionTokenMixin, hand_entry_rules
from kuseaw.forms import phone_helper as _helper


class RoundStartForm(SubmissionTokenMixin, forms.Form):
    assessed_on = BEDateField(label="วันที่สำรวจ", allow_future=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        hand_entry_rules(self)
        if not self.is_bound:
            self.initial.setdefault("assessed_on", timezone.localdate())
        self.helper = _helper(self, "เริ่มสำรวจ", "round-start")


class FiguresForm(forms.Form):
    assessed_on = BEDateField(label="วันที่สำรวจ", allow_future=False)
    members = forms.IntegerField(
        label="จำนวนสมาชิกที่อาศัยอยู่จริง (คน)",
        min_value=1,
        max_value=50,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    annual_income = forms.DecimalField(
        label="รายได้ทั้งครัวเรือนต่อปี (บาท)",
        min_value=0,
        max_digits=12,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"inputmode": "decimal"}),
        help_text="รวมทุกแหล่ง: ค่าจ้าง ขายผลผลิต เบี้ยยังชีพ เงินที่ลูกหลานส่งให้",
    )
    debts = forms.DecimalField(
        label="หนี้สินรวม (บาท)",
        min_value=0,
        max_digits=12,
        decimal_places=2,
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "decimal"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        hand_entry_rules(self)
        self.fields["members"].error_messages["min_value"] = "จำนวนสมาชิกต้องมีอย่างน้อย 1 คน"
        self.fields["annual_income"].error_messages["min_value"] = "รายได้ต้องไม่ติดลบ"
        self.fields["debts"].error_messages["min_value"] = "หนี้สินต้องไม่ติดลบ"


class AnswersForm(forms.Form):
    """One dimension's questions: for each (indicator, member) a choice and a note."""

    def __init__(self, *args, questions, answers, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = []
        for indicator, member in questions:
            key = f"{indicator.pk}_{member.pk if member else 0}"
            existing = answers.get((indicator.pk, member.pk if member else None))
            label = indicator.text if member is None else f"{indicator.text} — {member.full_name}"
            self.fields[f"a{key}"] = forms.ChoiceField(
                label=label,
                choices=AnswerValue.choices,
                widget=forms.RadioSelect,
                initial=existing.value if existing else None,
            )
            self.fields[f"n{key}"] = forms.CharField(
                label="หมายเหตุ",
                required=False,
                max_length=500,
                initial=existing.note if existing else "",
            )
            self.questions.append((indicator, member, f"a{key}", f"n{key}"))
        hand_entry_rules(self)
        for field in self.fields.values():
            if isinstance(field, forms.ChoiceField):
                field.error_messages["required"] = "กรุณาเลือกคำตอบข้อนี้"

    def rows(self):
        """(indicator, member, choice bound field, note bound field) for the template."""
        return [(i, m, self[a], self[n]) for i, m, a, n in self.questions]

    def answers(self):
        return [
            (i, m, self.cleaned_data[a], self.cleaned_data[n].strip())
            for i, m, a, n in self.questions
        ]


class CapitalsForm(forms.Form):
    """The five capitals: each a score 1–5, what the household has, and a note."""

    SCORES = [(str(n), str(n)) for n in range(1, 6)]

    def __init__(self, *args, capitals, **kwargs):
        super().__init__(*args, **kwargs)
        self.kinds = []
        for kind in CapitalKind:
            existing = capitals.get(kind.value)
            self.fields[f"{kind.value}_score"] = forms.TypedChoiceField(
                label=f"{kind.label} (1 น้อยมาก – 5 มีมาก)",
                choices=self.SCORES,
                coerce=int,
                required=False,
                empty_value=None,
                widget=forms.RadioSelect,
                initial=str(existing.score) if existing and existing.score else None,
            )
            self.fields[f"{kind.value}_items"] = forms.CharField(
                label="สิ่งที่มี",
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
                help_text=CAPITAL_HINTS[kind],
                initial=existing.items if existing else "",
            )
            self.fields[f"{kind.value}_note"] = forms.CharField(
                label="หมายเหตุ",
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
                initial=existing.note if existing else "",
            )
            self.kinds.append(kind)
        hand_entry_rules(self)

    def rows(self):
        return [
            (
                kind,
                self[f"{kind.value}_score"],
                self[f"{kind.value}_items"],
                self[f"{kind.value}_note"],
            )
            for kind in self.kinds
        ]

    def capitals(self) -> dict[str, dict]:
        data = self.cleaned_data
        return {
            kind.value: {
                "score": data[f"{kind.value}_score"],
                "items": data[f"{kind.value}_items"].strip(),
                "note": data[f"{kind.value}_note"].strip(),
            }
            for kind in self.kinds
        }


class FinishForm(forms.Form):
    level = forms.TypedChoiceField(
        label="ระดับความยากจนของรอบนี้",
        choices=PovertyLevel.choices,
        coerce=int,
        widget=forms.RadioSelect,
    )
    level_reason = forms.CharField(
        label="เหตุผล (เมื่อเลือกต่างจากที่ระบบเสนอ)",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, suggested: int, **kwargs):
        super().__init__(*args, **kwargs)
        hand_entry_rules(self)
        self.suggested = suggested
        if not self.is_bound:
            self.initial["level"] = suggested

    def clean(self):
        cleaned = super().clean()
        level = cleaned.get("level")
        if level is not None and level != self.suggested and not cleaned.get("level_reason"):
            self.add_error("level_reason", "ระดับที่เลือกต่างจากที่ระบบเสนอ กรุณาระบุเหตุผล")
        return cleaned


class ProblemForm(forms.Form):
    dimension = forms.ChoiceField(label="มิติ", choices=Need.choices, widget=forms.RadioSelect)
    title = forms.CharField(label="ปัญหา", max_length=300)
    member = forms.ModelChoiceField(
        label="สมาชิกที่เป็นปัญหา (ถ้ามี)",
        queryset=None,
        required=False,
        empty_label="– ทั้งครัวเรือน –",
    )
    note = forms.CharField(
        label="หมายเหตุ", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, household, **kwargs):
        super().__init__(*args, **kwargs)
        hand_entry_rules(self)
        self.fields["member"].queryset = household.members.current()
        self.helper = _helper(self, "เพิ่มปัญหา", "problem-form")


class ProblemCloseForm(forms.Form):
    status = forms.ChoiceField(
        label="ผล",
        choices=[
            (ProblemStatus.SOLVED, ProblemStatus.SOLVED.label),
            (ProblemStatus.NOT_POSSIBLE, ProblemStatus.NOT_POSSIBLE.label),
        ],
        widget=forms.RadioSelect,
    )
    solved_by = forms.ChoiceField(
        label="แก้ได้โดย (เมื่อแก้ได้แล้ว)",
        choices=SolvedBy.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label="บันทึก", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        hand_entry_rules(self)
        self.helper = _helper(self, "บันทึกผล", "problem-close")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("status") == ProblemStatus.SOLVED and not cleaned.get("solved_by"):
            self.add_error("solved_by", "กรุณาระบุว่าแก้ได้ด้วยความช่วยเหลือของโครงการหรือครัวเรือนแก้ได้เอง")
        return cleaned


class ActionForm(SubmissionTokenMixin, forms.ModelForm):
    due_on = BEDateField(label="กำหนดเสร็จ")
    agency = forms.ModelChoiceField(
        queryset=Agency.objects.filter(is_active=True),
        required=False,
        label="หน่วยงานที่รับผิดชอบ",
        empty_label="– เลือกหน่วยงาน –",
    )

    class Meta:
        model = Action
        fields = ["what", "owner_kind", "agency", "partner", "due_on", "note"]
        widgets = {
            "owner_kind": forms.RadioSelect,
            "note": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        hand_entry_rules(self)
        self.fields["owner_kind"].choices = OwnerKind.choices
        self.fields["partner"].help_text = "ชื่อภาคี เช่น มหาวิทยาลัย บริษัท กลุ่มวิสาหกิจชุมชน"
        self.helper = _helper(self, "เพิ่มกิจกรรม", "action-form")

    def clean(self):
        cleaned = super().clean()
        owner = cleaned.get("owner_kind")
        if owner == OwnerKind.AGENCY and not cleaned.get("agency"):
            self.add_error("agency", "กรุณาเลือกหน่วยงานที่รับผิดชอบ")
        if owner == OwnerKind.PARTNER and not (cleaned.get("partner") or "").strip():
            self.add_error("partner", "กรุณาระบุชื่อภาคีเครือข่ายที่รับผิดชอบ")
        return cleaned


class ActionUpdateForm(forms.Form):
    status = forms.ChoiceField(label="สถานะ", choices=ActionStatus.choices)
    note = forms.CharField(label="บันทึก", required=False)

    def __init__(self, *args, action, **kwargs):
        super().__init__(*args, **kwargs)
        hand_entry_rules(self)
        if not self.is_bound:
            self.initial.update(status=action.status, note=action.note)


class GraduationProposeForm(forms.Form):
    evidence = forms.CharField(
        label="หลักฐานและเหตุผล",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="เช่น รายได้จากอาชีพใหม่ สิ่งที่เปลี่ยนไป ผลการสำรวจรอบล่าสุด",
    )
    household_agrees = forms.BooleanField(label="ครัวเรือนเห็นด้วยว่าพร้อมพ้นความยากจน", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        hand_entry_rules(self)
        self.helper = _helper(self, "เสนอพ้นความยากจน", "graduation-propose")


class GraduationDecideForm(forms.Form):
    decision = forms.ChoiceField(
        label="ผลการพิจารณา",
        choices=[("approve", "อนุมัติพ้นความยากจน"), ("return", "ส่งกลับให้คู่เสี่ยว")],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label="เหตุผล (ต้องระบุเมื่อส่งกลับ)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    follow_up_official = forms.ModelChoiceField(
        label="เจ้าหน้าที่ผู้ติดตามหลังพ้นความยากจน",
        queryset=None,
        required=False,
        empty_label="– คู่เสี่ยวคนปัจจุบัน –",
    )

    def __init__(self, *args, officials, **kwargs):
        super().__init__(*args, **kwargs)
        hand_entry_rules(self)
        self.fields["follow_up_official"].queryset = officials
        self.helper = _helper(self, "บันทึกผลการพิจารณา", "graduation-decide")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "return" and not cleaned.get("reason", "").strip():
            self.add_error("reason", "กรุณาระบุเหตุที่ส่งกลับ")
        return cleaned


class FollowUpCheckForm(forms.Form):
    done_on = BEDateField(label="วันที่ติดตาม", allow_future=False)
    members = forms.IntegerField(
        label="จำนวนสมาชิก (คน)",
        min_value=1,
        max_value=50,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    annual_income = forms.DecimalField(
        label="รายได้ทั้งครัวเรือนต่อปี (บาท)",
        min_value=0,
        max_digits=12,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"inputmode": "decimal"}),
    )
    new_unmet = forms.ModelMultipleChoiceField(
        label="ตัวชี้วัดที่กลับมาไม่ผ่าน (ถ้ามี)",
        queryset=Indicator.objects.filter(is_active=True, from_income=False),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    note = forms.CharField(label="บันทึก", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        hand_entry_rules(self)
        if not self.is_bound:
            self.initial.setdefault("done_on", timezone.localdate())
        self.helper = _helper(self, "บันทึกการติดตาม", "follow-up-check")

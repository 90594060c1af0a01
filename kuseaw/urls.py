"""The site's URLs: each package's own urls.py, included under its prefix."""

from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "คู่เสี่ยว – ผู้ดูแลระบบ"
admin.site.site_title = "คู่เสี่ยว"
admin.site.index_title = "จัดการข้อมูล"

urlpatterns = [
    path("", include("officials.urls")),
    path("", include("kuseaw.accounts.urls")),
    path("households/", include("households.urls")),
    # The case plan's pages sit under /households/<pk>/ too, and /graduations/.
    path("", include("households.cases.urls")),
    path("", include("households.referrals.urls")),
    path("dashboard/", include("households.dashboards.urls")),
    path("pairing/", include("households.pairing.urls")),
    path("imports/", include("households.imports.urls")),
    path("privacy/", include("households.privacy.urls")),
    path("profiles/", include("households.profiles.urls")),
    path("admin/", admin.site.urls),
]

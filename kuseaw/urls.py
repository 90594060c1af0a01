from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from kuseaw import views
from kuseaw.forms import LoginForm
from kuseaw.passwords import PasswordChangeForm

admin.site.site_header = "คู่เสี่ยว – ผู้ดูแลระบบ"
admin.site.site_title = "คู่เสี่ยว"
admin.site.index_title = "จัดการข้อมูล"

urlpatterns = [
    path("", views.home, name="home"),
    path(
        "login/",
        auth_views.LoginView.as_view(
            authentication_form=LoginForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    # Keeps this session and ends the user's others (Django's session auth hash).
    path(
        "password/",
        auth_views.PasswordChangeView.as_view(form_class=PasswordChangeForm),
        name="password_change",
    ),
    path(
        "password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("households/", include("households.urls")),
    path("dashboard/", include("households.dashboard_urls")),
    path("pairing/", include("households.pairing_urls")),
    path("imports/", include("households.import_urls")),
    path("privacy/", include("households.privacy_urls")),
    path("admin/", admin.site.urls),
]

from django.contrib.auth import views as auth_views
from django.urls import path

from kuseaw.accounts.forms import LoginForm, PasswordChangeForm

# No app_name: Django's auth views reverse "login", "logout" and "password_change_done"
# without a namespace (LOGIN_URL, PasswordChangeView.success_url, the admin's own links).
urlpatterns = [
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
]

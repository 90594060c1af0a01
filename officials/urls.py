from django.urls import path

from officials import views

# No app_name: "home" is where every role starts (LOGIN_REDIRECT_URL, the navigation bar's
# brand link), named once without a namespace like Django's own "login".
urlpatterns = [
    path("", views.home, name="home"),
]

from django.urls import path

from households.referrals import views

app_name = "referrals"
urlpatterns = [
    path(
        "households/<int:pk>/problems/<int:problem_pk>/offers/",
        views.problem_offers,
        name="problem_offers",
    ),
]

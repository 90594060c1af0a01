from django.urls import path

from households.referrals import views

app_name = "referrals"
urlpatterns = [
    path(
        "households/<int:pk>/problems/<int:problem_pk>/offers/",
        views.problem_offers,
        name="problem_offers",
    ),
    path(
        "households/<int:pk>/problems/<int:problem_pk>/refer/",
        views.refer,
        name="refer",
    ),
    path("referrals/", views.inbox, name="inbox"),
    path("referrals/<int:pk>/", views.detail, name="detail"),
    path("referrals/<int:pk>/answer/", views.answer, name="answer"),
]

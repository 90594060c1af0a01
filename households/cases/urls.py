from django.urls import path

from households.cases import views

app_name = "cases"
urlpatterns = [
    path("households/<int:pk>/rounds/new/", views.round_new, name="round_new"),
    path("households/<int:pk>/rounds/<int:round_pk>/", views.round_detail, name="round_detail"),
    path(
        "households/<int:pk>/rounds/<int:round_pk>/resume/",
        views.round_resume,
        name="round_resume",
    ),
    path(
        "households/<int:pk>/rounds/<int:round_pk>/steps/<slug:step>/",
        views.round_step,
        name="round_step",
    ),
    path(
        "households/<int:pk>/rounds/<int:round_pk>/finish/",
        views.round_finish,
        name="round_finish",
    ),
    path("households/<int:pk>/problems/new/", views.problem_new, name="problem_new"),
    path(
        "households/<int:pk>/problems/<int:problem_pk>/close/",
        views.problem_close,
        name="problem_close",
    ),
    path(
        "households/<int:pk>/problems/<int:problem_pk>/actions/new/",
        views.action_new,
        name="action_new",
    ),
    path(
        "households/<int:pk>/actions/<int:action_pk>/",
        views.action_update,
        name="action_update",
    ),
    path(
        "households/<int:pk>/graduation/propose/",
        views.graduation_propose,
        name="graduation_propose",
    ),
    path(
        "households/<int:pk>/graduation/<int:graduation_pk>/decide/",
        views.graduation_decide,
        name="graduation_decide",
    ),
    path(
        "households/<int:pk>/follow-ups/<int:check_pk>/",
        views.follow_up,
        name="follow_up",
    ),
    path("graduations/", views.graduations, name="graduations"),
]

from django.urls import path

from households import views

app_name = "households"
urlpatterns = [
    path("mine/", views.my_households, name="mine"),
    path("overview/", views.overview, name="overview"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/visits/new/", views.visit_new, name="visit_new"),
    path("<int:pk>/aid/new/", views.aid_new, name="aid_new"),
    path("<int:pk>/aid/<int:aid_pk>/", views.aid_update, name="aid_update"),
    path("<int:pk>/members/new/", views.member_edit, name="member_new"),
    path("<int:pk>/members/<int:member_pk>/edit/", views.member_edit, name="member_edit"),
    path(
        "<int:pk>/members/<int:member_pk>/move-out/",
        views.member_move_out,
        name="member_move_out",
    ),
]

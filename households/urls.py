from django.urls import path

from households import views

app_name = "households"
urlpatterns = [
    path("mine/", views.my_households, name="mine"),
    path("overview/", views.overview, name="overview"),
]

from django.urls import path

from households.dashboards import views

app_name = "dashboard"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("districts/", views.districts, name="districts"),
    path("agencies/", views.agencies, name="agencies"),
    path("officials/", views.officials, name="officials"),
    path("households/", views.households, name="households"),
    path("activity/", views.activity, name="activity"),
    path("export/<slug:table>.xlsx", views.dashboard_export, name="export"),
]

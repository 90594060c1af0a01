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
    path("plans/", views.plans, name="plans"),
    path("plans/progress/", views.plan_progress, name="plan_progress"),
    path("partners/", views.partners_page, name="partners"),
    path("export/<slug:table>.xlsx", views.dashboard_export, name="export"),
]

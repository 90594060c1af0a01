from django.urls import path

from households.privacy import views

app_name = "privacy"
urlpatterns = [
    path("", views.index, name="index"),
    path("person-export/", views.person_export, name="person_export"),
    path("households/<int:pk>/consent/", views.consent_new, name="consent_new"),
    path("households/<int:pk>/anonymise/", views.anonymise, name="anonymise"),
]

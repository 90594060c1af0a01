from django.urls import path

from households import privacy_views

app_name = "privacy"
urlpatterns = [
    path("", privacy_views.index, name="index"),
    path("person-export/", privacy_views.person_export, name="person_export"),
    path("households/<int:pk>/consent/", privacy_views.consent_new, name="consent_new"),
    path("households/<int:pk>/anonymise/", privacy_views.anonymise, name="anonymise"),
]

from django.urls import path

from households.profiles import views

app_name = "profiles"
urlpatterns = [
    path("<int:pk>.pdf", views.household_pdf, name="household"),
    path("batch.pdf", views.batch_pdf, name="batch"),
]

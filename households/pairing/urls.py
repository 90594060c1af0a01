from django.urls import path

from households.pairing import views

app_name = "pairing"
urlpatterns = [
    path("", views.index, name="index"),
    path("unpaired/", views.unpaired, name="unpaired"),
    path("officials/", views.officials, name="officials"),
    path("suggest/", views.suggest, name="suggest"),
    path("households/<int:pk>/pair/", views.pair, name="pair"),
    path("households/<int:pk>/reassign/", views.reassign, name="reassign"),
    path("<int:pk>/end/", views.end, name="end"),
]

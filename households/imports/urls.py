from django.urls import path

from households.imports import views

app_name = "imports"
urlpatterns = [
    path("", views.index, name="index"),
    path("upload/", views.upload, name="upload"),
    path("<int:pk>/", views.job, name="job"),
    path("<int:pk>/confirm/", views.confirm, name="confirm"),
    path("<int:pk>/progress.json", views.progress, name="progress"),
    path("<int:pk>/errors.xlsx", views.errors, name="errors"),
    path("templates/<slug:kind>.xlsx", views.template, name="template"),
    path("export/<slug:what>.<slug:fmt>", views.export, name="export"),
]

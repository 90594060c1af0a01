from django.urls import path

from households.imports import views

app_name = "imports"
urlpatterns = [
    path("", views.index, name="index"),
    path("upload/", views.upload, name="upload"),
    path("<int:pk>/", views.job, name="job"),
    path("<int:pk>/mapping/", views.mapping, name="mapping"),
    path("<int:pk>/confirm/", views.confirm, name="confirm"),
    path("<int:pk>/progress.json", views.progress, name="progress"),
    path("<int:pk>/errors.xlsx", views.errors, name="errors"),
    path("<int:pk>/rejected.xlsx", views.rejected, name="rejected"),
    path("templates/<slug:kind>.xlsx", views.template, name="template"),
    path("export/<slug:what>.<slug:fmt>", views.export, name="export"),
]

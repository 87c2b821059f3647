from django.urls import path

from . import views

app_name = "areas"

urlpatterns = [
    path("", views.region_list, name="region_list"),
    path("regions/<slug:slug>/", views.region_detail, name="region"),
    path("<slug:slug>/", views.authority_detail, name="authority"),
]

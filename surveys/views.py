from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def survey_index(request: HttpRequest) -> HttpResponse:
    return render(request, "surveys/index.html")

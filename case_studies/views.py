from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def case_study_index(request: HttpRequest) -> HttpResponse:
    return render(request, "case_studies/index.html")

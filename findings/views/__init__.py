from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def findings_index(request: HttpRequest) -> HttpResponse:
    return render(request, "findings/index.html")

"""Administrators set up surveys and their questions here. A question or choice that has been
answered in any return cannot be removed: the database protects it, and the admin refuses the
deletion, naming the answers that hold it."""

from typing import Any

from django.contrib import admin

from .models import Choice, Question, Survey


class ChoiceInline(admin.TabularInline):
    model = Choice
    extra = 1
    fields = ["order", "value"]


class QuestionInline(admin.TabularInline):
    model = Question
    extra = 0
    fields = ["order", "code", "text", "kind", "required", "section"]
    show_change_link = True


@admin.register(Survey)
class SurveyAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "sent_on", "closes_on", "is_illustrative"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [QuestionInline]


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ["code", "text", "survey", "kind", "required", "order"]
    list_filter = ["survey", "kind"]
    search_fields = ["code", "text"]
    inlines = [ChoiceInline]

    def get_readonly_fields(self, request: Any, obj: Question | None = None) -> list[str]:
        # Once answered, a question's kind is fixed: the stored answers are typed by it.
        if obj is not None and obj.answers.exists():
            return ["kind", "survey"]
        return []

    def has_delete_permission(self, request: Any, obj: Question | None = None) -> bool:
        if obj is not None and obj.answers.exists():
            return False
        return super().has_delete_permission(request, obj)

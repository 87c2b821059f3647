"""What the OpenAPI schema needs told: how partner keys are sent, and the named status enums."""

from collections.abc import Sequence
from typing import Any, ClassVar

from drf_spectacular.extensions import (
    OpenApiAuthenticationExtension,
    OpenApiSerializerFieldExtension,
)
from drf_spectacular.plumbing import ResolvedComponent
from rest_framework import serializers


class PartnerKeyScheme(OpenApiAuthenticationExtension):
    target_class = "mash_survey.api_auth.PartnerKeyAuthentication"
    name = "PartnerApiKey"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "A partner key issued by the project team, sent as `Api-Key <key>`.",
        }


class NamedEnumField(serializers.CharField):
    """A read-only status whose values come from a fixed list, named in the schema.

    Several components have a "status" with different values (a survey return's, a visit's,
    a case study's); left alone, drf-spectacular would make up the enums' names. A subclass
    sets `enum_name` (the schema component), `enum_values` and `enum_description`.
    """

    enum_name: ClassVar[str]
    enum_values: ClassVar[Sequence[str]]
    enum_description: ClassVar[str]

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)


class NamedEnumFieldSchema(OpenApiSerializerFieldExtension):
    """Registers each `NamedEnumField` subclass's enum once, as a component of its own."""

    target_class = NamedEnumField
    match_subclasses = True

    def map_serializer_field(self, auto_schema: Any, direction: Any) -> dict[str, Any]:
        field: NamedEnumField = self.target
        component = ResolvedComponent(
            name=field.enum_name,
            type=ResolvedComponent.SCHEMA,
            object=field.enum_name,
            schema={
                "type": "string",
                "enum": list(field.enum_values),
                "description": field.enum_description,
            },
        )
        auto_schema.registry.register_on_missing(component)
        ref: dict[str, Any] = component.ref
        return ref

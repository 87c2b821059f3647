"""What the OpenAPI schema needs told: how partner keys are sent, which endpoints anyone may
call, the error responses every endpoint can give, and the named status enums."""

from collections.abc import Sequence
from typing import Any, ClassVar

from drf_spectacular.extensions import (
    OpenApiAuthenticationExtension,
    OpenApiSerializerFieldExtension,
)
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.plumbing import ResolvedComponent
from rest_framework import serializers

from .api_auth import StaffOrPartnerKey
from .clean_input import CONTROL

#: Text without control characters: a query parameter with one is refused before any view
#: reads it (`clean_input`).
TEXT_PATTERN = f"^[^{CONTROL.pattern[1:-1]}]*$"

#: The error responses of every endpoint: (status, component, description). A 400's body
#: names each parameter it refuses with what to send; the others carry a `detail` sentence.
ERRORS = [
    (
        "400",
        "BadRequest",
        "A parameter has a value the endpoint does not accept (a filter, `ordering`, "
        "`page_size`, `updated_since`): the body names each one with what to send. A request "
        "carrying control characters is refused with a `detail` instead.",
    ),
    (
        "401",
        "Error",
        "The Authorization header is not a valid partner key (wrong, revoked, expired, without "
        "an expiry, or not in the form `Api-Key <key>`), or the records need a key and none "
        "was sent.",
    ),
    ("403", "Error", "A signed-in account without a project role may not read these records."),
    ("404", "Error", "No such record, or no such page of results."),
    (
        "429",
        "Error",
        "Too many requests from this key, account or address: wait the number of seconds in "
        "the Retry-After header.",
    ),
]

ERROR_SCHEMAS: dict[str, dict[str, Any]] = {
    "Error": {
        "type": "object",
        "properties": {"detail": {"type": "string", "description": "What went wrong."}},
        "required": ["detail"],
    },
    "ParameterErrors": {
        "type": "object",
        "description": "Each refused parameter's name, with the messages saying what to send.",
        "additionalProperties": {"type": "array", "items": {"type": "string"}},
        "minProperties": 1,
    },
    "BadRequest": {
        "anyOf": [
            {"$ref": "#/components/schemas/ParameterErrors"},
            {"$ref": "#/components/schemas/Error"},
        ]
    },
}


class AutoSchema(SpectacularAutoSchema):
    """drf-spectacular's schema, told two things it cannot see in our code.

    - Callers without a key may use every endpoint but the internal records
      (`StaffOrPartnerKey`): sending a key there is optional, which the schema says with an
      empty security requirement.
    - Every endpoint can answer 400, 401, 403, 404 and 429 (`ERRORS`), with the bodies DRF
      gives them.
    - A path parameter matches the router's `lookup_value_regex`.
    - A free-text query parameter never holds a control character (`TEXT_PATTERN`).
    - An optional query parameter sent empty (`?region=`, as a form with a blank field sends
      it) is the same as one left out (`allowEmptyValue`).
    """

    def _get_parameters(self) -> list[dict[str, Any]]:
        parameters: list[dict[str, Any]] = super()._get_parameters()
        for parameter in parameters:
            if parameter.get("in") == "path":
                # What the router's URL accepts: anything else reaches no endpoint.
                regex = getattr(self.view, "lookup_value_regex", "[^/.]+")
                parameter.setdefault("schema", {})["pattern"] = f"^(?:{regex})$"
            if parameter.get("in") != "query":
                continue
            schema = parameter.get("schema", {})
            if schema.get("enum") == []:
                del schema["enum"]  # values read from an empty database: none to list yet
            if schema.get("type") == "string" and not {"enum", "format"} & set(schema):
                schema["pattern"] = TEXT_PATTERN
            if not parameter.get("required"):
                parameter["allowEmptyValue"] = True
        return parameters

    def get_auth(self) -> list[dict[str, Any]]:
        auths: list[dict[str, Any]] = super().get_auth()
        perms = [type(permission) for permission in self.view.get_permissions()]
        if StaffOrPartnerKey not in perms and {} not in auths:
            auths.append({})
        return auths

    def _get_response_bodies(self, direction: Any = "response") -> dict[str, Any]:
        responses: dict[str, Any] = super()._get_response_bodies(direction)
        for name, schema in ERROR_SCHEMAS.items():
            self.registry.register_on_missing(
                ResolvedComponent(
                    name=name, type=ResolvedComponent.SCHEMA, object=name, schema=schema
                )
            )
        # An error comes in the format asked for, as the data would (a CSV's is one row).
        media_types = list(responses.get("200", {}).get("content", {})) or ["application/json"]
        for status, component, description in ERRORS:
            existing = responses.get(status, {})
            schema = {"$ref": f"#/components/schemas/{component}"}
            responses[status] = {
                "description": existing.get("description") or description,
                "content": {media_type: {"schema": schema} for media_type in media_types},
            }
        return responses


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

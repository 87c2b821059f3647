"""Tell the OpenAPI schema how partner keys are sent."""

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension


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

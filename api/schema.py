"""The API's OpenAPI generator: drf-spectacular's, plus what every operation can answer.

The schema is what a generated client (openapi-python-client) is built from, so it has to hold every
answer the server really gives, each in the one error shape of api.errors:

- ``AttainAutoSchema`` (the default schema class) adds the errors of a kind of operation: 401
  everywhere; 404 on a path with an id; 403 on a write; 400 (the ``ValidationError`` component, details
  by field) on a list (its filters, ordering and paging) and on an operation with a body.
- ``document_common_errors`` (a postprocessing hook) adds what any operation can answer whatever it is:
  405, 415 (for a body), 429 and 500/503 with their headers, 400 where a parameter is checked, and
  points every plain 400 at the ``ValidationError`` component.
- ``FixedPlacesFieldExtension`` gives money and ratio fields (api.serializers) ``format: decimal`` and a
  pattern with their number of decimals.

Views declare the statuses particular to them with ``extend_schema``.
"""

from __future__ import annotations

from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse

from core.calendar import not_a_quarter

COMMON = {
    400: "Invalid input: `details` names each field (a body's, or a filter, `ordering`, `page` or "
    "`page_size`) with its messages.",
    401: "Not signed in: send `Authorization: Bearer <key>`.",
    403: "Your role may not do this (or, signed in by session, the CSRF token is missing).",
    404: "Not found, or out of your scope.",
    "page": "Not found: the page is past the end of the list.",
}
ANY = {
    "405": "The method is not allowed on this path; the `Allow` header lists those that are.",
    "429": "Too many requests: wait the `Retry-After` seconds (API_THROTTLE_USER, API_THROTTLE_ANON).",
    "500": "The server failed; the error is logged. Retry later, and report it if it persists.",
    "503": "Briefly unavailable (the database is busy or restarting): retry after `Retry-After` seconds.",
}
BODY = {"415": "The body's Content-Type is not one this operation reads (see its request body)."}
RETRY_AFTER = {
    "Retry-After": {"schema": {"type": "integer", "minimum": 0}, "description": "Seconds to wait."}
}
HEADERS = {
    "405": {"Allow": {"schema": {"type": "string"}, "description": "The methods this path allows."}},
    "429": RETRY_AFTER,
    "503": RETRY_AFTER,
}
ERROR_REF = "#/components/schemas/Error"
VALIDATION_REF = "#/components/schemas/ValidationError"
ERROR_EXAMPLE = {
    "error": {
        "code": "not_allowed",
        "message": "ops@example.com may not approve a request they filed.",
        "details": None,
    }
}
VALIDATION_EXAMPLE = {
    "error": {
        "code": "invalid",
        "message": "Invalid input.",
        "details": {"period": [not_a_quarter("FY27-Q9")]},
    }
}


class AttainAutoSchema(AutoSchema):
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        from .write_serializers import ErrorSerializer, ValidationErrorSerializer

        for code, description in self._common_errors():
            if str(code) not in responses:
                serializer = ValidationErrorSerializer if code == 400 else ErrorSerializer
                response = OpenApiResponse(serializer, description=description)
                responses[str(code)] = self._get_response_for_code(
                    response, str(code), ("application/json",), direction
                )
        return responses

    def _common_errors(self) -> list[tuple[int, str]]:
        errors = [(401, COMMON[401])]
        if "{" in self.path:
            errors.append((404, COMMON[404]))
        if self.method != "GET":
            errors.append((403, COMMON[403]))
            if self.get_request_serializer() is not None:
                errors.append((400, COMMON[400]))
        elif self._is_list_view() and self._get_paginator() is not None:
            errors += [(400, COMMON[400]), (404, COMMON["page"])]
        return errors


class FixedPlacesFieldExtension(OpenApiSerializerFieldExtension):
    """Money and ratios: decimal strings with exactly the field's number of decimals (DESIGN §6)."""

    target_class = "api.serializers._FixedPlacesField"
    match_subclasses = True

    def map_serializer_field(self, auto_schema, direction):
        places = self.target.decimal_places
        return {
            "type": "string",
            "format": "decimal",
            "pattern": rf"^-?\d+\.\d{{{places}}}$",
            "example": "1234." + "5" * places,
            "description": f"{self.target.kind}: a decimal string with exactly {places} decimals.",
        }


def _error_response(description: str, headers: dict | None = None) -> dict:
    response = {"description": description, "content": {"application/json": {"schema": {"$ref": ERROR_REF}}}}
    if headers:
        response["headers"] = headers
    return response


def _points_at(response: dict, ref: str) -> bool:
    return any(media.get("schema", {}).get("$ref") == ref for media in response.get("content", {}).values())


def _takes_a_checked_parameter(operation: dict) -> bool:
    """A query parameter, or a path parameter other than an integer id: a malformed value is a 400
    (an integer id that is not a number matches no route: a 404)."""
    return any(
        parameter["in"] == "query"
        or (parameter["in"] == "path" and parameter.get("schema", {}).get("type") != "integer")
        for parameter in operation.get("parameters", [])
    )


def document_common_errors(result, generator, request, public):
    """Postprocessing hook: every operation documents 405, 415 (with a body), 429, 500 and 503 in the
    error shape, with ``Allow`` and ``Retry-After``; one with a checked parameter a 400; a 400 in the plain
    error shape becomes the ``ValidationError`` component; the error components carry an example."""
    for path in result.get("paths", {}).values():
        for operation in path.values():
            responses = operation.setdefault("responses", {})
            extra = {**ANY, **(BODY if "requestBody" in operation else {})}
            for status, description in extra.items():
                responses.setdefault(status, _error_response(description, HEADERS.get(status)))
            if "400" not in responses and _takes_a_checked_parameter(operation):
                responses["400"] = {
                    "description": COMMON[400],
                    "content": {"application/json": {"schema": {"$ref": VALIDATION_REF}}},
                }
            bad_request = responses.get("400")
            if bad_request and _points_at(bad_request, ERROR_REF):
                for media in bad_request["content"].values():
                    media["schema"] = {"$ref": VALIDATION_REF}
    schemas = result.get("components", {}).get("schemas", {})
    if "Error" in schemas:
        schemas["Error"]["example"] = ERROR_EXAMPLE
    if "ValidationError" in schemas:
        schemas["ValidationError"]["example"] = VALIDATION_EXAMPLE
    return result

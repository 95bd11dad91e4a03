"""The API's OpenAPI generator: drf-spectacular's, plus the error responses every operation can give.

Views declare the statuses particular to them with ``extend_schema``; this adds the ones common to a
kind of operation (401 everywhere; 404 on a detail; 400 for a bad filter and 404 for a page past the
end on a list), all in the one error shape of api.errors.
"""

from __future__ import annotations

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse

COMMON = {
    400: "A filter's or parameter's value is invalid.",
    401: "Not signed in: send `Authorization: Bearer <key>`.",
    404: "Not found, or out of your scope.",
    "page": "Not found: the page is past the end of the list.",
}


class AttainAutoSchema(AutoSchema):
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        from .write_serializers import ErrorSerializer

        for code, description in self._common_errors():
            if str(code) not in responses:
                response = OpenApiResponse(ErrorSerializer, description=description)
                responses[str(code)] = self._get_response_for_code(
                    response, str(code), ("application/json",), direction
                )
        return responses

    def _common_errors(self) -> list[tuple[int, str]]:
        errors = [(401, COMMON[401])]
        if self.method != "GET":
            return errors
        if "{" in self.path:
            errors.append((404, COMMON[404]))
        elif self._is_list_view() and self._get_paginator() is not None:
            errors += [(400, COMMON[400]), (404, COMMON["page"])]
        return errors

"""The served OpenAPI schema, built once per test process, and ways to walk it."""

from __future__ import annotations

from functools import cache

from drf_spectacular.generators import SchemaGenerator

from api.urls import router

METHODS = ("get", "post", "put", "patch", "delete")


@cache
def schema() -> dict:
    """The schema /api/schema/ serves (same generator, settings and hooks), as plain JSON data."""
    import json

    from drf_spectacular.renderers import OpenApiJsonRenderer

    built = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(built))


def operations() -> list[tuple[str, str, dict]]:
    return [
        (method, path, operation)
        for path, item in schema()["paths"].items()
        for method, operation in item.items()
        if method in METHODS
    ]


def resolve(node: dict) -> dict:
    """``node`` with its ``$ref`` (and an ``allOf`` of one ref) replaced by the component."""
    while True:
        if "$ref" in node:
            node = schema()["components"]["schemas"][node["$ref"].rsplit("/", 1)[1]]
        elif len(node.get("allOf", [])) == 1:
            node = {**node["allOf"][0], **{k: v for k, v in node.items() if k != "allOf"}}
        else:
            return node


def properties(node: dict) -> dict[str, dict]:
    """The properties of an object schema, each resolved."""
    node = resolve(node)
    if node.get("type") == "array":
        node = resolve(node["items"])
    return {name: resolve(prop) for name, prop in node.get("properties", {}).items()}


def list_paths() -> list[str]:
    """Every list endpoint of the router (``/api/<prefix>/``)."""
    return [f"/api/{prefix}/" for prefix, _viewset, _basename in router.registry]

"""A self-hosted API reference page rendered from the OpenAPI schema (no CDN assets)."""

from django.shortcuts import render

from .schema import api_schema

METHODS = ("get", "post", "put", "patch", "delete")


def api_docs(request):
    schema = api_schema()
    components = schema.get("components", {}).get("schemas", {})
    context = {
        "info": schema.get("info", {}),
        "endpoints": [
            _endpoint(path, method, operation)
            for path, operations in schema.get("paths", {}).items()
            for method, operation in operations.items()
            if method in METHODS
        ],
        "schemas": [_component(name, body) for name, body in sorted(components.items())],
    }
    return render(request, "api/docs.html", context)


def _endpoint(path: str, method: str, operation: dict) -> dict:
    body = operation.get("requestBody", {}).get("content", {}).get("application/json", {})
    return {
        "anchor": operation.get("operationId", f"{method}-{path}"),
        "method": method.upper(),
        "path": path,
        "summary": operation.get("summary", ""),
        "description": operation.get("description", ""),
        "parameters": [
            {
                "name": p["name"],
                "location": p["in"],
                "required": p.get("required", False),
                "type": type_name(p.get("schema", {})),
                "description": p.get("description", ""),
            }
            for p in operation.get("parameters", [])
        ],
        "request": type_name(body["schema"]) if body else "",
        "responses": [
            {
                "code": code,
                "description": response.get("description", ""),
                "type": type_name(
                    response.get("content", {}).get("application/json", {}).get("schema", {})
                ),
            }
            for code, response in sorted(operation.get("responses", {}).items())
        ],
    }


def _component(name: str, body: dict) -> dict:
    required = set(body.get("required", []))
    return {
        "name": name,
        "description": body.get("description", ""),
        "enum": [str(v) for v in body.get("enum", []) if v not in ("", None)],
        "fields": [
            {
                "name": field,
                "type": type_name(spec),
                "required": field in required,
                "description": spec.get("description", ""),
            }
            for field, spec in body.get("properties", {}).items()
        ],
    }


def type_name(schema: dict) -> str:
    """A short human reading of a JSON schema: 'CaseSummary', 'array of string', 'uuid'."""
    if not schema:
        return ""
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    for combinator in ("allOf", "oneOf", "anyOf"):
        if combinator in schema:
            parts = [type_name(s) for s in schema[combinator]]
            return " or ".join(p for p in parts if p)
    kind = schema.get("type", "object")
    if kind == "array":
        return f"array of {type_name(schema.get('items', {}))}"
    text = schema.get("format", kind)
    return f"{text} or null" if schema.get("nullable") else text

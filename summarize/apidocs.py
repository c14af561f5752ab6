"""The service's /docs page: the OpenAPI schema as plain HTML.

FastAPI's own page loads Swagger UI from a CDN, so it is blank offline. This
one is rendered on the server from the schema and needs nothing else: no
script, no stylesheet, no font from anywhere.
"""

from __future__ import annotations

import html
import json
from typing import Any

_STYLE = (
    "body{font-family:sans-serif;max-width:60em;margin:2em auto;padding:0 1em;line-height:1.4}"
    "h2{font-family:monospace;border-top:1px solid #ccc;padding-top:.8em}"
    "pre{background:#f4f4f4;padding:.6em;overflow-x:auto}"
)


def docs_page(schema: dict[str, Any]) -> str:
    """One HTML page: each endpoint, what it does, and the body it takes.

    Args:
      schema: the application's OpenAPI schema (`app.openapi()`).
    """
    info = schema.get("info", {})
    parts = [
        f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(info.get('title', ''))}</title>",
        f"<style>{_STYLE}</style></head><body>",
        f"<h1>{html.escape(info.get('title', ''))} {html.escape(str(info.get('version', '')))}</h1>",
        f"<p>{html.escape(info.get('description', ''))}</p>",
        "<p>The machine-readable schema: <a href='/openapi.json'>/openapi.json</a>.</p>",
    ]
    for path, methods in schema.get("paths", {}).items():
        for method, operation in methods.items():
            parts.append(f"<h2>{html.escape(method.upper())} {html.escape(path)}</h2>")
            text = operation.get("description") or operation.get("summary") or ""
            parts.append(f"<pre>{html.escape(text)}</pre>" if "\n" in text else f"<p>{html.escape(text)}</p>")
            body = operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
            if body:
                parts.append(f"<p>Request body:</p><pre>{html.escape(json.dumps(body, indent=2))}</pre>")
    parts.append("</body></html>")
    return "\n".join(parts)

"""What browsers are told: security headers on every answer, CORS refused clearly, unreadable bodies as 422."""

from __future__ import annotations

import httpx
import pytest

from auth_service.passwords import MIN_PASSWORD_LENGTH
from contacts_service.domain.limits import MAX_PAGE_SIZE
from edge.app import create_app
from edge.settings import EdgeSettings


@pytest.fixture
async def client(data_dir):  # type: ignore[no-untyped-def]
    app = create_app(EdgeSettings(data_dir=data_dir))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://edge") as client:
        yield client


async def test_the_web_app_forbids_framing_sniffing_and_foreign_code(client) -> None:
    page = await client.get("/")
    assert page.status_code == 200
    policy = page.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in policy
    assert "default-src 'self'" in policy and "object-src 'none'" in policy
    assert "unsafe-inline" not in policy
    assert page.headers["x-content-type-options"] == "nosniff"
    assert page.headers["referrer-policy"] == "no-referrer"
    assert "no-store" not in page.headers.get("cache-control", "")  # static files may be cached


async def test_api_answers_are_never_stored_by_caches(client) -> None:
    for response in (
        await client.post("/api/v1/auth/login", content=b"{", headers={"content-type": "application/json"}),
        await client.get("/api/v1/nothing-here"),
    ):
        assert response.headers["cache-control"] == "no-store"
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
        assert response.headers["x-content-type-options"] == "nosniff"


async def test_the_docs_page_may_load_swagger_ui(client) -> None:
    docs = await client.get("/docs")
    assert docs.status_code == 200
    assert "https://cdn.jsdelivr.net" in docs.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in docs.headers["content-security-policy"]


async def test_a_cors_preflight_is_refused_clearly(client) -> None:
    response = await client.options(
        "/api/v1/linkedin/push",
        headers={"Origin": "https://elsewhere.example", "Access-Control-Request-Method": "POST"},
    )
    assert response.status_code == 403
    assert response.json()["code"] == "cross_origin_not_allowed"
    assert response.json()["detail"] == (
        "cross-origin requests are not allowed: the web app is served from this origin "
        "and the extension calls with host permissions"
    )
    assert "access-control-allow-origin" not in response.headers


async def test_a_plain_options_lists_the_methods(client) -> None:
    pair = await client.options("/api/v1/extension/pair")
    assert pair.status_code == 204
    assert pair.headers["allow"] == "DELETE, GET, OPTIONS, POST"
    unknown = await client.options("/api/v1/nothing-here")
    assert (unknown.status_code, unknown.json()["code"]) == (404, "not_found")


async def test_an_undeclared_method_is_405_with_allow_not_the_web_app(client) -> None:
    response = await client.get("/api/v1/linkedin/push")
    assert (response.status_code, response.json()["code"]) == (405, "method_not_allowed")
    assert response.headers["allow"] == "POST"


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        (b'{"email": "ada@example.com", "password": "caf\xe9 au lait!"}', "the body is not UTF-8 encoded JSON"),
        (b"[" * 1000 + b"]" * 1000, "the body's JSON is nested too deeply"),
        (b'{"email": ', "the body is not valid JSON (Expecting value at 10)"),
    ],
    ids=["latin-1", "nested 1000 deep", "cut short"],
)
async def test_an_unreadable_body_is_422_validation_failed(client, body: bytes, detail: str) -> None:
    response = await client.post("/api/v1/auth/login", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert (response.json()["code"], response.json()["detail"]) == ("validation_failed", detail)


async def test_the_schema_states_the_rules_the_services_enforce(client) -> None:
    schema = (await client.get("/openapi.json")).json()
    assert schema["components"]["schemas"]["NewAccount"]["properties"]["password"]["minLength"] == MIN_PASSWORD_LENGTH
    limit = next(p for p in schema["paths"]["/api/v1/contacts"]["get"]["parameters"] if p["name"] == "limit")
    assert limit["schema"]["maximum"] == MAX_PAGE_SIZE
    push_errors = schema["paths"]["/api/v1/linkedin/push"]["post"]["responses"]
    assert {"401", "413", "422", "503", "504"} <= set(push_errors)
    assert push_errors["503"]["content"]["application/problem+json"]["schema"] == {
        "$ref": "#/components/schemas/Problem"
    }

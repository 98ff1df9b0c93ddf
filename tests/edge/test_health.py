"""/healthz and /readyz against the real services."""

from __future__ import annotations


async def test_ready_lists_four_serving_services(stack) -> None:
    async with stack.http() as client:
        response = await client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ready",
        "services": {"auth": "SERVING", "contacts": "SERVING", "suggestions": "SERVING", "media": "SERVING"},
    }


async def test_a_stopped_service_makes_ready_503_naming_it_while_healthz_stays_200(stack) -> None:
    await stack.stop_service("contacts")
    async with stack.http() as client:
        ready = await client.get("/readyz")
        alive = await client.get("/healthz")
    assert ready.status_code == 503
    assert ready.json()["failing"] == ["contacts"]
    assert ready.json()["services"]["contacts"] != "SERVING"
    assert ready.json()["services"]["auth"] == "SERVING"
    assert alive.status_code == 200


async def test_responses_carry_a_request_id(stack) -> None:
    async with stack.http() as client:
        response = await client.get("/healthz", headers={"x-request-id": "from-client-1"})
    assert response.headers["x-request-id"] == "from-client-1"

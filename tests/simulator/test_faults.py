"""Each fault switch, observed over real HTTP."""

from __future__ import annotations

import http.client
import io
import json
import socket
import struct
import time
import zlib
from concurrent.futures import ThreadPoolExecutor

import pytest
from PIL import ExifTags, Image

from interactions.simulator import data
from interactions.simulator.faults import Faults
from tests.support.simulator import RunningSimulator, account_headers

ACME = data.ACME_ACCOUNT_ID
BASE = f"/interact/agent/version/2/account/{ACME}"
FULL_FLOW = f"{BASE}/interactiondata/040100713/fullFlow"
SUMMARY = f"{BASE}/interactiondata/040100713/summary"
VARIABLES = f"{BASE}/interactiondata/040100713/variableSet/customerInfoSet"
UNIQUE_ID = f"{BASE}/uniqueId/dtmf/0407013"
PHOTO = (
    f"{BASE}/photo/040100713/"
    + data.EXIF_PHOTO_PATH.replace("/", "%252F")
    + "?maxSize=1600"
)


def open_response(
    simulator: RunningSimulator, path: str, *, timeout: float = 5.0
) -> tuple[http.client.HTTPConnection, http.client.HTTPResponse]:
    """Send a request and return the connection and the unread response."""
    connection = http.client.HTTPConnection(
        "127.0.0.1", simulator.port, timeout=timeout
    )
    connection.request("GET", path, headers=account_headers(ACME))
    return connection, connection.getresponse()


# --- status faults -------------------------------------------------------------------


def test_fail_twice_then_recover(simulator):
    simulator.faults.fail("fullFlow", status=503, times=2)
    statuses = [simulator.get(FULL_FLOW, account=ACME).status for _ in range(3)]
    assert statuses == [503, 503, 200]
    assert len(simulator.hits) == 3


def test_fail_5xx_has_an_empty_body(simulator):
    simulator.faults.fail("summary", status=500)
    response = simulator.get(SUMMARY, account=ACME)
    assert response.status == 500
    assert response.body == b""


def test_fail_targets_only_its_method(simulator):
    simulator.faults.fail("summary", status=503, times=None)
    assert simulator.get(FULL_FLOW, account=ACME).status == 200
    assert simulator.get(SUMMARY, account=ACME).status == 503


def test_fail_with_star_targets_every_method(simulator):
    simulator.faults.fail("*", status=502, times=None)
    for path in (FULL_FLOW, SUMMARY, VARIABLES, UNIQUE_ID, PHOTO):
        assert simulator.get(path, account=ACME).status == 502


def test_fail_with_retry_after(simulator):
    simulator.faults.fail("summary", status=429, retry_after=2)
    response = simulator.get(SUMMARY, account=ACME)
    assert response.status == 429
    assert response.headers["Retry-After"] == "2"


def test_status_401_looks_like_the_real_one(simulator):
    simulator.faults.status("variableSet", 401)
    for _ in range(2):
        response = simulator.get(VARIABLES, account=ACME)
        assert response.status == 401
        assert response.headers["Unauthenticated-Reason"] == "wrong Application-Key"
        assert response.json()["code"] == "0x7000000"


def test_status_404_on_photo_says_photo(simulator):
    simulator.faults.status("photo", 404)
    response = simulator.get(PHOTO, account=ACME)
    assert response.text == "photo was not found"


def test_faults_apply_before_credentials(simulator):
    simulator.faults.fail("summary", status=503)
    assert simulator.get(SUMMARY).status == 503


def test_faults_ignore_unknown_routes(simulator):
    simulator.faults.fail("*", status=503, times=None)
    assert simulator.get(f"{BASE}/nothing", account=ACME).status == 404


def test_clear_switches_everything_off(simulator):
    # A latency far above what a loaded machine adds, so only a latency
    # left on (not a slow scheduler) can break the bound.
    simulator.faults.fail("*", status=503, times=None).latency(5)
    simulator.faults.clear()
    started = time.monotonic()
    assert simulator.get(SUMMARY, account=ACME).status == 200
    assert time.monotonic() - started < 4
    assert simulator.faults.active() == []


def test_times_are_counted_across_parallel_requests(simulator):
    simulator.faults.fail("summary", status=503, times=5)
    with ThreadPoolExecutor(max_workers=10) as pool:
        statuses = list(
            pool.map(lambda _: simulator.get(SUMMARY, account=ACME).status, range(20))
        )
    assert sorted(statuses).count(503) == 5
    assert statuses.count(200) == 15


# --- delays ----------------------------------------------------------------------


def test_latency_delays_every_call(simulator):
    simulator.faults.latency(0.2)
    started = time.monotonic()
    simulator.get(SUMMARY, account=ACME)
    simulator.get(UNIQUE_ID, account=ACME)
    assert time.monotonic() - started >= 0.4


def test_latency_per_method(simulator):
    simulator.faults.latency(5, "photo")
    started = time.monotonic()
    simulator.get(SUMMARY, account=ACME)
    assert time.monotonic() - started < 4


def test_latency_from_the_constructor():
    assert Faults(latency=0.1).plan("summary").delay == pytest.approx(0.1)


def test_hang_outlasts_the_client_timeout(simulator):
    simulator.faults.hang("summary", seconds=1.0, times=1)
    with pytest.raises(TimeoutError):
        simulator.get(SUMMARY, account=ACME, timeout=0.2)
    assert simulator.get(SUMMARY, account=ACME).status == 200


def test_hang_then_answers_normally(simulator):
    simulator.faults.hang("uniqueId", seconds=0.3)
    started = time.monotonic()
    response = simulator.get(UNIQUE_ID, account=ACME)
    assert time.monotonic() - started >= 0.3
    assert response.json() == {"uniqueId": "040100713"}


def test_trickle_sends_one_byte_per_interval(simulator):
    simulator.faults.trickle("fullFlow", interval=0.1)
    connection, response = open_response(simulator, FULL_FLOW)
    assert response.status == 200
    assert int(response.headers["Content-Length"]) > 1000
    started = time.monotonic()
    assert response.read(3) == b'[{"'
    assert time.monotonic() - started >= 0.15
    connection.close()


# --- broken connections ------------------------------------------------------------


def test_reset_before_any_byte(simulator):
    simulator.faults.reset("fullFlow", times=1)
    with pytest.raises(ConnectionResetError):
        simulator.get(FULL_FLOW, account=ACME)
    assert simulator.get(FULL_FLOW, account=ACME).status == 200


def test_reset_mid_body(simulator):
    simulator.faults.reset("fullFlow", after_bytes=100)
    connection, response = open_response(simulator, FULL_FLOW)
    assert response.status == 200
    assert int(response.headers["Content-Length"]) > 100
    with pytest.raises((ConnectionResetError, http.client.IncompleteRead)):
        response.read()
    connection.close()


# --- malformed bodies -----------------------------------------------------------------


def test_invalid_json(simulator):
    simulator.faults.invalid_json("summary")
    response = simulator.get(SUMMARY, account=ACME)
    assert response.status == 200
    assert response.headers["Content-Type"] == "application/json;charset=UTF-8"
    assert response.body.startswith(b'{"name": "Motor Claim FNOL"')
    with pytest.raises(json.JSONDecodeError):
        response.json()


def test_html_with_status_200(simulator):
    simulator.faults.html("fullFlow")
    response = simulator.get(FULL_FLOW, account=ACME)
    assert response.status == 200
    assert response.headers["Content-Type"] == "text/html;charset=UTF-8"
    assert response.body.startswith(b"<!DOCTYPE html>")


def test_oversized_body_is_valid_json(simulator):
    simulator.faults.oversized("fullFlow", bytes=3 * 1024 * 1024)
    response = simulator.get(FULL_FLOW, account=ACME)
    assert response.status == 200
    assert int(response.headers["Content-Length"]) == len(response.body)
    assert len(response.body) >= 3 * 1024 * 1024
    assert isinstance(response.json(), list)


def test_oversized_with_a_huge_content_length(simulator):
    simulator.faults.oversized("summary", bytes=100_000, declared_length=10 * 1024**3)
    connection, response = open_response(simulator, SUMMARY)
    assert response.headers["Content-Length"] == str(10 * 1024**3)
    assert len(response.read(50_000)) == 50_000
    connection.close()


def test_oversized_photo_is_a_jpeg_with_padding(simulator):
    simulator.faults.oversized("photo", bytes=2 * 1024 * 1024)
    response = simulator.get(PHOTO, account=ACME)
    assert response.headers["Content-Type"] == "image/jpg;charset=UTF-8"
    assert len(response.body) >= 2 * 1024 * 1024
    assert Image.open(io.BytesIO(response.body)).format == "JPEG"


def test_endless_body(simulator):
    simulator.faults.endless("fullFlow")
    connection, response = open_response(simulator, FULL_FLOW)
    assert response.headers["Content-Length"] is None
    assert len(response.read(1024 * 1024)) == 1024 * 1024
    connection.close()


def test_gzip_bomb(simulator):
    simulator.faults.gzip_bomb("summary", expanded=16 * 1024 * 1024)
    connection, response = open_response(simulator, SUMMARY)
    assert response.headers["Content-Encoding"] == "gzip"
    compressed = response.read()
    connection.close()
    assert len(compressed) < 100_000
    inflated = zlib.decompressobj(31).decompress(compressed, 32 * 1024 * 1024)
    assert len(inflated) == 16 * 1024 * 1024
    assert json.loads(inflated) == []


def test_redirect_to_another_host(simulator):
    simulator.faults.redirect("fullFlow", location="http://127.0.0.2:9/steal")
    response = simulator.get(FULL_FLOW, account=ACME)
    assert response.status == 302
    assert response.headers["Location"] == "http://127.0.0.2:9/steal"


# --- hostile images ------------------------------------------------------------------


def test_bomb_image(simulator):
    simulator.faults.bomb_image()
    response = simulator.get(PHOTO, account=ACME)
    assert response.status == 200
    assert response.headers["Content-Type"] == "image/png"
    assert len(response.body) < 200_000
    width, height = struct.unpack(">II", response.body[16:24])
    assert (width, height) == (20_000, 20_000)
    with pytest.raises(Image.DecompressionBombError):
        Image.open(io.BytesIO(response.body))


def test_corrupt_image(simulator):
    simulator.faults.corrupt_image()
    response = simulator.get(PHOTO, account=ACME)
    assert response.headers["Content-Type"] == "image/jpg;charset=UTF-8"
    assert response.body.startswith(b"\xff\xd8")
    with pytest.raises(OSError, match=r"truncated|broken"):
        Image.open(io.BytesIO(response.body)).load()


@pytest.mark.parametrize(
    ("kind", "pillow_format"), [("fits", "FITS"), ("tiff", "TIFF"), ("bmp", "BMP")]
)
def test_foreign_formats_labelled_as_jpeg(simulator, kind, pillow_format):
    simulator.faults.foreign_image(kind)
    response = simulator.get(PHOTO, account=ACME)
    assert response.headers["Content-Type"] == "image/jpg;charset=UTF-8"
    assert Image.open(io.BytesIO(response.body)).format == pillow_format


def test_svg_labelled_as_jpeg(simulator):
    simulator.faults.foreign_image("svg")
    response = simulator.get(PHOTO, account=ACME)
    assert response.headers["Content-Type"] == "image/jpg;charset=UTF-8"
    assert b"<script>alert(1)</script>" in response.body


def test_polyglot_jpeg_carries_html_and_gps(simulator):
    simulator.faults.foreign_image("polyglot")
    body = simulator.get(PHOTO, account=ACME).body
    image = Image.open(io.BytesIO(body))
    assert image.format == "JPEG"
    assert b"<script>alert(1)</script>" in body
    assert ExifTags.GPS.GPSLatitude in image.getexif().get_ifd(ExifTags.IFD.GPSInfo)


def test_image_faults_leave_json_methods_alone(simulator):
    simulator.faults.corrupt_image()
    assert simulator.get(SUMMARY, account=ACME).status == 200


# --- the switch board itself ----------------------------------------------------------


def test_unknown_method_is_refused():
    with pytest.raises(ValueError, match="method must be one of"):
        Faults().fail("fullflow")


def test_zero_times_is_refused():
    with pytest.raises(ValueError, match="times"):
        Faults().fail("summary", times=0)


def test_plan_takes_one_response_fault_at_a_time():
    faults = Faults().fail("summary", status=503).fail("summary", status=504)
    statuses = [faults.plan("summary").respond for _ in range(2)]
    assert [rule.status for rule in statuses if rule] == [503, 504]
    assert faults.plan("summary").respond is None


def test_interrupt_wakes_sleepers():
    faults = Faults()
    faults.interrupt()
    started = time.monotonic()
    assert faults.sleep(5) is False
    assert time.monotonic() - started < 1


@pytest.mark.parametrize(
    ("spec", "kind", "method"),
    [
        ("fail:fullFlow:503", "fail", "fullFlow"),
        ("status:variableSet:401", "fail", "variableSet"),
        ("hang:summary:30", "hang", "summary"),
        ("latency::0.5", "latency", "*"),
        ("trickle:fullFlow", "trickle", "fullFlow"),
        ("reset:photo:100", "reset", "photo"),
        ("invalid-json:summary", "invalid_json", "summary"),
        ("html", "html", "*"),
        ("oversized:fullFlow:4000000", "oversized", "fullFlow"),
        ("endless:fullFlow", "endless", "fullFlow"),
        ("gzip_bomb", "gzip_bomb", "*"),
        ("redirect:fullFlow:http://127.0.0.2:8/x", "redirect", "fullFlow"),
        ("bomb_image", "bomb_image", "photo"),
        ("corrupt-image", "corrupt_image", "photo"),
        ("foreign_image:fits", "foreign_image", "photo"),
    ],
)
def test_fault_specs(spec, kind, method):
    (rule,) = Faults().apply_spec(spec).active()
    assert (rule.kind, rule.method) == (kind, method)
    assert rule.times is None


def test_fault_spec_values():
    faults = Faults().apply_specs(
        ["fail:summary:503", "redirect:fullFlow:http://h:1/x"]
    )
    fail, redirect = faults.active()
    assert fail.status == 503
    assert redirect.location == "http://h:1/x"


@pytest.mark.parametrize(
    "spec", ["explode", "fail:fullflow", "hang:summary:soon", "foreign_image:exe"]
)
def test_bad_fault_specs(spec):
    with pytest.raises(ValueError, match=r"fault|method|kind"):
        Faults().apply_spec(spec)


def test_hung_handlers_end_when_the_simulator_stops(simulator):
    simulator.faults.hang("summary", seconds=30)
    client = socket.create_connection(("127.0.0.1", simulator.port), timeout=5)
    client.sendall(b"GET " + SUMMARY.encode() + b" HTTP/1.1\r\nHost: x\r\n\r\n")
    time.sleep(0.1)
    simulator.faults.interrupt()
    # Woken, the handler answers at once instead of in 30 s.
    assert client.recv(12) == b"HTTP/1.1 401"
    client.close()
